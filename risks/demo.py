"""Demo risk register (called by `manage.py seed_demo`; once: a project that already has risks is
left alone). NW-WMS gets a realistic register: every level and every response strategy, two
risks that occurred (in the issue log), two raised by the client (one still awaiting the PM's
assessment), overdue reviews and actions, and eight weeks of assessment history for the exposure
chart. HX-MES gets a few risks in Chinese."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from projects.models import Project, Visibility
from risks.models import Assessment, Risk
from risks.services.actions import mitigation_action_add
from risks.services.assessments import risk_assess
from risks.services.register import risk_create, risk_transition

# title, category, (p, i) eight weeks ago, (p, i) now, strategy, visibility, owner key, review in
# days (negative: overdue), extra
NW_WMS: list[dict[str, Any]] = [
    {
        "title": "Scanner hardware delivery slips past the pilot",
        "category": "schedule",
        "before": (2, 3),
        "now": (4, 4),
        "strategy": "mitigate",
        "visibility": Visibility.CLIENT,
        "owner": "pm",
        "review": -12,
        "trigger": "Vendor misses the confirmed shipping date.",
        "contingency": "Run the pilot with 20 rented scanners.",
        "actions": [("Order 20 rental scanners as a fallback", "team", -3)],
        "note": "Vendor moved the shipping date twice.",
    },
    {
        "title": "Warehouse staff resist the new picking process",
        "category": "client",
        "before": (3, 3),
        "now": (3, 4),
        "strategy": "mitigate",
        "visibility": Visibility.CLIENT,
        "owner": "rep",
        "review": 5,
        "trigger": "Pilot users fall back to paper lists.",
        "actions": [("Train the shift leads first", "rep", 10)],
    },
    {
        "title": "Legacy ERP interface undocumented",
        "category": "technical",
        "before": (4, 4),
        "now": (4, 5),
        "strategy": "escalate",
        "visibility": Visibility.INTERNAL,
        "owner": "team",
        "review": -9,
        "internal_note": "Fixed-price contract: every extra day is ours.",
        "actions": [("Reverse-engineer the nightly export", "team", -1)],
    },
    {
        "title": "Key developer on parental leave in February",
        "category": "resource",
        "before": (3, 2),
        "now": (3, 3),
        "strategy": "transfer",
        "visibility": Visibility.INTERNAL,
        "owner": "pm",
        "review": 14,
        "contingency": "Subcontract the label module.",
    },
    {
        "title": "Exchange-rate change raises hardware cost",
        "category": "commercial",
        "before": (2, 2),
        "now": (2, 2),
        "strategy": "accept",
        "visibility": Visibility.INTERNAL,
        "owner": "am",
        "review": 30,
    },
    {
        "title": "Data protection audit requires a new consent flow",
        "category": "external",
        "before": (1, 3),
        "now": (1, 2),
        "strategy": "avoid",
        "visibility": Visibility.CLIENT,
        "owner": "pm",
        "review": 21,
    },
    {
        "title": "Label printers not compatible with the cloud print service",
        "category": "quality",
        "before": (2, 4),
        "now": (3, 5),
        "strategy": "mitigate",
        "visibility": Visibility.CLIENT,
        "owner": "team",
        "review": -2,
        "occurred": "Goods-out was stopped for half a day; printing fell back to the old driver.",
    },
    {
        "title": "Test environment shared with another project",
        "category": "resource",
        "before": (3, 2),
        "now": (3, 2),
        "strategy": "accept",
        "visibility": Visibility.INTERNAL,
        "owner": "team",
        "review": 7,
        "occurred": "Two days of integration testing lost to a clash.",
    },
    {
        "title": "Scope creep from ad-hoc report requests",
        "category": "scope",
        "before": (3, 3),
        "now": (2, 2),
        "strategy": "avoid",
        "visibility": Visibility.CLIENT,
        "owner": "pm",
        "review": 10,
        "closed": "Reports now go through change requests.",
    },
]


def _assess_in_the_past(risk: Risk, when: Any) -> None:
    """Demo data only: date the first assessment back so that the exposure chart has weeks."""
    Assessment.objects.filter(risk=risk).update(assessed_at=when)
    Risk.objects.filter(pk=risk.pk).update(created_at=when, assessed_at=when)


def seed_risks(*, people: dict[str, User]) -> int:
    created = 0
    today = timezone.localdate()
    now = timezone.now()
    project = Project.objects.filter(code="NW-WMS").first()
    if project is not None and not project.risks.exists():
        who = {
            "pm": people["pm@rapport.example"],
            "am": people["am@rapport.example"],
            "team": people["team@rapport.example"],
            "rep": people["rep@northwind.example"],
        }
        pm = who["pm"]
        for index, spec in enumerate(NW_WMS):
            before_p, before_i = spec["before"]
            risk = risk_create(
                actor=pm,
                project=project,
                title=spec["title"],
                category=spec["category"],
                probability=before_p,
                impact=before_i,
                owner=who[spec["owner"]],
                strategy=spec["strategy"],
                visibility=spec["visibility"],
                trigger=spec.get("trigger", ""),
                contingency_plan=spec.get("contingency", ""),
                internal_note=spec.get("internal_note", ""),
                next_review_date=today + timedelta(days=spec["review"]),
                note="First assessment at the kick-off.",
            )
            _assess_in_the_past(risk, now - timedelta(weeks=8 - index % 4))
            now_p, now_i = spec["now"]
            if (now_p, now_i) != (before_p, before_i):
                risk_assess(
                    actor=pm,
                    risk=risk,
                    probability=now_p,
                    impact=now_i,
                    residual_probability=max(1, now_p - 2),
                    residual_impact=now_i,
                    note=spec.get("note", "Re-assessed at the weekly meeting."),
                )
            for text, owner, due in spec.get("actions", []):
                mitigation_action_add(
                    actor=pm,
                    risk=risk,
                    text=text,
                    owner=who[owner],
                    due_date=today + timedelta(days=due),
                )
            if spec.get("occurred"):
                risk_transition(
                    actor=pm, risk=risk, status=Risk.Status.OCCURRED, impact=spec["occurred"]
                )
            if spec.get("closed"):
                risk_transition(
                    actor=pm, risk=risk, status=Risk.Status.CLOSED, reason=spec["closed"]
                )
            created += 1
        # Raised by the client: one assessed and monitored, one awaiting the PM.
        rep = who["rep"]
        assessed = risk_create(
            actor=rep,
            project=project,
            title="Peak season starts before the rollout ends",
            description="From **mid-November** we cannot take pickers off the floor for training.",
            category="schedule",
        )
        risk_assess(actor=pm, risk=assessed, probability=4, impact=3, note="Agreed with Rory.")
        risk_transition(actor=pm, risk=assessed, status=Risk.Status.MONITORING)
        risk_create(
            actor=rep,
            project=project,
            title="Reports do not match what our controllers need",
            description="The stock reports in the demo use a different valuation.",
            category="scope",
        )
        created += 2
    created += _seed_chinese(people)
    return created


def _seed_chinese(people: dict[str, User]) -> int:
    project = Project.objects.filter(code="HX-MES").first()
    pm = people.get("pm.zh@rapport.example")
    if project is None or pm is None or project.risks.exists():
        return 0
    today = timezone.localdate()
    specs = [
        ("生产线停机窗口不足", "schedule", 4, 4, "mitigate", Visibility.CLIENT, -10),
        ("旧设备接口协议不公开", "technical", 3, 5, "escalate", Visibility.INTERNAL, 3),
        ("关键用户培训时间冲突", "resource", 2, 3, "accept", Visibility.CLIENT, 14),
    ]
    for title, category, probability, impact, strategy, visibility, review in specs:
        risk_create(
            actor=pm,
            project=project,
            title=title,
            category=category,
            probability=probability,
            impact=impact,
            strategy=strategy,
            visibility=visibility,
            owner=pm,
            next_review_date=today + timedelta(days=review),
        )
    return len(specs)
