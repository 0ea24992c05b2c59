""" "What needs my decision": one list of everything waiting for a client person, oldest first.

A source is a callable `(user) -> list[WaitingItem]` that runs a constant number of queries
(one, as a rule) through the owning app's scoped selector, so the portal home keeps the same
number of queries however many items wait. Apps plug in more with `register_waiting_source`. A
source that is a `WaitingQuery` (its rows as `projects.waits.wait_rows`, and how a row becomes an
item) is read in one UNION with the other such sources, their projects in one more query.

An item may carry an in-place action (`action_label`): a single click that needs no further
input (confirm a requirement's current text, confirm a ticket's resolution, tick an action item
done). `perform_action` runs it through the owning app's service, which authorizes it again.
Anything that needs a comment or a choice (accepting a deliverable, approving a change) is a
link to its page instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any, NamedTuple, overload

from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.stand_ins import Standing, built_alike
from closeout.selectors import closure_requests_awaiting_decision_for
from common.compiled import CompiledRows, CompiledValues
from common.errors import NotFound
from feedback.models import FeedbackTicket
from feedback.selectors.surveys import open_invitations_for
from feedback.selectors.tickets import ticket_get_for, tickets_awaiting_confirmation_for
from feedback.services.tickets import ticket_confirm
from projects.models import AcceptanceRound, PhaseGate, Project
from projects.selectors import deliverables_awaiting_decision_for, gates_awaiting_decision_for
from projects.selectors.tasks import (
    client_tasks_awaiting_for,
    client_tasks_start_by,
    task_get_for,
)
from projects.services.tasks import task_update
from projects.waits import wait_rows
from stakeholders.models import ChangeRequest, Requirement
from stakeholders.selectors.changes import change_requests_awaiting_decision_for
from stakeholders.selectors.meetings import action_item_get_for, open_action_items_for
from stakeholders.selectors.requirements import (
    requirement_get_for,
    requirements_awaiting_confirmation_for,
)
from stakeholders.services.meetings import action_item_set_done
from stakeholders.services.requirements import requirement_confirm


@dataclass(frozen=True)
class WaitingItem:
    """One thing waiting for the person. `key` is stable ("requirement:12") and names the item
    in reminders and in the page (htmx swaps); `since` is when it started waiting."""

    kind: str
    key: str
    pk: int
    icon: str
    title: str
    project: Project
    since: datetime
    due: date | None
    # The item's page, by URL name and arguments: made when shown (a person may have a hundred
    # items waiting and a page show twenty).
    url_name: str
    url_args: tuple[Any, ...] = ()
    action_label: str = ""
    context: str = ""  # shown after the project's name (a deliverable's milestone)
    # The day the team asks for an answer (since + the project's client response time), set by
    # the pages that show it (portal.services.with_answer_by).
    answer_by: date | None = None

    @property
    def url(self) -> str:
        return reverse(self.url_name, args=self.url_args)

    @property
    def action_url(self) -> str:
        if not self.action_label:
            return ""
        return reverse(
            "portal:decision_act",
            kwargs={"project_id": self.project.pk, "kind": self.kind, "item_id": self.pk},
        )


class Moment(NamedTuple):
    """When the waiting items are read: the present, and the last start day of the client's
    tasks listed then (two weeks from today)."""

    now: datetime
    client_tasks_start_by: date

    @classmethod
    def current(cls) -> Moment:
        now = timezone.now()
        return cls(now, client_tasks_start_by(timezone.localdate(now)))


def _waiting_since(row: dict[str, Any]) -> datetime:
    return row["w_at1"]


def _no_due_day(row: dict[str, Any]) -> date | None:
    return None


@dataclass(frozen=True)
class WaitingQuery:
    """A waiting source read in one union with the others (waiting_items_for): `rows(user,
    moment)` gives the source's rows as wait_rows (the item's id as `w_key1`, its project as
    `w_project`) at `moment` (the only time it may read: the union is compiled once and read
    at every moment), `item(row, project)` makes the item of a row, its `since` and `due` the
    row's `w_since` and `w_due`. Those come from `since(row)` and `due(row)` (by default
    `w_at1`, and no due day), read for every row: the list is sorted by them, and an item is
    made only when it is shown. `kind` is the kind it is registered as. Called, it reads its
    rows alone."""

    rows: Callable[[User, Moment], QuerySet[Any]]
    item: Callable[[dict[str, Any], Project], WaitingItem]
    since: Callable[[dict[str, Any]], datetime] = _waiting_since
    due: Callable[[dict[str, Any]], date | None] = _no_due_day
    kind: str = ""

    def __call__(self, user: User) -> list[WaitingItem]:
        queries = {0: self}
        return list(_items(queries, list(_union(queries, user, Moment.current()))))


# The projects of the items made, by their ids: the SQL compiled once per number of projects.
_projects_read = CompiledRows(lambda key: Project.objects.all())

# An item of the list before it is made: its place (since, due day, key), and the source that
# makes it with the row it is made of, or no source and the item itself.
_Entry = tuple[tuple[datetime, date, str], WaitingQuery | None, Any]


class WaitingItems(Sequence[WaitingItem]):
    """The items waiting for a person, oldest first (then by due day, then by key), each made
    when it is read, with the projects of those read in one query: the portal's home counts a
    hundred items and shows the oldest twenty."""

    def __init__(self, entries: list[_Entry]) -> None:
        self._entries = sorted(entries, key=lambda entry: entry[0])
        self._made: dict[int, WaitingItem] = {}
        self._projects: dict[int, Project] = {}

    def __len__(self) -> int:
        return len(self._entries)

    @overload
    def __getitem__(self, index: int) -> WaitingItem: ...

    @overload
    def __getitem__(self, index: slice) -> list[WaitingItem]: ...

    def __getitem__(self, index: int | slice) -> WaitingItem | list[WaitingItem]:
        positions = range(len(self._entries))
        if isinstance(index, slice):
            return self._make(positions[index])
        return self._make([positions[index]])[0]

    def __iter__(self) -> Iterator[WaitingItem]:
        return iter(self._make(range(len(self._entries))))

    def __eq__(self, other: object) -> bool:
        """Equal to a list, or another list of items, of the same items in the same order."""
        if isinstance(other, WaitingItems | list):
            return list(self) == list(other)
        return NotImplemented

    # Equal to a list, so as unhashable as one.
    __hash__ = None  # type: ignore[assignment]

    def _make(self, positions: Sequence[int]) -> list[WaitingItem]:
        wanted = [position for position in positions if position not in self._made]
        projects = {
            self._entries[position][2]["w_project"]
            for position in wanted
            if self._entries[position][1] is not None
        } - self._projects.keys()
        if projects:
            self._projects.update(
                (project.pk, project) for project in _projects_read.read(sorted(projects), ())
            )
        for position in wanted:
            _place, query, made_of = self._entries[position]
            self._made[position] = (
                made_of
                if query is None
                else query.item(made_of, self._projects[made_of["w_project"]])
            )
        return [self._made[position] for position in positions]


WaitingSource = Callable[["User"], list[WaitingItem]]
PendingQuery = Callable[["User"], QuerySet[Any]]
ItemAction = Callable[["User", "Project", int], None]
_SOURCES: dict[str, WaitingSource] = {}
_PENDING: dict[str, PendingQuery] = {}
_ACTIONS: dict[str, ItemAction] = {}


def register_waiting_source(
    kind: str,
    source: WaitingSource,
    action: ItemAction | None = None,
    pending: PendingQuery | None = None,
) -> None:
    """Add a kind of waiting item to every client's list. The source must return only what
    `user` may see and must decide on. `action` is its optional single-click action; `pending`
    the unevaluated queryset of the same rows, which lets the navigation badge count every kind
    in one query (a kind without it is counted by running its source)."""
    if isinstance(source, WaitingQuery):
        source = replace(source, kind=kind)
    _SOURCES[kind] = source
    if action is not None:
        _ACTIONS[kind] = action
    if pending is not None:
        _PENDING[kind] = pending


def waiting_items_for(*, user: User) -> WaitingItems:
    """Everything waiting for `user`, oldest first (then by due date, then by key): the
    WaitingQuery sources' rows in one query and the projects of the items read in one more,
    each other source with its own."""
    if not user.is_authenticated or not user.is_active or not user.is_client_user:
        return WaitingItems([])
    queries = {
        index: source
        for index, source in enumerate(_SOURCES.values())
        if isinstance(source, WaitingQuery)
    }
    entries = _client_entries_of(queries, user, Moment.current()) if queries else []
    entries += [
        ((item.since, item.due or date.max, item.key), None, item)
        for source in _SOURCES.values()
        if not isinstance(source, WaitingQuery)
        for item in source(user)
    ]
    return WaitingItems(entries)


def _union(queries: dict[int, WaitingQuery], user: User, moment: Moment) -> QuerySet[Any]:
    """The rows of `queries` (by a number of each) in one UNION, each marked with its number."""
    first, *others = [
        query.rows(user, moment).annotate(w_source=Value(index, output_field=IntegerField()))
        for index, query in queries.items()
    ]
    return first.union(*others, all=True) if others else first


def _entries(queries: dict[int, WaitingQuery], rows: list[dict[str, Any]]) -> list[_Entry]:
    """The union's rows as entries of the list, each with its `w_since` and `w_due`."""
    entries: list[_Entry] = []
    for row in rows:
        query = queries[row["w_source"]]
        since = row["w_since"] = query.since(row)
        due = row["w_due"] = query.due(row)
        entries.append(((since, due or date.max, f"{query.kind}:{row['w_key1']}"), query, row))
    return entries


