"""Demo data: two finished projects, closed through the closeout (the checklist held, partly
by the PM's waivers with reasons, and the client admin gave final acceptance)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from closeout.models import Point
from closeout.services import closure_decide, closure_request, waiver_add
from feedback.models import CampaignTrigger
from feedback.services.automations import automation_create
from feedback.services.survey_templates import survey_template_default
from projects.models import Membership, Phase, Project, Role
from projects.services import membership_add, phase_gate_request
from projects.services.acceptance import deliverable_accept
from projects.services.deliverables import (
    deliverable_create,
    deliverable_submit,
    quality_review_record,
)
from projects.services.gates import gate_checklist
from projects.services.milestones import milestone_create

if TYPE_CHECKING:
    from accounts.models import Organization, User

# code, name, client, summary, start, end, pm, client admin, milestones (name, due,
# deliverables), the PM's waivers (point, reason, note for the client), the PM's note and
# the client admin's comment
CLOSED = [
    (
        "NW-DOCK",
        "Dock scheduling pilot",
        "Northwind Logistics",
        "Let carriers book dock slots in the Hamburg warehouse; the pilot before the portal.",
        date(2025, 9, 1),
        date(2026, 3, 31),
        "pm@rapport.example",
        "admin@northwind.example",
        [
            (
                "Slot booking live",
                date(2025, 12, 15),
                ["Booking screens", "Carrier onboarding guide"],
            ),
            ("Pilot review", date(2026, 3, 20), ["Pilot report"]),
        ],
        [
            (
                Point.FINAL_REPORT,
                "Presented at the closing meeting instead of the weekly e-mail.",
                "The final report was presented at the closing meeting on 26 March.",
            ),
        ],
        "The pilot is complete: every deliverable is accepted. Thank you for a great pilot.",
        "Accepted. The slot booking works well; we continue with the carrier portal.",
    ),
    (
        "HX-QMS",
        "质量管理系统实施",
        "华星制造有限公司",
        "在一号工厂上线质量检验与不合格品管理流程。",
        date(2025, 6, 2),
        date(2026, 1, 30),
        "pm.zh@rapport.example",
        "admin@huaxing.example",
        [
            ("检验流程上线", date(2025, 10, 31), ["来料检验模块", "检验员培训材料"]),
            ("项目验收", date(2026, 1, 23), ["验收报告"]),
        ],
        [
            (
                Point.FINAL_REPORT,
                "最终报告在验收会上当面汇报。",
                "最终报告已于 1 月 23 日的验收会上汇报。",
            ),
        ],
        "所有交付物均已验收，申请项目最终验收。",
        "同意最终验收，感谢项目团队。",
    ),
]


def seed_closeout(*, people: dict[str, User], organizations: dict[str, Organization]) -> int:
    """Create and close the two finished projects (once: an existing code is left alone)."""
    created = 0
    team = people["team@rapport.example"]
    am = people["am@rapport.example"]
    for (
        code,
        name,
        client_name,
        summary,
        start,
        end,
        pm_email,
        admin_email,
        milestones,
        waivers,
        note,
        comment,
    ) in CLOSED:
        if Project.objects.filter(code=code).exists():
            continue
        pm, admin = people[pm_email], people[admin_email]
        project = Project.objects.create(
            code=code,
            name=name,
            client=organizations[client_name],
            summary=summary,
            start_date=start,
            end_date=end,
            baseline_start_date=start,
            baseline_end_date=end,
            tags=["logistics"] if code.startswith("NW") else ["制造", "质量"],
        )
        created += 1
        for user, role in (
            (pm, Role.PM),
            (am, Role.AM),
            (team, Role.TEAM_MEMBER),
            (admin, Role.CLIENT_ADMIN),
        ):
            if not Membership.objects.filter(project=project, user=user).exists():
                membership_add(actor=None, project=project, user=user, role=role)
            # A person's roles are read once per user object: forget them for the new project.
            user.__dict__.pop("project_roles", None)
        for milestone_name, due, deliverables in milestones:
            milestone = milestone_create(
                actor=pm, project=project, name=milestone_name, due_date=due
            )
            for deliverable_name in deliverables:
                deliverable = deliverable_create(
                    actor=pm, milestone=milestone, name=deliverable_name, criteria=[], owner=team
                )
                quality_review_record(actor=team, deliverable=deliverable, passed=True)
                deliverable_submit(actor=pm, deliverable=deliverable)
                deliverable_accept(actor=admin, deliverable=deliverable)
                created += 1
        while project.phase != Phase.CLOSING:
            phase_gate_request(actor=pm, project=project, checked=gate_checklist(project))
            project.refresh_from_db()
        # The AM's survey on close counts as the final survey; it goes out on acceptance.
        automation_create(
            actor=am,
            project=project,
            template=survey_template_default(),
            trigger=CampaignTrigger.PROJECT_CLOSED,
        )
        for point, reason, client_note in waivers:
            waiver_add(
                actor=pm, project=project, point=point, reason=reason, client_note=client_note
            )
        request = closure_request(actor=pm, project=project, note=note)
        closure_decide(actor=admin, request=request, accept=True, comment=comment)
        created += 1
    return created
