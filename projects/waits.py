"""The client's share of the delay: how long each item waited beyond the agreed response time, on
the client (requirements to confirm, changes and gates to approve, deliverables to accept,
client-owned tasks and action items) and on the team (a client's change request to assess,
team-owned action items), and the working days lost waiting on each side.

Sources and the agreed response time are plugged in by the apps that own them, as the health
signals are (projects.health): a **wait source** is registered once, at app start-up, and reads
every project of a list with one query:

    from projects.waits import Wait, register_wait_source

    def confirmations(project_ids, *, today):
        return [Wait(project_id=..., party=Party.CLIENT, ...), ...]

    register_wait_source(confirmations)

A source that is a `WaitQuery` (its query as `wait_rows`, and how its rows become waits) is read
in one union with the other such sources.

A `Wait` says who waited on whom (`party`: the side that owes the answer), since when, until
when it was answered (None: still waiting), and by when it was due if the item has a due date of
its own (an action item's due date, a deliverable's deemed-acceptance day). Without one it is due
the agreed number of working days after it started waiting: the project's client response time
(`register_response_days`, the portal's setting; 5 working days where none is set), which both
sides are held to.

Counting, in working days of the side that owes the answer (the client organisation's calendar
for the client, the provider's for the team): an item is late on each working day after its due
day up to and including the day it was answered (or today). **Days lost** on a side is the number
of distinct working days on which at least one of its items was late, so two late items on the
same day count that day once. The list of late items shows each item's own days late.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from django.db.models import (
    BigIntegerField,
    DateField,
    DateTimeField,
    F,
    Field,
    IntegerField,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from accounts.calendars import calendars_for_organization_ids, provider_calendar
from common.compiled import CompiledValues
from common.workdays import WorkCalendar

if TYPE_CHECKING:
    from projects.models import Project

DEFAULT_RESPONSE_DAYS = 5

# What is awaited, by the key a source gives (stable in report snapshots), in the reader's words.
KIND_LABELS = {
    "deliverable": gettext_lazy("Deliverable to accept"),
    "gate": gettext_lazy("Phase gate to approve"),
    "requirement": gettext_lazy("Requirement to confirm"),
    "change_approval": gettext_lazy("Change request to approve"),
    "change_assessment": gettext_lazy("Change request to assess"),
    "action_item": gettext_lazy("Action item"),
    "client_task": gettext_lazy("Client's task"),
}


class Party:
    CLIENT = "client"
    TEAM = "team"


@dataclass(frozen=True)
class Wait:
    project_id: int
    party: str  # Party: the side that owes the answer
    kind: str  # what is awaited: a key of KIND_LABELS
    label: str  # the item: "CR-3 Barcode scanners"
    since: date
    answered: date | None
    due: date | None = None
    client_visible: bool = True  # False: only the team reads it (an internal item)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))


@dataclass(frozen=True)
class LateWait:
    wait: Wait
    due: date
    days: frozenset[date]  # the working days it was late on

    @property
    def days_late(self) -> int:
        return len(self.days)

    @property
    def is_open(self) -> bool:
        return self.wait.answered is None


@dataclass(frozen=True)
class DelayShare:
    client_days: int
    team_days: int
    late: list[LateWait] = field(default_factory=list)
    # The distinct working days lost on each side (Party), to count within a period.
    lost: dict[str, frozenset[date]] = field(default_factory=dict)
    # The project's agreed response time (working days) the waits were counted with.
    response_days: int = DEFAULT_RESPONSE_DAYS

    def days_within(self, party: str, start: date, end: date) -> int:
        """The working days lost on `party`'s side from `start` up to, not including, `end`."""
        return sum(1 for day in self.lost.get(party, ()) if start <= day < end)

    @property
    def total_days(self) -> int:
        return self.client_days + self.team_days

    @property
    def client_percent(self) -> int | None:
        """The client's share of the days lost, in percent (None when none was lost)."""
        if not self.total_days:
            return None
        return round(100 * self.client_days / self.total_days)

    @property
    def team_percent(self) -> int | None:
        share = self.client_percent
        return None if share is None else 100 - share

    def client_late(self) -> list[LateWait]:
        return [item for item in self.late if item.wait.party == Party.CLIENT]

    def team_late(self) -> list[LateWait]:
        return [item for item in self.late if item.wait.party == Party.TEAM]


class WaitSource(Protocol):
    def __call__(self, project_ids: list[int], *, today: date) -> Iterable[Wait]: ...


ResponseDays = Callable[[list[int]], dict[int, int]]

