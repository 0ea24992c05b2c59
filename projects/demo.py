"""Demo milestones and deliverables for seed_demo, written through the services so that the
history, rounds and notifications are those a real project would have."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile

from projects.models import (
    BudgetVisibility,
    CostEntry,
    Objective,
    Phase,
    Project,
    Role,
    Task,
    Visibility,
)
from projects.services import gate_checklist, phase_gate_request
from projects.services.acceptance import FailedCriterion, deliverable_accept, deliverable_reject
from projects.services.costs import cost_entry_add, rate_set, time_entry_log, time_period_approve
from projects.services.deliverables import (
    deliverable_accept_internally,
    deliverable_create,
    deliverable_submit,
    quality_review_record,
)
from projects.services.documents import document_upload
from projects.services.milestones import milestone_create
from projects.services.objectives import objective_create
from projects.services.tasks import dependency_add, task_create

if TYPE_CHECKING:
    from accounts.models import User

# code -> (phase, budget, currency, deemed-acceptance days, milestones)
# milestone: (name, due date, [(deliverable, criteria, story)])
# story: "accepted", "awaiting", "rejected_then_awaiting", "in_progress", "accepted_internally"
# (an internal deliverable: never put to the client, the PM accepts it after the team's review)
PLANS = {
    "NW-WMS": (
        Phase.EXECUTION,
        Decimal("480000"),
        "EUR",
        10,
        [
            (
                "Design signed off",
                date(2026, 10, 15),
                [
                    (
                        "Solution design",
                        ["Covers picking, put-away and returns", "Reviewed by Northwind IT"],
                        "accepted",
                    ),
                    ("Test strategy", ["Names a test owner per warehouse"], "accepted"),
                    (
                        "Design review notes",
                        ["Every open design question is closed"],
                        "accepted_internally",
                    ),
                ],
            ),
            (
                "Pilot warehouse live",
                date(2027, 1, 20),
                [
                    (
                        "Scanner configuration",
                        ["All 40 scanners enrolled", "Works offline for 30 minutes"],
                        "rejected_then_awaiting",
                    ),
                    (
                        "Pilot training material",
                        ["In German and English", "One page per role"],
                        "awaiting",
                    ),
                ],
            ),
            (
                "All warehouses live",
                date(2027, 3, 31),
                [("Rollout runbook", ["Rollback within one hour"], "in_progress")],
            ),
        ],
    ),
    "HX-MES": (
        Phase.PLANNING,
        Decimal("3200000"),
        "CNY",
        5,
        [
            (
                "需求确认",
                date(2026, 11, 30),
                [("需求规格说明书", ["覆盖两个工厂的全部工序", "经客户签字确认"], "awaiting")],
            ),
            (
                "系统上线",
                date(2027, 5, 31),
                [("上线方案", ["包含回退方案"], "in_progress")],
            ),
        ],
    ),
}


# code -> [(goal, target, status)]
OBJECTIVES = {
    "NW-WMS": [
        ("Cut picking errors", "Below 0.5 % of order lines", Objective.Status.ON_TRACK),
        (
            "Faster put-away",
            "Goods on the shelf within 2 hours of arrival",
            Objective.Status.AT_RISK,
        ),
        ("All three warehouses on the WMS", "Before the Easter peak", Objective.Status.NOT_STARTED),
    ],
    "HX-MES": [
        ("提高一次合格率", "两个工厂均达到 98%", Objective.Status.NOT_STARTED),
        ("与ERP系统实时集成", "工单同步延迟小于 5 分钟", Objective.Status.ON_TRACK),
    ],
}

# A project slipping against its baseline, so that the demo shows a red health: the end moved
# 45 days (about 20 % of the planned duration) and a milestone is overdue.
SLIPPING = (
    "ACME-EHR",
    timedelta(days=45),
    [("Interface specification", date(2026, 10, 30)), ("Go-live", date(2027, 3, 17))],
)


def seed_objectives(*, people: dict[str, User]) -> int:
    """Objectives for the demo projects (once: a project with objectives is left alone)."""
    created = 0
    for code, objectives in OBJECTIVES.items():
        project = Project.objects.filter(code=code).first()
        if project is None or project.objectives.exists():
            continue
        pm = people["pm.zh@rapport.example" if code == "HX-MES" else "pm@rapport.example"]
        for title, target, status in objectives:
            objective_create(actor=pm, project=project, title=title, target=target, status=status)
            created += 1
    return created


def seed_slipping_project(*, people: dict[str, User]) -> int:
    """Move a demo project's end past its baseline, once (a project with milestones is left
    alone)."""
    code, slip, milestones = SLIPPING
    project = Project.objects.filter(code=code).first()
    if project is None or project.milestones.exists() or project.end_date is None:
        return 0
    project.phase = Phase.EXECUTION
    project.baseline_start_date = project.start_date
    project.baseline_end_date = project.end_date
    project.end_date = project.end_date + slip
    project.save()
    pm = people["pm@rapport.example"]
    for name, due in milestones:
        milestone_create(actor=pm, project=project, name=name, due_date=due)
    return len(milestones)


def seed_delivery(*, people: dict[str, User]) -> int:
    """Give the demo projects a plan (once: a project with milestones is left alone)."""
    created = 0
    for code, (phase, budget, currency, deemed_days, milestones) in PLANS.items():
        project = Project.objects.filter(code=code).first()
        if project is None or project.milestones.exists():
            continue
        project.budget = budget
        project.currency = currency
        project.deemed_acceptance_days = deemed_days
        project.baseline_start_date = project.start_date
        project.baseline_end_date = project.end_date
        project.save()
        pm = people["pm.zh@rapport.example" if code == "HX-MES" else "pm@rapport.example"]
        team = people["team@rapport.example"]
        _walk_gates(project, pm=pm, to_phase=phase, ask_client_next=code == "HX-MES")
        client = people["rep@huaxing.example" if code == "HX-MES" else "rep@northwind.example"]
        for name, due, deliverables in milestones:
            milestone = milestone_create(actor=pm, project=project, name=name, due_date=due)
            created += 1
            for deliverable_name, criteria, story in deliverables:
                deliverable = deliverable_create(
                    actor=pm,
                    milestone=milestone,
                    name=deliverable_name,
                    criteria=criteria,
                    owner=team,
                    visibility=(
                        Visibility.INTERNAL if story == "accepted_internally" else Visibility.CLIENT
                    ),
                )
                created += 1
                _play(story, deliverable=deliverable, pm=pm, team=team, client=client)
    created += seed_documents(people=people)
    created += seed_objectives(people=people)
    created += seed_slipping_project(people=people)
    return created


def minimal_pdf(text: str) -> bytes:
    """A small valid one-page PDF showing `text` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def seed_documents(*, people: dict[str, User]) -> int:
    """NW-WMS gets a client-visible PDF (on its solution design) and an internal note; each
    only once."""
    project = Project.objects.filter(code="NW-WMS").first()
    if project is None:
        return 0
    pm = people["pm@rapport.example"]
    team = people["team@rapport.example"]
    created = 0
    design = project.deliverables.filter(name="Solution design").first()
    if not project.documents.filter(title="Solution design (signed)").exists():
        document_upload(
            actor=pm,
            project=project,
            file=ContentFile(minimal_pdf("NW-WMS solution design"), name="solution-design.pdf"),
            title="Solution design (signed)",
            deliverable=design,
            visibility=Visibility.CLIENT,
            note="Signed by Northwind IT.",
        )
        created += 1
    if not project.documents.filter(title="Pilot risks (team notes)").exists():
        document_upload(
            actor=team,
            project=project,
            file=ContentFile(
                b"Pilot risks\n- Scanner firmware differs between warehouses.\n"
                b"- Night shift not yet trained.\n",
                name="pilot-risks.txt",
            ),
            title="Pilot risks (team notes)",
        )
        created += 1
    return created