def _items(queries: dict[int, WaitingQuery], rows: list[dict[str, Any]]) -> WaitingItems:
    """The items of the union's rows, oldest first."""
    return WaitingItems(_entries(queries, rows))


def _client_entries_of(
    queries: dict[int, WaitingQuery], user: User, moment: Moment
) -> list[_Entry]:
    """The entries of `queries` for an active client user at `moment`: the union compiled once
    per process for everyone of the person's standing (_union_for_everyone) and read with their
    id and the moment."""
    key = (
        tuple(queries.items()),
        Standing.of(user),
        translation.get_language(),
        timezone.get_current_timezone_name(),
    )
    rows = _everyone_s_read.rows([user.pk, moment.now, moment.client_tasks_start_by], key)
    return _entries(queries, rows)


def _client_items_of(queries: dict[int, WaitingQuery], user: User, moment: Moment) -> WaitingItems:
    """The items of `queries` for an active client user at `moment`, oldest first."""
    return WaitingItems(_client_entries_of(queries, user, moment))


def _union_for_everyone(key: tuple[Any, ...], values: list[Any]) -> QuerySet[Any]:
    """The union for the person whose id is `values[0]`, at the moment of the others, built for
    a stand-in of the key's standing (accounts.stand_ins): the same query for every client of
    that standing, whose own projects and roles the SQL reads."""
    sources, standing, _language, _zone = key
    user_id, now, start_by = values
    return built_alike(
        lambda person: _union(dict(sources), person, Moment(now, start_by)),
        user_id,
        None,
        standing,
    )


