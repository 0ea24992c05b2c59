"""Demo discussion threads (called by `manage.py seed_demo`; once: a project that already has a
thread is left alone): the team and the client talking on requirements, a change request and a
deliverable, with the team's internal notes beside the replies the client reads."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from discussions.models import Entry, Thread
from discussions.services import entry_post
from projects.models import Project

NOTE = Entry.Kind.INTERNAL_NOTE

# project code -> [(kind of item, its title or name, [(author e-mail, body, kind)])]
THREADS: dict[str, list[tuple[str, str, list[tuple[str, str, str]]]]] = {
    "NW-WMS": [
        (
            "requirement",
            "Export stock levels to CSV",
            [
                (
                    "pm@rapport.example",
                    "Which columns does finance need? SKU, location and quantity are easy; "
                    "valuation needs the ERP's prices.",
                    Entry.Kind.REPLY,
                ),
                (
                    "rep@northwind.example",
                    "SKU, location, quantity and the **value at standard cost**, please.",
                    Entry.Kind.REPLY,
                ),
                (
                    "pm@rapport.example",
                    "Standard cost is not in the WMS yet: this is half a day of ERP mapping we "
                    "did not estimate. @am@rapport.example, worth a word with their controller?",
                    NOTE,
                ),
            ],
        ),
        (
            "change_request",
            "Add handheld barcode scanners to goods-in",
            [
                (
                    "rep@northwind.example",
                    "Can the scanners arrive before the go-live rehearsal?",
                    Entry.Kind.REPLY,
                ),
                (
                    "pm@rapport.example",
                    "Yes: the supplier confirmed delivery two weeks ahead.",
                    Entry.Kind.REPLY,
                ),
                (
                    "team@rapport.example",
                    "The supplier's firmware is a version behind; I will test with the old one "
                    "first.",
                    NOTE,
                ),
            ],
        ),
    ],
    "HX-MES": [
        (
            "requirement",
            "设备停机原因统计",
            [
                (
                    "pm.zh@rapport.example",
                    "停机原因的分类是否沿用现有的纸质表格?",
                    Entry.Kind.REPLY,
                ),
                ("rep@huaxing.example", "沿用,另外增加「等待物料」一项。", Entry.Kind.REPLY),
                ("pm.zh@rapport.example", "客户的分类表有 40 多项,需要精简,内部先讨论。", NOTE),
            ],
        ),
    ],
}


def _target(project: Project, kind: str, title: str) -> Any:
    if kind == "requirement":
        return project.requirements.filter(title=title).first()
    if kind == "change_request":
        return project.change_requests.filter(title=title).first()
    return project.deliverables.filter(name=title).first()


def seed_discussions(*, people: dict[str, User]) -> int:
    created = 0
    for code, threads in THREADS.items():
        project = Project.objects.filter(code=code).first()
        if project is None or Thread.objects.filter(project=project).exists():
            continue
        for kind, title, entries in threads:
            target = _target(project, kind, title)
            if target is None:
                continue
            for author, body, entry_kind in entries:
                entry_post(actor=people[author], target=target, body=body, kind=entry_kind)
                created += 1
    return created