def _walk_gates(project: Project, *, pm: User, to_phase: str, ask_client_next: bool) -> None:
    """Pass the gate reviews up to `to_phase`; optionally leave the next one with the client."""
    while project.phase != to_phase:
        phase_gate_request(actor=pm, project=project, checked=gate_checklist(project))
        project.refresh_from_db()
    if ask_client_next:
        project.gates_need_client_approval = True
        project.save(update_fields=["gates_need_client_approval"])
        phase_gate_request(
            actor=pm,
            project=project,
            checked=gate_checklist(project),
            note="需求已基本确认，申请进入执行阶段。",
        )


def _play(story: str, *, deliverable, pm: User, team: User, client: User) -> None:
    if story == "in_progress":
        return
    quality_review_record(actor=team, deliverable=deliverable, passed=True)
    if story == "accepted_internally":
        deliverable_accept_internally(actor=pm, deliverable=deliverable)
        return
    deliverable_submit(actor=pm, deliverable=deliverable)
    if story == "accepted":
        deliverable_accept(actor=client, deliverable=deliverable)
    elif story == "rejected_then_awaiting":
        first = deliverable.criteria.order_by("position").last()
        deliverable_reject(
            actor=client,
            deliverable=deliverable,
            failed=[
                FailedCriterion(criterion_id=first.pk, reason="Froze after 10 minutes offline.")
            ],
        )
        quality_review_record(
            actor=team, deliverable=deliverable, passed=True, notes="Offline cache enlarged."
        )
        deliverable_submit(actor=pm, deliverable=deliverable, note="Offline mode fixed.")


