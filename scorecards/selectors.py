"""Reads for the scorecard pages and API: whose scorecards a person may open, one person's
scorecard over several periods, and the team view ranking people in one period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization, User
from common.errors import NotFound
from common.formatting import money, number, percent
from projects.models import Membership, Role
from scorecards import figures as f
from scorecards.periods import Period
from scorecards.permissions import SCORED_ROLES, can_view_scorecard, can_view_team, managed_by

HIGHER, LOWER = "higher", "lower"


@dataclass(frozen=True)
class Measure:
    """One line of a scorecard: a figure, how to show it, which way is better, and the items
    page behind it."""

    key: str
    label: Promise
    group: str
    kind: str  # count, percent, ratio, duration, money
    better: str | None = None
    of: str | None = None  # a percent's numerator and denominator: "part/whole"


PM_MEASURES = (
    Measure("milestones_due", gettext_lazy("Milestones due"), "milestones", "count"),
    Measure(
        "on_time_rate",
        gettext_lazy("On time against the baseline"),
        "milestones",
        "percent",
        HIGHER,
        "milestones_on_time/milestones_due",
    ),
    Measure("spi", gettext_lazy("SPI (mean of projects)"), "earned_value", "ratio", HIGHER),
    Measure("cpi", gettext_lazy("CPI (mean of projects)"), "earned_value", "ratio", HIGHER),
    Measure("changes", gettext_lazy("Change requests approved"), "changes", "count", LOWER),
    Measure("change_cost", gettext_lazy("Their cost impact"), "changes", "money"),
    Measure(
        "first_time_rate",
        gettext_lazy("Deliverables accepted the first time"),
        "acceptance",
        "percent",
        HIGHER,
        "accepted_first_time/accepted",
    ),
    Measure(
        "accepted_after_rejection",
        gettext_lazy("Accepted after a rejection"),
        "acceptance",
        "count",
        LOWER,
    ),
    Measure("issues", gettext_lazy("Issues raised"), "issues", "count"),
    Measure(
        "issues_unregistered",
        gettext_lazy("Occurred without being registered as a risk"),
        "issues",
        "count",
        LOWER,
    ),
    Measure("nps", gettext_lazy("NPS"), "satisfaction", "score", HIGHER),
    Measure("csat", gettext_lazy("CSAT (% satisfied)"), "satisfaction", "percent", HIGHER),
    Measure("responses", gettext_lazy("Survey responses"), "satisfaction", "count"),
    Measure(
        "client_wait_days",
        gettext_lazy("Days lost waiting on the client"),
        "waiting",
        "count",
        LOWER,
    ),
    Measure(
        "team_wait_days", gettext_lazy("Days lost waiting on the team"), "waiting", "count", LOWER
    ),
)

AM_MEASURES = (
    Measure("nps", gettext_lazy("NPS"), "satisfaction", "score", HIGHER),
    Measure("csat", gettext_lazy("CSAT (% satisfied)"), "satisfaction", "percent", HIGHER),
    Measure("responses", gettext_lazy("Survey responses"), "satisfaction", "count"),
    Measure("complaints", gettext_lazy("Complaints raised"), "complaints", "count", LOWER),
    Measure(
        "median_first",
        gettext_lazy("Median time to first response"),
        "complaints",
        "duration",
        LOWER,
    ),
    Measure(
        "median_resolution",
        gettext_lazy("Median time to resolution"),
        "complaints",
        "duration",
        LOWER,
    ),
    Measure("breaches", gettext_lazy("Service-level breaches"), "complaints", "count", LOWER),
    Measure("follow_ups", gettext_lazy("Detractor follow-ups"), "follow_ups", "count"),
    Measure(
        "follow_up_rate",
        gettext_lazy("Closed in time"),
        "follow_ups",
        "percent",
        HIGHER,
        "follow_ups_in_time/follow_ups",
    ),
    Measure("closings", gettext_lazy("Projects closed"), "retention", "count"),
    Measure(
        "retention_rate",
        gettext_lazy("Clients retained within 12 months"),
        "retention",
        "percent",
        HIGHER,
        "retained/closings",
    ),
    Measure("retention_pending", gettext_lazy("Still within the 12 months"), "retention", "count"),
    Measure("won", gettext_lazy("Opportunities won"), "opportunities", "count", HIGHER),
    Measure("won_value", gettext_lazy("Value won"), "opportunities", "money"),
)

MEASURES: dict[str, tuple[Measure, ...]] = {Role.PM: PM_MEASURES, Role.AM: AM_MEASURES}


def role_label(role: str) -> str:
    return str(Role(role).label)


# --- Showing a figure -------------------------------------------------------------------------


def _duration(value: timedelta) -> str:
    hours = value.total_seconds() / 3600
    if hours < 48:
        return _("%(hours)s h") % {"hours": number(round(hours, 1), 1)}
    return _("%(days)s d") % {"days": number(round(hours / 24, 1), 1)}


def show(measure: Measure, cell: dict[str, Any]) -> str:
    value = cell.get(measure.key)
    if measure.kind == "money":
        if not value:
            return "—"
        return "; ".join(money(amount, currency) for currency, amount in value)
    if value is None:
        return "—"
    if measure.kind == "percent":
        shown = percent(value, 1)
        if measure.of:
            part, whole = measure.of.split("/")
            shown += f" ({cell.get(part, 0)}/{cell.get(whole, 0)})"
        return shown
    if measure.kind == "duration":
        return _duration(value)
    if measure.kind == "score":
        return number(value, 1)
    if measure.kind == "ratio":
        return number(value, 2)
    return str(value)


def _comparable(measure: Measure, cell: dict[str, Any]) -> Any:
    value = cell.get(measure.key)
    if measure.kind == "money" or value is None:
        return None
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value


def trend(measure: Measure, cell: dict[str, Any], previous: dict[str, Any] | None) -> str | None:
    """'better', 'worse' or None (no comparison, no change, or no better direction)."""
    if previous is None or measure.better is None:
        return None
    now, before = _comparable(measure, cell), _comparable(measure, previous)
    if now is None or before is None or now == before:
        return None
    improved = now > before if measure.better == HIGHER else now < before
    return "better" if improved else "worse"


def as_data(measure: Measure, cell: dict[str, Any]) -> Any:
    """A figure for the API: numbers as strings (decimals) or seconds (durations)."""
    value = cell.get(measure.key)
    if measure.kind == "money":
        return [{"currency": currency, "amount": str(amount)} for currency, amount in value or []]
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- Whose scorecards -------------------------------------------------------------------------


def people_holding(role: str) -> QuerySet[User]:
    """Every active provider person who is `role` on at least one project."""
    return User.objects.filter(
        is_active=True,
        side=Organization.Kind.PROVIDER,
        pk__in=Membership.objects.filter(role=role).values("user_id"),
    ).order_by("display_name", "pk")


def scorecard_person_get_for(*, viewer: User, person_id: int, role: str) -> User:
    """The person whose scorecard `viewer` opens (NotFound alike for a missing and a forbidden
    one): the viewer themselves, already loaded, or one query that reads the person with
    whether the viewer manages them."""
    if viewer.pk == person_id:
        person: User | None = viewer
        manages = None
    else:
        person = User.objects.filter(pk=person_id).annotate(manages=managed_by(viewer)).first()
        manages = bool(getattr(person, "manages", False))
    if person is None or not can_view_scorecard(viewer, person, role, manages=manages):
        raise NotFound()
    return person


@dataclass(frozen=True)
class Entry:
    person: User
    role: str

    @property
    def role_label(self) -> str:
        return role_label(self.role)

    @property
    def url(self) -> str:
        return reverse(
            "scorecards:scorecard", kwargs={"person_id": self.person.pk, "role": self.role}
        )


def scorecards_for(*, viewer: User) -> list[Entry]:
    """The scorecards `viewer` may open: their own, the PMs of the projects they are AM on, and
    everyone's for a staff admin (a fixed number of queries)."""
    if viewer.is_staff_admin:
        entries = [Entry(person, role) for role in SCORED_ROLES for person in people_holding(role)]
    else:
        own = set(
            Membership.objects.filter(user=viewer, role__in=SCORED_ROLES).values_list(
                "role", flat=True
            )
        )
        entries = [Entry(viewer, role) for role in SCORED_ROLES if role in own]
        if Role.AM in own:
            managed = Membership.objects.filter(user=viewer, role=Role.AM).values("project_id")
            pms = (
                User.objects.filter(
                    is_active=True,
                    pk__in=Membership.objects.filter(role=Role.PM, project_id__in=managed).values(
                        "user_id"
                    ),
                )
                .exclude(pk=viewer.pk)
                .order_by("display_name", "pk")
            )
            entries += [Entry(person, Role.PM) for person in pms]
    return entries