# The client's waiting items in one UNION, its SQL compiled once per process, sources, standing,
# language and time zone, and read with the person's id and the moment (common.compiled).
_everyone_s_read = CompiledValues(_union_for_everyone)


def waiting_count_for(*, user: User) -> int:
    """How many items wait for `user`: one UNION ALL query over the kinds that offer their
    pending queryset, plus the sources of any kind that does not."""
    if not user.is_authenticated or not user.is_active or not user.is_client_user:
        return 0
    counted = sum(len(source(user)) for kind, source in _SOURCES.items() if kind not in _PENDING)
    querysets = [
        pending(user).order_by().values_list("pk", flat=True) for pending in _PENDING.values()
    ]
    if not querysets:
        return counted
    first, *rest = querysets
    return counted + first.union(*rest, all=True).count()


def has_action(kind: str) -> bool:
    return kind in _ACTIONS


def perform_action(*, actor: User, project: Project, kind: str, item_id: int) -> None:
    """Run the single-click action of one waiting item; NotFound for an unknown kind (or an
    item the actor cannot see), the owning service's error otherwise."""
    action = _ACTIONS.get(kind)
    if action is None:
        raise NotFound()
    action(actor, project, item_id)


def _as_datetime(value: date | datetime | None) -> datetime:
    if isinstance(value, datetime):
        return value
    if value is None:
        return timezone.now()
    return datetime.combine(value, time.min, tzinfo=timezone.get_current_timezone())