# code -> [(key, parent key, name, assignee, start, due, hours, status, percent, client-visible,
#           milestone name, [keys it depends on], optional repetition)]; assignee "pm" or "team",
# or for a task of the client's "rep" (the customer representative) or "client" (no one).
TASK_PLANS: dict[str, list[tuple]] = {
    "NW-WMS": [
        (
            "prep",
            None,
            "Pilot preparation",
            "pm",
            date(2026, 11, 16),
            date(2027, 1, 8),
            None,
            Task.Status.IN_PROGRESS,
            30,
            True,
            "Pilot warehouse live",
            [],
        ),
        (
            "scan",
            "prep",
            "Configure scanners",
            "team",
            date(2026, 11, 16),
            date(2026, 12, 4),
            60,
            Task.Status.IN_PROGRESS,
            50,
            True,
            "Pilot warehouse live",
            [],
        ),
        (
            "cache",
            "prep",
            "Fix the offline cache",
            "team",
            date(2026, 11, 23),
            date(2026, 11, 27),
            30,
            Task.Status.IN_PROGRESS,
            20,
            False,
            None,
            [],
        ),
        (
            "data",
            "prep",
            "Provide the item master data",
            "rep",
            date(2026, 11, 9),
            date(2026, 11, 13),
            None,
            Task.Status.IN_PROGRESS,
            60,
            True,
            "Pilot warehouse live",
            [],
        ),
        (
            "train",
            "prep",
            "Train pilot staff",
            "team",
            date(2026, 12, 7),
            date(2026, 12, 18),
            24,
            Task.Status.TODO,
            0,
            True,
            "Pilot warehouse live",
            ["scan", "data"],
        ),
        (
            "uat",
            "prep",
            "Test the pilot with the warehouse team",
            "client",
            date(2026, 12, 21),
            date(2026, 12, 23),
            None,
            Task.Status.TODO,
            0,
            True,
            "Pilot warehouse live",
            ["train"],
        ),
        (
            "rehearse",
            "prep",
            "Go-live rehearsal",
            "pm",
            date(2027, 1, 4),
            date(2027, 1, 8),
            16,
            Task.Status.TODO,
            0,
            True,
            "Pilot warehouse live",
            ["train", "cache", "uat"],
        ),
        (
            "rollout",
            None,
            "Rollout",
            "pm",
            date(2027, 1, 11),
            date(2027, 3, 19),
            None,
            Task.Status.TODO,
            0,
            True,
            "All warehouses live",
            [],
        ),
        (
            "wave1",
            "rollout",
            "Rollout wave 1",
            "team",
            date(2027, 1, 25),
            date(2027, 2, 19),
            80,
            Task.Status.TODO,
            0,
            True,
            "All warehouses live",
            ["rehearse"],
        ),
        (
            "wave2",
            "rollout",
            "Rollout wave 2",
            "team",
            date(2027, 2, 22),
            date(2027, 3, 19),
            80,
            Task.Status.TODO,
            0,
            True,
            "All warehouses live",
            ["wave1"],
        ),
        (
            "vendor",
            "rollout",
            "Renew the scanner vendor contract",
            "pm",
            date(2027, 1, 11),
            date(2027, 1, 29),
            6,
            Task.Status.BLOCKED,
            0,
            False,
            None,
            [],
        ),
        (
            "checkin",
            None,
            "Weekly pilot check-in notes",
            "pm",
            date(2026, 12, 4),
            date(2026, 12, 4),
            None,
            Task.Status.TODO,
            0,
            False,
            None,
            [],
            (Task.Repeat.WEEKLY, date(2027, 1, 8)),
        ),
    ],
    "HX-MES": [
        (
            "data",
            None,
            "提供现有工艺与物料数据",
            "rep",
            date(2026, 11, 9),
            date(2026, 11, 20),
            None,
            Task.Status.IN_PROGRESS,
            50,
            True,
            "需求确认",
            [],
        ),
        (
            "survey",
            None,
            "需求调研",
            "team",
            date(2026, 11, 2),
            date(2026, 11, 27),
            80,
            Task.Status.IN_PROGRESS,
            80,
            True,
            "需求确认",
            [],
        ),
        (
            "spec",
            None,
            "编写需求规格说明书",
            "team",
            date(2026, 11, 23),
            date(2026, 11, 30),
            24,
            Task.Status.IN_PROGRESS,
            10,
            True,
            "需求确认",
            ["survey", "data"],
        ),
        (
            "design",
            None,
            "系统架构设计",
            "team",
            date(2026, 12, 1),
            date(2026, 12, 18),
            60,
            Task.Status.TODO,
            0,
            False,
            None,
            ["spec"],
        ),
    ],
}