# The columns a WaitQuery's rows give, so that the rows of every such source are read in one
# union: the project, two texts, a number, four moments, two days and two sort keys.
WAIT_COLUMNS = (
    "w_project",
    "w_text1",
    "w_text2",
    "w_number",
    "w_at1",
    "w_at2",
    "w_at3",
    "w_at4",
    "w_day1",
    "w_day2",
    "w_key1",
    "w_key2",
)
_WAIT_COLUMN_TYPES: dict[str, type[Field[Any, Any]]] = {
    "w_project": BigIntegerField,
    "w_text1": TextField,
    "w_text2": TextField,
    "w_number": BigIntegerField,
    "w_at1": DateTimeField,
    "w_at2": DateTimeField,
    "w_at3": DateTimeField,
    "w_at4": DateTimeField,
    "w_day1": DateField,
    "w_day2": DateField,
    "w_key1": BigIntegerField,
    "w_key2": BigIntegerField,
}


def wait_rows(queryset: QuerySet[Any], **columns: Any) -> QuerySet[Any]:
    """`queryset` as a WaitQuery's rows: the WAIT_COLUMNS given in `columns` (expressions or
    field names), the others null (typed: a union's column takes one type)."""
    annotations = {
        name: Cast(
            F(columns[name]) if isinstance(columns[name], str) else columns[name],
            _WAIT_COLUMN_TYPES[name](),
        )
        if name in columns
        else Cast(Value(None), _WAIT_COLUMN_TYPES[name]())
        for name in WAIT_COLUMNS
    }
    return queryset.order_by().annotate(**annotations).values(*WAIT_COLUMNS)


@dataclass(frozen=True)
class WaitQuery:
    """A wait source whose query is read in one union with the other WaitQuery sources'
    (delay_shares_for): `rows(project_ids, today)` gives wait_rows, `waits(rows, today)` makes
    the waits of them, in the order the source gives them. Called, it reads its rows alone."""

    rows: Callable[[list[int], date], QuerySet[Any]]
    waits: Callable[[list[dict[str, Any]], date], list[Wait]]

    def __call__(self, project_ids: list[int], *, today: date) -> list[Wait]:
        return self.waits(list(self.rows(project_ids, today)), today)


@dataclass(frozen=True)
class ResponseDaysQuery:
    """A provider of the agreed response times read in the waits' union (delay_shares_for):
    `rows(project_ids)` gives wait_rows with the project as `w_project` and its working days as
    `w_number`, for the projects that have a time of their own. Called, it reads them alone."""

    rows: Callable[[list[int]], QuerySet[Any]]

    def __call__(self, project_ids: list[int]) -> dict[int, int]:
        return {row["w_project"]: row["w_number"] for row in self.rows(project_ids)}


# The w_source of the response times' rows in the waits' union.
_RESPONSE_DAYS_ROWS = -1


def _waits_union(key: tuple[Any, ...], project_ids: list[int]) -> QuerySet[Any]:
    """The union of the WaitQuery sources' rows for the projects (each row with its source's
    index as `w_source`), and with a ResponseDaysQuery, the response times it configures."""
    today, _zone, _language, sources, days = key
    selects = [
        source.rows(project_ids, today).annotate(w_source=Value(index, output_field=IntegerField()))
        for index, source in enumerate(sources)
        if isinstance(source, WaitQuery)
    ]
    if days is not None:
        selects.append(
            days.rows(project_ids).annotate(
                w_source=Value(_RESPONSE_DAYS_ROWS, output_field=IntegerField())
            )
        )
    first, *others = selects
    return first.union(*others, all=True) if others else first


# The waits' union, compiled to SQL once per day, time zone, language, sources and number of
# projects (common.compiled).
_waits_read = CompiledValues(_waits_union)


def _read_waits(
    project_ids: list[int], today: date, days: ResponseDaysQuery | None = None
) -> tuple[list[Iterable[Wait]], dict[int, int]]:
    """The waits of every source, in the sources' order: the WaitQuery sources' rows in one
    query, each other source with its own; with `days`, the response times it configures, in
    the same query."""
    sources = tuple(_SOURCES)
    rows: dict[int, list[dict[str, Any]]] = {
        index: [] for index, source in enumerate(sources) if isinstance(source, WaitQuery)
    }
    rows[_RESPONSE_DAYS_ROWS] = []
    if len(rows) > 1 or days is not None:
        key = (
            today,
            timezone.get_current_timezone_name(),
            translation.get_language(),
            sources,
            days,
        )
        for row in _waits_read.rows(project_ids, key):
            rows[row["w_source"]].append(row)
    waits = [
        source.waits(rows[index], today)
        if isinstance(source, WaitQuery)
        else source(project_ids, today=today)
        for index, source in enumerate(sources)
    ]
    return waits, {row["w_project"]: row["w_number"] for row in rows[_RESPONSE_DAYS_ROWS]}