# --- When each kind started waiting, and its due day (WaitingQuery.since and .due) ---------


def _at_or_now(row: dict[str, Any]) -> datetime:
    return _as_datetime(row["w_at1"])


def _day1(row: dict[str, Any]) -> date | None:
    return row["w_day1"]


def _closing_day(row: dict[str, Any]) -> date | None:
    return timezone.localdate(row["w_at2"]) if row["w_at2"] else None


def _start_or_created(row: dict[str, Any]) -> datetime:
    return _as_datetime(row["w_day1"] or row["w_at1"])


def _day2(row: dict[str, Any]) -> date | None:
    return row["w_day2"]


# --- The sources of the capability apps -------------------------------------------------------


def _requirement_rows(user: User, moment: Moment) -> QuerySet[Any]:
    return wait_rows(
        requirements_awaiting_confirmation_for(user=user),
        w_key1="pk",
        w_project="project_id",
        w_number="number",
        w_text1="title",
        w_at1="updated_at",
    )


def _requirement(row: dict[str, Any], project: Project) -> WaitingItem:
    return WaitingItem(
        kind="requirement",
        key=f"requirement:{row['w_key1']}",
        pk=row["w_key1"],
        icon="bi-card-checklist",
        title=_("Confirm %(reference)s: %(title)s")
        % {"reference": Requirement(number=row["w_number"]).reference, "title": row["w_text1"]},
        project=project,
        since=row["w_since"],
        due=row["w_due"],
        url_name="portal:requirement",
        url_args=(project.pk, row["w_key1"]),
        action_label=_("Confirm"),
    )


def _confirm_requirement(actor: User, project: Project, item_id: int) -> None:
    requirement = requirement_get_for(user=actor, project=project, requirement_id=item_id)
    # The person confirms the text the list showed them: the current version.
    requirement_confirm(actor=actor, requirement=requirement, version=requirement.version)


def _change_request_rows(user: User, moment: Moment) -> QuerySet[Any]:
    return wait_rows(
        change_requests_awaiting_decision_for(user=user),
        w_key1="pk",
        w_project="project_id",
        w_number="number",
        w_text1="title",
        w_at1="requested_at",
    )


def _change_request(row: dict[str, Any], project: Project) -> WaitingItem:
    return WaitingItem(
        kind="change_request",
        key=f"change_request:{row['w_key1']}",
        pk=row["w_key1"],
        icon="bi-arrow-left-right",
        title=_("Approve or reject the change %(reference)s: %(title)s")
        % {"reference": ChangeRequest(number=row["w_number"]).reference, "title": row["w_text1"]},
        project=project,
        since=row["w_since"],
        due=row["w_due"],
        url_name="portal:change_request",
        url_args=(project.pk, row["w_key1"]),
    )


def _deliverable_rows(user: User, moment: Moment) -> QuerySet[Any]:
    open_round = AcceptanceRound.objects.filter(deliverable=OuterRef("pk"), decision="").order_by(
        "-number"
    )
    return wait_rows(
        deliverables_awaiting_decision_for(user=user),
        w_key1="pk",
        w_project="project_id",
        w_text1="name",
        w_text2="milestone__name",
        w_at1="submitted_at",
        w_day1=Subquery(open_round.values("deemed_acceptance_due")[:1]),
    )


def _deliverable(row: dict[str, Any], project: Project) -> WaitingItem:
    return WaitingItem(
        kind="deliverable",
        key=f"deliverable:{row['w_key1']}",
        pk=row["w_key1"],
        icon="bi-box-seam",
        title=_("Accept or reject: %(name)s") % {"name": row["w_text1"]},
        project=project,
        since=row["w_since"],
        due=row["w_due"],
        url_name="portal:deliverable",
        url_args=(project.pk, row["w_key1"]),
        context=row["w_text2"],
    )