def seed_tasks(*, people: dict[str, User]) -> int:
    """Give the demo projects a WBS with dependencies (once: a project with tasks is left
    alone). The team member is over-allocated in the week of 23 November 2026 on purpose."""
    created = 0
    for code, rows in TASK_PLANS.items():
        project = Project.objects.filter(code=code).first()
        if project is None or project.tasks.exists():
            continue
        pm = people["pm.zh@rapport.example" if code == "HX-MES" else "pm@rapport.example"]
        assignees: dict[str, User | None] = {
            "pm": pm,
            "team": people["team@rapport.example"],
            "rep": people["rep@huaxing.example" if code == "HX-MES" else "rep@northwind.example"],
            "client": None,
        }
        milestones = {milestone.name: milestone for milestone in project.milestones.all()}
        tasks: dict[str, Task] = {}
        for row in rows:
            (
                key,
                parent,
                name,
                assignee,
                start,
                due,
                hours,
                status,
                percent,
                client_visible,
                milestone,
                after,
                *options,
            ) = row
            repeat, repeat_until = options[0] if options else ("", None)
            tasks[key] = task_create(
                actor=pm,
                project=project,
                name=name,
                parent=tasks[parent] if parent else None,
                assignee=assignees[assignee],
                owner_side=(
                    Task.OwnerSide.CLIENT if assignee in ("rep", "client") else Task.OwnerSide.TEAM
                ),
                repeat=repeat,
                repeat_until=repeat_until,
                start_date=start,
                due_date=due,
                estimate_hours=Decimal(hours) if hours is not None else None,
                status=status,
                percent_complete=percent,
                visibility=Visibility.CLIENT if client_visible else Visibility.INTERNAL,
                milestone=milestones.get(milestone) if milestone else None,
            )
            created += 1
            for before in after:
                dependency_add(actor=pm, predecessor=tasks[before], successor=tasks[key])
                created += 1
    return created


