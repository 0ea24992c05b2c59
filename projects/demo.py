"""Demo milestones and deliverables for seed_demo, written through the services so that the
history, rounds and notifications are those a real project would have."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from projects.models import Phase, Project, Task, Visibility
from projects.services.deliverables import (
    FailedCriterion,
    deliverable_accept,
    deliverable_create,
    deliverable_reject,
    deliverable_submit,
    milestone_create,
    quality_review_record,
)
from projects.services.tasks import dependency_add, task_create

if TYPE_CHECKING:
    from accounts.models import User

# code -> (phase, budget, currency, deemed-acceptance days, milestones)
# milestone: (name, due date, [(deliverable, criteria, story)])
# story: "accepted", "awaiting", "rejected_then_awaiting", "in_progress"
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


def seed_delivery(*, people: dict[str, User]) -> int:
    """Give the demo projects a plan (once: a project with milestones is left alone)."""
    created = 0
    for code, (phase, budget, currency, deemed_days, milestones) in PLANS.items():
        project = Project.objects.filter(code=code).first()
        if project is None or project.milestones.exists():
            continue
        project.phase = phase
        project.budget = budget
        project.currency = currency
        project.deemed_acceptance_days = deemed_days
        project.baseline_start_date = project.start_date
        project.baseline_end_date = project.end_date
        project.save()
        pm = people["pm.zh@rapport.example" if code == "HX-MES" else "pm@rapport.example"]
        team = people["team@rapport.example"]
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
                )
                created += 1
                _play(story, deliverable=deliverable, pm=pm, team=team, client=client)
    return created


def _play(story: str, *, deliverable, pm: User, team: User, client: User) -> None:  # type: ignore[no-untyped-def]
    if story == "in_progress":
        return
    quality_review_record(actor=team, deliverable=deliverable, passed=True)
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
#           milestone name, [keys it depends on])]; assignee "pm" or "team".
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
            ["scan"],
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
            ["train", "cache"],
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
    ],
    "HX-MES": [
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
            ["survey"],
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
        assignees = {"pm": pm, "team": people["team@rapport.example"]}
        milestones = {milestone.name: milestone for milestone in project.milestones.all()}
        tasks: dict[str, Task] = {}
        for (
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
        ) in rows:
            tasks[key] = task_create(
                actor=pm,
                project=project,
                name=name,
                parent=tasks[parent] if parent else None,
                assignee=assignees[assignee],
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