def _gate_rows(user: User, moment: Moment) -> QuerySet[Any]:
    return wait_rows(
        gates_awaiting_decision_for(user=user),
        w_key1="pk",
        w_project="project_id",
        w_text1="to_phase",
        w_at1="requested_at",
    )


def _gate(row: dict[str, Any], project: Project) -> WaitingItem:
    phase = PhaseGate(to_phase=row["w_text1"]).get_to_phase_display()
    return WaitingItem(
        kind="gate",
        key=f"gate:{row['w_key1']}",
        pk=row["w_key1"],
        icon="bi-signpost-split",
        title=_("Approve the move to %(phase)s") % {"phase": phase},
        project=project,
        since=row["w_since"],
        due=row["w_due"],
        url_name="portal:gate",
        url_args=(project.pk, row["w_key1"]),
    )


def _final_acceptance_rows(user: User, moment: Moment) -> QuerySet[Any]:
    return wait_rows(
        closure_requests_awaiting_decision_for(user=user),
        w_key1="pk",
        w_project="project_id",
        w_at1="requested_at",
    )


def _final_acceptance(row: dict[str, Any], project: Project) -> WaitingItem:
    return WaitingItem(
        kind="final_acceptance",
        key=f"final_acceptance:{row['w_key1']}",
        pk=row["w_key1"],
        icon="bi-patch-check",
        title=_("Give final acceptance of the project"),
        project=project,
        since=row["w_since"],
        due=row["w_due"],
        url_name="portal:closeout",
        url_args=(project.pk,),
    )


def _survey_rows(user: User, moment: Moment) -> QuerySet[Any]:
    return wait_rows(
        _pending_surveys(user, moment),
        w_key1="pk",
        w_project="campaign__project_id",
        w_text1="campaign__name",
        w_at1="sent_at",
        w_at2="campaign__closes_at",
    )


def _survey(row: dict[str, Any], project: Project) -> WaitingItem:
    return WaitingItem(
        kind="survey",
        key=f"survey:{row['w_key1']}",
        pk=row["w_key1"],
        icon="bi-ui-checks",
        title=_("Answer the survey: %(name)s") % {"name": row["w_text1"]},
        project=project,
        since=row["w_since"],
        due=row["w_due"],
        url_name="feedback:portal_surveys",
    )


def _ticket_rows(user: User, moment: Moment) -> QuerySet[Any]:
    return wait_rows(
        tickets_awaiting_confirmation_for(user=user),
        w_key1="pk",
        w_project="project_id",
        w_number="number",
        w_text1="title",
        w_at1="resolved_at",
    )


def _ticket(row: dict[str, Any], project: Project) -> WaitingItem:
    return WaitingItem(
        kind="ticket",
        key=f"ticket:{row['w_key1']}",
        pk=row["w_key1"],
        icon="bi-chat-square-heart",
        title=_("Confirm the resolution of %(reference)s: %(title)s")
        % {"reference": FeedbackTicket(number=row["w_number"]).reference, "title": row["w_text1"]},
        project=project,
        since=row["w_since"],
        due=row["w_due"],
        url_name="feedback:portal_ticket",
        url_args=(project.pk, row["w_key1"]),
        action_label=_("Confirm it is resolved"),
    )


def _confirm_ticket(actor: User, project: Project, item_id: int) -> None:
    ticket = ticket_get_for(user=actor, project=project, ticket_id=item_id)
    ticket_confirm(actor=actor, ticket=ticket)


def _action_item_rows(user: User, moment: Moment) -> QuerySet[Any]:
    return wait_rows(
        _pending_action_items(user),
        w_key1="pk",
        w_project="meeting__project_id",
        w_text1="meeting__title",
        w_text2="text",
        w_at1="meeting__starts_at",
        w_day1="due_date",
    )