# --- A scorecard -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    value: Any
    trend: str | None
    url: str


@dataclass(frozen=True)
class Line:
    measure: Measure
    cells: list[Cell]


@dataclass(frozen=True)
class Scorecard:
    person: User
    role: str
    periods: list[Period]
    lines: list[Line]
    raw: list[dict[str, Any]]

    @property
    def role_label(self) -> str:
        return role_label(self.role)


def items_url(person: int, role: str, group: str, period: Period) -> str:
    return reverse(
        "scorecards:items",
        kwargs={"person_id": person, "role": role, "group": group, "period": period.key},
    )


def compute(role: str, people: list[int], periods: list[Period], moment: f.Moment) -> f.Figures:
    if role == Role.PM:
        return f.pm_figures(people, periods, moment)
    return f.am_figures(people, periods, moment)


def scorecard_of(
    *, person: User, role: str, periods: list[Period], moment: f.Moment | None = None
) -> Scorecard:
    moment = moment or f.Moment.current()
    cells = compute(role, [person.pk], periods, moment)[person.pk]
    lines = []
    for measure in MEASURES[role]:
        lines.append(
            Line(
                measure=measure,
                cells=[
                    Cell(
                        text=show(measure, cell),
                        value=cell.get(measure.key),
                        trend=trend(measure, cell, cells[index - 1] if index else None),
                        url=items_url(person.pk, role, measure.group, periods[index]),
                    )
                    for index, cell in enumerate(cells)
                ],
            )
        )
    return Scorecard(person=person, role=role, periods=periods, lines=lines, raw=cells)


