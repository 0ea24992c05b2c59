"""The items behind a scorecard figure: the same rows and period conditions as the figure
(scorecards.figures), listed with a link to each item (two queries at most; the earned value's
two)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import formatting
from common.formatting import money
from feedback.selectors.complaints import breaching_condition
from projects.models import Role
from scorecards import figures as f
from scorecards.periods import Period

ITEM_LIMIT = 500


@dataclass(frozen=True)
class Item:
    label: str
    project: str
    when: str
    outcome: str
    good: bool | None  # counts for the person (True), against them (False), or neither
    url: str


@dataclass(frozen=True)
class Group:
    """A figure's items page: the figure's name, which role's scorecard it belongs to, and how
    to list its rows."""

    key: str
    title: Any
    roles: tuple[str, ...]
    rows: Callable[[str, int, Period, f.Moment], list[Item]]


def _when(value: Any) -> str:
    return "" if value is None else formatting.date(value)


def _limited(rows: QuerySet[Any], person: int) -> QuerySet[Any]:
    return rows.filter(person=person)[:ITEM_LIMIT]


def _milestones(role: str, person: int, period: Period, moment: f.Moment) -> list[Item]:
    rows = (
        f.milestone_rows(role, [person])
        .filter(f.milestone_in_period(period, moment))
        .select_related("project")
        .order_by("target", "pk")
    )
    items = []
    for milestone in _limited(rows, person):
        done = milestone.completed_at
        on_time = done is not None and timezone.localdate(done) <= milestone.target
        items.append(
            Item(
                label=milestone.name,
                project=milestone.project.name,
                when=_when(milestone.target),
                outcome=(
                    _("Completed on time %(day)s") % {"day": _when(done)}
                    if on_time
                    else _("Completed late %(day)s") % {"day": _when(done)}
                    if done
                    else _("Not completed")
                ),
                good=on_time,
                url=reverse("projects:plan", kwargs={"project_id": milestone.project_id})
                + f"#milestone-{milestone.pk}",
            )
        )
    return items


def _earned_value(role: str, person: int, period: Period, moment: f.Moment) -> list[Item]:
    items = []
    for project, figures in f.earned_value_items(person, period, moment):
        items.append(
            Item(
                label=project.name,
                project=project.client.name,
                when=_when(figures.status_date),
                outcome=_("SPI %(spi)s · CPI %(cpi)s")
                % {
                    "spi": figures.spi if figures.spi is not None else "—",
                    "cpi": figures.cpi if figures.cpi is not None else "—",
                },
                good=None if figures.spi is None else figures.spi >= 1,
                url=reverse("projects:costs", kwargs={"project_id": project.pk}),
            )
        )
    return items


def _waiting(role: str, person: int, period: Period, moment: f.Moment) -> list[Item]:
    items = []
    for project, late in f.waiting_items(person, period, moment):
        within = sum(1 for day in late.days if period.start <= day < period.end)
        side = _("the client") if late.wait.party == "client" else _("the team")
        items.append(
            Item(
                label=f"{late.wait.kind_label}: {late.wait.label}",
                project=project.name,
                when=_when(late.due),
                outcome=_("%(days)d working days late, waiting on %(side)s")
                % {"days": within, "side": side},
                good=None,
                url=reverse("projects:detail", kwargs={"project_id": project.pk}),
            )
        )
    return items


def _changes(role: str, person: int, period: Period, moment: f.Moment) -> list[Item]:
    rows = (
        f.change_rows(role, [person])
        .filter(period.holds_at("applied_at"))
        .select_related("project")
        .order_by("applied_at", "pk")
    )
    return [
        Item(
            label=f"CR-{cr.number} {cr.title}",
            project=cr.project.name,
            when=_when(cr.applied_at),
            outcome=money(cr.cost_impact, cr.project.currency),
            good=None,
            url=reverse(
                "stakeholders:change_request", kwargs={"project_id": cr.project_id, "cr_id": cr.pk}
            ),
        )
        for cr in _limited(rows, person)
    ]


def _acceptance(role: str, person: int, period: Period, moment: f.Moment) -> list[Item]:
    rows = (
        f.acceptance_rows(role, [person])
        .filter(period.holds_at("decided_at"))
        .select_related("deliverable__project")
        .order_by("decided_at", "pk")
    )
    return [
        Item(
            label=acceptance.deliverable.name,
            project=acceptance.deliverable.project.name,
            when=_when(acceptance.decided_at),
            outcome=(
                _("Accepted after a rejection (round %(number)s)") % {"number": acceptance.number}
                if acceptance.after_rejection
                else _("Accepted the first time")
            ),
            good=not acceptance.after_rejection,
            url=reverse(
                "projects:deliverable",
                kwargs={
                    "project_id": acceptance.deliverable.project_id,
                    "deliverable_id": acceptance.deliverable_id,
                },
            ),
        )
        for acceptance in _limited(rows, person)
    ]


def _issues(role: str, person: int, period: Period, moment: f.Moment) -> list[Item]:
    rows = (
        f.issue_rows(role, [person])
        .filter(period.holds_at("created_at"))
        .select_related("project", "risk")
        .order_by("created_at", "pk")
    )
    return [
        Item(
            label=f"{issue.reference} {issue.title}",
            project=issue.project.name,
            when=_when(issue.created_at),
            outcome=(
                _("Registered as %(risk)s") % {"risk": issue.risk.reference}
                if issue.risk
                else _("Not registered as a risk")
            ),
            good=issue.risk_id is not None,
            url=reverse("risks:register", kwargs={"project_id": issue.project_id})
            + f"#issue-{issue.pk}",
        )
        for issue in _limited(rows, person)
    ]


def _satisfaction(role: str, person: int, period: Period, moment: f.Moment) -> list[Item]:
    rows = (
        f.response_rows(role, [person])
        .filter(period.holds_at("submitted_at"))
        .select_related("project", "respondent")
        .order_by("submitted_at", "pk")
    )
    items = []
    for response in _limited(rows, person):
        scores = []
        if response.nps is not None:
            scores.append(_("NPS %(score)s") % {"score": response.nps})
        if response.csat is not None:
            scores.append(_("CSAT %(score)s") % {"score": response.csat})
        items.append(
            Item(
                label=response.respondent.display_name if response.respondent else _("Anonymous"),
                project=response.project.name,
                when=_when(response.submitted_at),
                outcome=" · ".join(scores),
                good=None if response.nps is None else response.nps >= 9,
                url=reverse("feedback:survey_response", kwargs={"response_id": response.pk}),
            )
        )
    return items


def _complaints(role: str, person: int, period: Period, moment: f.Moment) -> list[Item]:
    breached = breaching_condition(moment.now)
    rows = (
        f.complaint_rows(role, [person])
        .filter(period.holds_at("raised_at"))
        .annotate(breached=ExpressionWrapper(breached, output_field=BooleanField()))
        .select_related("project")
        .order_by("raised_at", "pk")
    )
    return [
        Item(
            label=f"{ticket.reference} {ticket.title}",
            project=ticket.project.name,
            when=_when(ticket.raised_at),
            outcome=_("Service level broken") if ticket.breached else _("Within the service level"),
            good=not ticket.breached,
            url=reverse(
                "feedback:ticket", kwargs={"project_id": ticket.project_id, "ticket_id": ticket.pk}
            ),
        )
        for ticket in _limited(rows, person)
    ]


def _follow_ups(role: str, person: int, period: Period, moment: f.Moment) -> list[Item]:
    rows = (
        f.follow_up_rows(role, [person])
        .filter(period.holds_at("opened_at"))
        .annotate(
            in_time=ExpressionWrapper(f.follow_up_in_time(), output_field=BooleanField()),
        )
        .select_related("project")
        .order_by("opened_at", "pk")
    )
    items = []
    for follow_up in _limited(rows, person):
        overdue = follow_up.opened_at < moment.now - timedelta(days=f.follow_up_days())
        if follow_up.in_time:
            outcome = _("Closed in time %(day)s") % {"day": _when(follow_up.closed_at)}
        elif follow_up.closed_at:
            outcome = _("Closed late %(day)s") % {"day": _when(follow_up.closed_at)}
        else:
            outcome = _("Still open")
        items.append(
            Item(
                label=_("Detractor follow-up #%(number)s") % {"number": follow_up.pk},
                project=follow_up.project.name,
                when=_when(follow_up.opened_at),
                outcome=outcome,
                good=True
                if follow_up.in_time
                else False
                if follow_up.closed_at or overdue
                else None,
                url=reverse("feedback:follow_up", kwargs={"follow_up_id": follow_up.pk}),
            )
        )
    return items


def _retention(role: str, person: int, period: Period, moment: f.Moment) -> list[Item]:
    rows = (
        f.closing_rows(role, [person])
        .filter(period.holds_at("closed_at"))
        .annotate(
            pending=ExpressionWrapper(f.retention_pending(moment), output_field=BooleanField())
        )
        .select_related("client")
        .order_by("closed_at", "pk")
    )
    items = []
    for project in _limited(rows, person):
        if project.retained:
            outcome = _("The client started another project")
        elif project.pending:
            outcome = _("Within the 12 months: no new project yet")
        else:
            outcome = _("No new project within 12 months")
        items.append(
            Item(
                label=project.name,
                project=project.client.name,
                when=_when(project.closed_at),
                outcome=outcome,
                good=True if project.retained else None if project.pending else False,
                url=reverse("feedback:account", kwargs={"organization_id": project.client_id}),
            )
        )
    return items


def _opportunities(role: str, person: int, period: Period, moment: f.Moment) -> list[Item]:
    rows = (
        f.won_rows([person])
        .filter(period.holds_at("won_at"))
        .select_related("organization")
        .order_by("won_at", "pk")
    )
    return [
        Item(
            label=opportunity.title,
            project=opportunity.organization.name,
            when=_when(opportunity.won_at),
            outcome=(
                money(opportunity.value_estimate, opportunity.currency)
                if opportunity.value_estimate is not None
                else _("No value given")
            ),
            good=True,
            url=reverse(
                "feedback:opportunity",
                kwargs={
                    "organization_id": opportunity.organization_id,
                    "opportunity_id": opportunity.pk,
                },
            ),
        )
        for opportunity in _limited(rows, person)
    ]


GROUPS: dict[str, Group] = {
    group.key: group
    for group in (
        Group("milestones", gettext_lazy("On-time milestones"), (Role.PM,), _milestones),
        Group("earned_value", gettext_lazy("SPI and CPI"), (Role.PM,), _earned_value),
        Group("changes", gettext_lazy("Scope churn"), (Role.PM,), _changes),
        Group("acceptance", gettext_lazy("Deliverables accepted"), (Role.PM,), _acceptance),
        Group("issues", gettext_lazy("Issues and unregistered risks"), (Role.PM,), _issues),
        Group("satisfaction", gettext_lazy("Satisfaction"), (Role.PM, Role.AM), _satisfaction),
        Group("waiting", gettext_lazy("Days lost waiting"), (Role.PM,), _waiting),
        Group("complaints", gettext_lazy("Complaints"), (Role.AM,), _complaints),
        Group("follow_ups", gettext_lazy("Detractor follow-ups"), (Role.AM,), _follow_ups),
        Group("retention", gettext_lazy("Retention"), (Role.AM,), _retention),
        Group("opportunities", gettext_lazy("Opportunities won"), (Role.AM,), _opportunities),
    )
}


def figure_items(
    *, role: str, person: int, group: str, period: Period, moment: f.Moment | None = None
) -> list[Item]:
    """The items behind `group`'s figures on `person`'s `role` scorecard in `period`."""
    return GROUPS[group].rows(role, person, period, moment or f.Moment.current())