def _action_item(row: dict[str, Any], project: Project) -> WaitingItem:
    return WaitingItem(
        kind="action_item",
        key=f"action_item:{row['w_key1']}",
        pk=row["w_key1"],
        icon="bi-check2-square",
        title=_("Action from %(meeting)s: %(text)s")
        % {"meeting": row["w_text1"], "text": row["w_text2"]},
        project=project,
        since=row["w_since"],
        due=row["w_due"],
        url_name="stakeholders:portal_todo",
        action_label=_("Mark done"),
    )


def _complete_action_item(actor: User, project: Project, item_id: int) -> None:
    item = action_item_get_for(user=actor, item_id=item_id)
    if item.meeting.project_id != project.pk or item.owner_id != actor.pk:
        raise NotFound()
    action_item_set_done(actor=actor, item=item, is_done=True)


def _client_task_rows(user: User, moment: Moment) -> QuerySet[Any]:
    return wait_rows(
        _pending_client_tasks(user, moment),
        w_key1="pk",
        w_project="project_id",
        w_text1="name",
        w_at1="created_at",
        w_day1="start_date",
        w_day2="due_date",
    )


def _client_task(row: dict[str, Any], project: Project) -> WaitingItem:
    return WaitingItem(
        kind="client_task",
        key=f"client_task:{row['w_key1']}",
        pk=row["w_key1"],
        icon="bi-person-check",
        title=_("Your side's task: %(name)s") % {"name": row["w_text1"]},
        project=project,
        since=row["w_since"],
        due=row["w_due"],
        url_name="portal:project_timeline",
        url_args=(project.pk,),
        action_label=_("Mark done"),
    )


def _complete_client_task(actor: User, project: Project, item_id: int) -> None:
    task = task_get_for(user=actor, project=project, task_id=item_id)
    if task.owner_side != task.OwnerSide.CLIENT:
        raise NotFound()
    task_update(actor=actor, task=task, changes={"status": task.Status.DONE})


def _pending_client_tasks(user: User, moment: Moment | None = None) -> QuerySet[Any]:
    moment = moment or Moment.current()
    return client_tasks_awaiting_for(user=user, starts_by=moment.client_tasks_start_by)


def _pending_surveys(user: User, moment: Moment | None = None) -> QuerySet[Any]:
    moment = moment or Moment.current()
    return open_invitations_for(user=user, now=moment.now).filter(responded_at__isnull=True)


def _pending_action_items(user: User) -> QuerySet[Any]:
    return open_action_items_for(user=user).filter(meeting__project__is_archived=False)


register_waiting_source(
    "requirement",
    WaitingQuery(_requirement_rows, _requirement),
    _confirm_requirement,
    lambda user: requirements_awaiting_confirmation_for(user=user),
)
register_waiting_source(
    "change_request",
    WaitingQuery(_change_request_rows, _change_request),
    pending=lambda user: change_requests_awaiting_decision_for(user=user),
)
register_waiting_source(
    "deliverable",
    WaitingQuery(_deliverable_rows, _deliverable, since=_at_or_now, due=_day1),
    pending=lambda user: deliverables_awaiting_decision_for(user=user),
)
register_waiting_source(
    "gate",
    WaitingQuery(_gate_rows, _gate),
    pending=lambda user: gates_awaiting_decision_for(user=user),
)
register_waiting_source(
    "final_acceptance",
    WaitingQuery(_final_acceptance_rows, _final_acceptance),
    pending=lambda user: closure_requests_awaiting_decision_for(user=user),
)
register_waiting_source(
    "survey",
    WaitingQuery(_survey_rows, _survey, since=_at_or_now, due=_closing_day),
    pending=_pending_surveys,
)
register_waiting_source(
    "ticket",
    WaitingQuery(_ticket_rows, _ticket, since=_at_or_now),
    _confirm_ticket,
    lambda user: tickets_awaiting_confirmation_for(user=user),
)
register_waiting_source(
    "action_item",
    WaitingQuery(_action_item_rows, _action_item, due=_day1),
    _complete_action_item,
    _pending_action_items,
)
register_waiting_source(
    "client_task",
    WaitingQuery(_client_task_rows, _client_task, since=_start_or_created, due=_day2),
    _complete_client_task,
    _pending_client_tasks,
)
