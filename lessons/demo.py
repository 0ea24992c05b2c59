"""Demo lessons learned (called by `manage.py seed_demo`; once: a project that already has
lessons is left alone). NW-PORTAL's lessons show on NW-WMS's overview (same client); NW-WMS and
ACME-EHR have lessons from both sides, internal and shared; HX-MES has lessons in Chinese, so
that the library's search finds two characters inside a sentence."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from lessons.services import lesson_create
from projects.models import Project, Visibility

# project code -> (author e-mail, values)
LESSONS: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "NW-WMS": [
        (
            "pm@rapport.example",
            {
                "title": "Pilot one warehouse before the others",
                "category": "process",
                "what_went_well": "The pilot in Leeds found the label printer problem early.",
                "recommendation": "Always run a two-week pilot at the smallest site first.",
                "tags": ["logistics", "wms"],
                "phase": "execution",
                "visibility": Visibility.CLIENT,
            },
        ),
        (
            "team@rapport.example",
            {
                "title": "Scanner vendor's lead times were optimistic",
                "category": "schedule",
                "what_went_wrong": "Hardware arrived three weeks late and the pilot slipped.",
                "recommendation": "Order hardware before the design is signed off.",
                "tags": ["logistics", "hardware"],
                "phase": "execution",
            },
        ),
        (
            "rep@northwind.example",
            {
                "title": "Shift leads need the training first",
                "category": "client_relationship",
                "what_went_well": "Shift leads who trained first coached their teams.",
                "what_went_wrong": "Night shift heard about the change last.",
            },
        ),
    ],
    "NW-PORTAL": [
        (
            "pm@rapport.example",
            {
                "title": "Northwind approves through a weekly board",
                "category": "communication",
                "what_went_wrong": "Decisions waited up to a week for the board meeting.",
                "recommendation": "Plan client decisions around Northwind's Tuesday board.",
                "tags": ["logistics"],
                "phase": "planning",
            },
        ),
    ],
    "ACME-EHR": [
        (
            "am@rapport.example",
            {
                "title": "Data protection review takes a month",
                "category": "risk",
                "what_went_wrong": "The hospital's privacy office reviewed every interface spec.",
                "recommendation": "Book the privacy review when the project starts.",
                "tags": ["healthcare"],
                "phase": "planning",
            },
        ),
        (
            "rep@acme.example",
            {
                "title": "Test data from real clinics",
                "category": "quality",
                "what_went_well": "Anonymised clinic data found edge cases early.",
            },
        ),
    ],
    "HX-MES": [
        (
            "pm.zh@rapport.example",
            {
                "title": "需求变更频繁导致返工",
                "category": "scope",
                "what_went_wrong": "项目中期客户需求变更频繁，接口设计反复修改，测试返工两次。",
                "recommendation": "需求基线确认后，所有变更都走变更请求流程。",
                "tags": ["制造", "MES"],
                "phase": "execution",
            },
        ),
        (
            "pm.zh@rapport.example",
            {
                "title": "每周例会效果很好",
                "category": "communication",
                "what_went_well": "每周例会上双方一起过进度和风险，问题当周就能解决。",
                "tags": ["制造"],
                "visibility": Visibility.CLIENT,
            },
        ),
        (
            "rep@huaxing.example",
            {
                "title": "上线前培训不足",
                "category": "team",
                "what_went_wrong": "车间操作员在系统上线前只培训了一次，第一周问题很多。",
                "recommendation": "上线前安排至少两轮操作培训。",
            },
        ),
    ],
}


# The two closed demo projects (closeout.demo): their retrospectives, from both sides; they show
# as relevant lessons on the same clients' running projects.
LESSONS.update(
    {
        "NW-DOCK": [
            (
                "pm@rapport.example",
                {
                    "title": "Carriers adopt a booking tool when dispatch stops taking calls",
                    "category": "client_relationship",
                    "what_went_well": "Once dispatch answered calls with the booking link, 80 % "
                    "of carriers booked online within three weeks.",
                    "recommendation": "Agree with the client the day phone bookings stop.",
                    "tags": ["logistics"],
                    "phase": "closing",
                    "visibility": Visibility.CLIENT,
                },
            ),
            (
                "team@rapport.example",
                {
                    "title": "Slot rules differ per dock",
                    "category": "technical",
                    "what_went_wrong": "We modelled one rule set; two docks needed their own and "
                    "the change cost a sprint.",
                    "recommendation": "Walk every dock with the shift lead before designing.",
                    "tags": ["logistics", "wms"],
                    "phase": "execution",
                },
            ),
            (
                "admin@northwind.example",
                {
                    "title": "Weekly pilot reviews kept us aligned",
                    "category": "communication",
                    "what_went_well": "A 30-minute review every Friday settled open points fast.",
                },
            ),
        ],
        "HX-QMS": [
            (
                "pm.zh@rapport.example",
                {
                    "title": "检验标准要在设计前统一",
                    "category": "quality",
                    "what_went_wrong": "两个车间的来料检验标准不一致，检验模块上线后又改了两次。",
                    "recommendation": "设计前先与质量部确认统一的检验标准和抽样规则。",
                    "tags": ["制造", "质量"],
                    "phase": "planning",
                },
            ),
            (
                "admin@huaxing.example",
                {
                    "title": "培训材料贴近现场",
                    "category": "team",
                    "what_went_well": "培训材料用的是车间真实的检验单，检验员上手很快。",
                },
            ),
        ],
    }
)


def seed_lessons(*, people: dict[str, User]) -> int:
    created = 0
    for code, lessons in LESSONS.items():
        project = Project.objects.filter(code=code).first()
        if project is None or project.lessons.exists():
            continue
        for email, values in lessons:
            author = people.get(email)
            if author is None:
                continue
            lesson_create(actor=author, project=project, **values)
            created += 1
    return created