# NW-WMS's hourly rates, time and other costs: (person key, date, hours, approved, note) and
# (date, category, amount, client-visible, note). The team member's own rate wins over the
# team member role's; the costs put CPI a little under 0.9 (amber) on 23 November 2026.
TIME_ENTRIES = [
    *[
        ("team", date(2026, 11, 16) + timedelta(days=day), 8, True, "Scanner setup")
        for day in range(5)
    ],
    ("pm", date(2026, 11, 17), 4, True, "Pilot planning with Northwind"),
    ("pm", date(2026, 11, 19), 6, True, "Pilot preparation"),
    ("team", date(2026, 11, 23), 6, False, "Offline cache"),
]
COST_ENTRIES = [
    (date(2026, 10, 20), CostEntry.Category.MATERIALS, "52000", True, "40 handheld scanners"),
    (date(2026, 11, 2), CostEntry.Category.SERVICES, "9000", False, "Scanner vendor set-up"),
]


def seed_costs(*, people: dict[str, User]) -> int:
    """Rates, approved and submitted time and cost entries for NW-WMS (once: a project with
    rates is left alone); its client sees the budget in detail."""
    project = Project.objects.filter(code="NW-WMS").first()
    if project is None or project.rates.exists():
        return 0
    pm, team = people["pm@rapport.example"], people["team@rapport.example"]
    rate_set(actor=pm, project=project, role=Role.PM, hourly_rate=Decimal(120))
    rate_set(actor=pm, project=project, role=Role.TEAM_MEMBER, hourly_rate=Decimal(95))
    rate_set(actor=pm, project=project, user=team, hourly_rate=Decimal(110))
    created = 3
    for who, day, hours, _approved, note in TIME_ENTRIES:
        person = pm if who == "pm" else team
        time_entry_log(actor=person, project=project, date=day, hours=Decimal(hours), note=note)
        created += 1
    time_period_approve(actor=pm, project=project, start=date(2026, 11, 16), end=date(2026, 11, 22))
    for day, category, amount, shared, note in COST_ENTRIES:
        cost_entry_add(
            actor=pm,
            project=project,
            date=day,
            category=category,
            amount=Decimal(amount),
            note=note,
            visibility=Visibility.CLIENT if shared else Visibility.INTERNAL,
        )
        created += 1
    project.budget_visibility = BudgetVisibility.DETAIL
    project.save(update_fields=["budget_visibility"])
    return created


def seed_baselines(*, people: dict[str, User]) -> int:
    """Each demo project with a plan gets its first baseline, set by its PM from the dates it was
    created with, so the slippage since then still shows (once: a project with a baseline is
    left alone)."""
    from projects.models import Baseline, Membership, Role
    from projects.services.baselines import baseline_set_first

    created = 0
    projects = (
        Project.objects.filter(milestones__isnull=False, baselines__isnull=True)
        .exclude(phase=Phase.CLOSED)
        .distinct()
        .order_by("pk")
    )
    for project in projects:
        pm = (
            Membership.objects.filter(project=project, role=Role.PM, user__is_active=True)
            .select_related("user")
            .first()
        )
        if pm is None or Baseline.objects.filter(project=project).exists():
            continue
        chinese = pm.user.language.startswith("zh")
        baseline_set_first(
            actor=pm.user,
            project=project,
            reason="合同签订时的计划" if chinese else "The plan signed with the statement of work",
            from_current_plan=False,
        )
        created += 1
    return created
