"""Demo feedback tickets, interactions and opportunities (called by `manage.py seed_demo`; once:
a project that already has tickets, or a client that already has interactions, is left alone).

Complaints in every state — new, acknowledged, in progress, resolved (awaiting the client's
confirmation), confirmed, reopened — some of them past their SLA; a suggestion, a question and
praise; for each client an interaction log with a next step and opportunities."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organization, User
from feedback.models import Interaction, Opportunity, TicketKind, TicketSeverity
from feedback.services.account import interaction_record, opportunity_create, opportunity_update
from feedback.services.tickets import (
    ticket_acknowledge,
    ticket_confirm,
    ticket_raise,
    ticket_reopen,
    ticket_resolve,
    ticket_start,
)
from projects.models import Project


def _seed_northwind(people: dict[str, User]) -> int:
    project = Project.objects.filter(code="NW-WMS").first()
    if project is None or project.feedback_tickets.exists():
        return 0
    now = timezone.now()
    rep = people["rep@northwind.example"]
    client_admin = people["admin@northwind.example"]
    am = people["am@rapport.example"]

    def complaint(title: str, description: str, severity: str, days_ago: float, by: User = rep):
        return ticket_raise(
            actor=by,
            project=project,
            kind=TicketKind.COMPLAINT,
            title=title,
            description=description,
            severity=severity,
            now=now - timedelta(days=days_ago),
        )

    # New, and past its first-response target: nobody has answered for a week.
    complaint(
        "Pick lists print twice since the last update",
        "Since the update of **last Monday**, every pick list in warehouse 2 prints twice.",
        TicketSeverity.HIGH,
        7,
    )
    # New, within its SLA.
    complaint(
        "Scanner battery warnings in German only",
        "Our English-speaking night shift cannot read the battery warnings.",
        TicketSeverity.LOW,
        0.05,
    )
    # Acknowledged within the hour.
    acknowledged = complaint(
        "Slow goods-in screen at peak times",
        "Between 06:00 and 08:00 the goods-in screen takes ~10 s per pallet.",
        TicketSeverity.MEDIUM,
        1,
    )
    ticket_acknowledge(
        actor=am,
        ticket=acknowledged,
        message="Thank you, Rory. We are measuring the response times this week.",
        now=acknowledged.raised_at + timedelta(hours=1),
    )
    # In progress, answered late and now past its resolution target.
    late = complaint(
        "Stock counts differ after the nightly sync",
        "Bin counts in the WMS differ from the ERP after the nightly sync in 3 of 40 bins.",
        TicketSeverity.CRITICAL,
        12,
    )
    ticket_acknowledge(
        actor=am,
        ticket=late,
        message="We reproduced it and are working on the sync job.",
        now=late.raised_at + timedelta(days=1),
    )
    ticket_start(actor=am, ticket=late, now=late.raised_at + timedelta(days=1, hours=1))
    # Resolved, awaiting the client's confirmation (on the portal home).
    resolved = complaint(
        "Labels for frozen goods peel off",
        "The labels do not stick at -20 °C.",
        TicketSeverity.MEDIUM,
        6,
    )
    ticket_acknowledge(
        actor=am,
        ticket=resolved,
        message="We are testing freezer-grade labels.",
        now=resolved.raised_at + timedelta(hours=2),
    )
    ticket_resolve(
        actor=am,
        ticket=resolved,
        resolution="Switched the freezer area to freezer-grade labels (supplier part FZ-40).",
        now=resolved.raised_at + timedelta(days=2),
    )
    # Confirmed by the client.
    confirmed = complaint(
        "Training material missing for the returns process",
        "The returns team did not get the training slides.",
        TicketSeverity.LOW,
        20,
        by=client_admin,
    )
    ticket_acknowledge(
        actor=am,
        ticket=confirmed,
        message="Sorry about that, sending them today.",
        now=confirmed.raised_at + timedelta(hours=3),
    )
    ticket_resolve(
        actor=am,
        ticket=confirmed,
        resolution="Slides and a recording shared in Documents.",
        now=confirmed.raised_at + timedelta(days=1),
    )
    ticket_confirm(actor=client_admin, ticket=confirmed)
    # Reopened by the client.
    reopened = complaint(
        "Wrong carrier on dispatch notes",
        "Dispatch notes for Hamburg show the old carrier.",
        TicketSeverity.HIGH,
        9,
    )
    ticket_resolve(
        actor=am,
        ticket=reopened,
        resolution="Carrier table updated.",
        now=reopened.raised_at + timedelta(days=1),
    )
    ticket_reopen(
        actor=rep, ticket=reopened, reason="Still the old carrier on notes printed this morning."
    )
    ticket_raise(
        actor=rep,
        project=project,
        kind=TicketKind.SUGGESTION,
        title="Show the dock door on the pick list",
        description="It would save a walk to the board.",
        severity=TicketSeverity.LOW,
    )
    ticket_raise(
        actor=client_admin,
        project=project,
        kind=TicketKind.PRAISE,
        title="Great go-live support in warehouse 1",
        description="Tina's night-shift support made the go-live smooth.",
        severity=TicketSeverity.LOW,
    )
    return 10


def _seed_huaxing(people: dict[str, User]) -> int:
    project = Project.objects.filter(code="HX-MES").first()
    if project is None or project.feedback_tickets.exists():
        return 0
    now = timezone.now()
    rep = people["rep@huaxing.example"]
    ticket_raise(
        actor=rep,
        project=project,
        kind=TicketKind.COMPLAINT,
        title="测试环境经常无法登录",
        description="本周测试环境有三次无法登录，影响了用户验收测试。",
        severity=TicketSeverity.HIGH,
        now=now - timedelta(days=3),
    )
    ticket_raise(
        actor=rep,
        project=project,
        kind=TicketKind.QUESTION,
        title="数据迁移会在哪个周末进行？",
        severity=TicketSeverity.LOW,
    )
    return 2


def _seed_account(people: dict[str, User], client_name: str, opportunities: list[dict]) -> int:
    organization = Organization.objects.filter(name=client_name).first()
    if organization is None or Interaction.objects.filter(organization=organization).exists():
        return 0
    am = people["am@rapport.example"]
    today = timezone.localdate()
    interaction_record(
        actor=am,
        organization=organization,
        kind=Interaction.Kind.VISIT,
        occurred_on=today - timedelta(days=21),
        people="Clara Adler, Rory Peters",
        notes="Quarterly review on site. Happy with the rollout; worried about the sync.",
        next_step="Send the sync fix plan",
    )
    interaction_record(
        actor=am,
        organization=organization,
        kind=Interaction.Kind.CALL,
        occurred_on=today - timedelta(days=2),
        people="Clara Adler",
        notes="Talked about a second warehouse and the carrier portal.",
        next_step="Propose a workshop for the second warehouse",
        reminder_on=today,
    )
    created = 2
    for values in opportunities:
        stage = values.pop("stage")
        opportunity = opportunity_create(actor=am, organization=organization, **values)
        if stage != Opportunity.Stage.LEAD:
            opportunity_update(
                actor=am,
                opportunity=opportunity,
                title=opportunity.title,
                value_estimate=opportunity.value_estimate,
                currency=opportunity.currency,
                stage=stage,
                next_step=opportunity.next_step,
                expected_close_on=opportunity.expected_close_on,
            )
        created += 1
    return created


def seed_feedback(*, people: dict[str, User]) -> int:
    created = _seed_northwind(people) + _seed_huaxing(people)
    today = timezone.localdate()
    created += _seed_account(
        people,
        "Northwind Logistics",
        [
            {
                "title": "WMS for the Hamburg warehouse",
                "value_estimate": Decimal("180000"),
                "currency": "EUR",
                "stage": Opportunity.Stage.PROPOSAL,
                "next_step": "Workshop with the Hamburg site lead",
                "expected_close_on": today + timedelta(days=60),
            },
            {
                "title": "Carrier portal support contract",
                "value_estimate": Decimal("24000"),
                "currency": "EUR",
                "stage": Opportunity.Stage.QUALIFIED,
                "next_step": "Agree the service hours",
                "expected_close_on": today + timedelta(days=120),
            },
        ],
    )
    created += _seed_account(
        people,
        "华星制造有限公司",
        [
            {
                "title": "第三工厂MES推广",
                "value_estimate": Decimal("1200000"),
                "currency": "CNY",
                "stage": Opportunity.Stage.LEAD,
                "next_step": "安排工厂参观",
                "expected_close_on": today + timedelta(days=180),
            }
        ],
    )
    return created