_SOURCES: list[WaitSource] = []
_RESPONSE_DAYS: list[ResponseDays] = []


def register_wait_source(source: WaitSource) -> WaitSource:
    """Add a source of waits (usable as a decorator); registering twice adds it once."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def register_response_days(provider: ResponseDays) -> ResponseDays:
    """Set where each project's agreed response time (working days) comes from."""
    _RESPONSE_DAYS[:] = [provider]
    return provider


def wait_sources() -> list[WaitSource]:
    return list(_SOURCES)


def response_days_for(project_ids: list[int]) -> dict[int, int]:
    """Each project's agreed response time, in working days."""
    if not _RESPONSE_DAYS:
        return dict.fromkeys(project_ids, DEFAULT_RESPONSE_DAYS)
    return _with_default_days(project_ids, _RESPONSE_DAYS[0](project_ids))


def _with_default_days(project_ids: list[int], configured: dict[int, int]) -> dict[int, int]:
    return {pk: configured.get(pk, DEFAULT_RESPONSE_DAYS) for pk in project_ids}


def late_days(calendar: WorkCalendar, due: date, until: date) -> set[date]:
    """The working days after `due` up to and including `until`."""
    days = set()
    current = due
    while current < until:
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            days.add(current)
    return days


def delay_shares_for(
    projects: Sequence[Project],
    *,
    today: date | None = None,
    client_view: bool = False,
    response_days: dict[int, int] | None = None,
) -> dict[int, DelayShare]:
    """The delay share of each project, by id: one query for the WaitQuery sources and the
    response times (a ResponseDaysQuery provider's; a provider of another kind reads its own),
    one per other source, and at most one for the provider and one for the clients' calendars
    when not cached, whatever the number of projects.
    With `client_view`, only what a client may read: items the team keeps internal are left out
    of the list and of the counts. A caller that has read the projects' response times
    (response_days_for) passes them as `response_days`, and they are not read again; each
    share carries the response time it was counted with."""
    today = today or timezone.localdate()
    projects = list(projects)
    ids = [project.pk for project in projects]
    if not ids:
        return {}
    clients = {project.pk: project.client_id for project in projects}
    # The response times come in the waits' union when their provider can join it.
    provider_of_days = _RESPONSE_DAYS[0] if _RESPONSE_DAYS else None
    joined = provider_of_days if isinstance(provider_of_days, ResponseDaysQuery) else None
    read, configured = _read_waits(ids, today, joined if response_days is None else None)
    if response_days is None:
        response_days = _with_default_days(ids, configured) if joined else response_days_for(ids)
    provider = provider_calendar(around=today)
    client_calendars = calendars_for_organization_ids(clients.values(), around=today)
    lost: dict[tuple[int, str], set[date]] = defaultdict(set)
    late: dict[int, list[LateWait]] = defaultdict(list)
    for waits in read:
        for wait in waits:
            if wait.project_id not in clients or (client_view and not wait.client_visible):
                continue
            if wait.party == Party.CLIENT:
                calendar = client_calendars[clients[wait.project_id]]
            else:
                calendar = provider
            due = wait.due or calendar.add_working_days(wait.since, response_days[wait.project_id])
            days = late_days(calendar, due, min(wait.answered or today, today))
            if not days:
                continue
            lost[(wait.project_id, wait.party)] |= days
            late[wait.project_id].append(LateWait(wait=wait, due=due, days=frozenset(days)))
    return {
        pk: DelayShare(
            client_days=len(lost[(pk, Party.CLIENT)]),
            team_days=len(lost[(pk, Party.TEAM)]),
            late=sorted(late[pk], key=lambda item: (-item.days_late, item.due, item.wait.label)),
            lost={party: frozenset(lost[(pk, party)]) for party in (Party.CLIENT, Party.TEAM)},
            response_days=response_days[pk],
        )
        for pk in ids
    }


def delay_share_for(
    project: Project,
    *,
    today: date | None = None,
    client_view: bool = False,
    response_days: int | None = None,
) -> DelayShare:
    known = None if response_days is None else {project.pk: response_days}
    return delay_shares_for([project], today=today, client_view=client_view, response_days=known)[
        project.pk
    ]