# --- The team view -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamRow:
    person: User
    cells: list[Cell]
    raw: dict[str, Any]


def team_ranking(
    *,
    viewer: User,
    role: str,
    period: Period,
    sort: str | None = None,
    moment: f.Moment | None = None,
) -> list[TeamRow]:
    """Every PM (or AM) side by side in one period, best first on `sort` (a measure's key;
    people without a figure last), a fixed number of queries however many people."""
    if not can_view_team(viewer):
        return []
    moment = moment or f.Moment.current()
    people = list(people_holding(role))
    figures = compute(role, [person.pk for person in people], [period], moment)
    measures = MEASURES[role]
    rows = [
        TeamRow(
            person=person,
            cells=[
                Cell(
                    text=show(measure, figures[person.pk][0]),
                    value=figures[person.pk][0].get(measure.key),
                    trend=None,
                    url=items_url(person.pk, role, measure.group, period),
                )
                for measure in measures
            ],
            raw=figures[person.pk][0],
        )
        for person in people
    ]
    chosen = next((m for m in measures if m.key == sort), None)
    if chosen is not None and chosen.kind != "money":

        def key(row: TeamRow) -> tuple[int, float]:
            value = _comparable(chosen, row.raw)
            if value is None:
                return (1, 0.0)
            number = float(value)
            return (0, -number if chosen.better != LOWER else number)

        rows.sort(key=key)
    return rows
