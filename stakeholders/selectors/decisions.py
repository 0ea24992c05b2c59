"""The decision log of a project: one chronological list of what was decided, by whom, on which
side and when, gathered from several sources.

The sources here (accepted deliverables, decided phase gates, meeting decisions, confirmed
requirements, decided change requests and baselines) are the parts of one UNION, read in one
query. Another source is a callable `(project, client_only) -> list[Decision]` that runs one
query (its rows select_related what they show), added with `register_decision_source`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from common.compiled import CompiledValues
from projects.models import AcceptanceRound, Baseline, Phase, PhaseGate, Project, Visibility
from stakeholders.models import ChangeRequest, Confirmation, MeetingDecision, Requirement, Side

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from accounts.models import User


@dataclass(frozen=True)
class Decision:
    decided_at: datetime
    kind: str | Promise
    text: str
    decided_by: str
    side: str | Promise
    staff_url: str
    portal_url: str | None


DecisionSource = Callable[["Project", bool], list[Decision]]
_SOURCES: list[DecisionSource] = []


def register_decision_source(source: DecisionSource) -> DecisionSource:
    """Add a source to every project's decision log (usable as a decorator). With
    client_only=True it must return only what the client may see."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    return source


def decision_sources() -> list[DecisionSource]:
    return list(_SOURCES)


# The built-in sources are the parts of one UNION: each part gives these columns (a blank or a
# zero where it has no use for one) and its rows' place in its model's own order, so that the
# log lists decided-at-the-same-moment rows as the separate reads did.
_COLUMNS = (
    "log_part",
    "log_seq",
    "log_ref",
    "log_at",
    "log_flag",
    "log_text",
    "log_text2",
    "log_n1",
    "log_n2",
    "log_who_name",
    "log_who_email",
    "log_who_side",
)


@dataclass(frozen=True)
class _Row:
    """One row of the union: `ref` is the id the links take, `flag` the part's status."""

    seq: int
    ref: int
    at: datetime
    flag: str
    text: str
    text2: str
    n1: int
    n2: int
    who_name: str | None
    who_email: str | None
    who_side: str | None

    @property
    def who(self) -> str:
        """str() of the person (display name, else e-mail), empty without one."""
        return self.who_name or self.who_email or ""

    @property
    def side(self) -> Promise:
        if self.who_side == "client":
            return Side.CLIENT.label
        return Side.PROVIDER.label


def _who(path: str, otherwise: tuple[Q, str] | None = None) -> dict[str, Any]:
    """The name, e-mail and side columns of the person at `path` (a foreign key); with
    `otherwise` (condition, path), those of the person at path where the condition holds."""

    def column(field: str) -> Any:
        if otherwise is None:
            return F(f"{path}__{field}")
        condition, other = otherwise
        return Case(
            When(condition, then=F(f"{other}__{field}")),
            default=F(f"{path}__{field}"),
            output_field=CharField(),
        )

    return {
        "log_who_name": column("display_name"),
        "log_who_email": column("email"),
        "log_who_side": column("side"),
    }


def _part(queryset: QuerySet[Any], part: int, **columns: Any) -> QuerySet[Any]:
    blanks: dict[str, Any] = {
        "log_flag": Value("", output_field=CharField()),
        "log_text": Value("", output_field=CharField()),
        "log_text2": Value("", output_field=CharField()),
        "log_n1": Value(0, output_field=IntegerField()),
        "log_n2": Value(0, output_field=IntegerField()),
        "log_who_name": Value("", output_field=CharField()),
        "log_who_email": Value("", output_field=CharField()),
        "log_who_side": Value("", output_field=CharField()),
    }
    order = [
        F(name[1:]).desc() if name.startswith("-") else F(name).asc()
        for name in queryset.model._meta.ordering
    ]
    values = {
        "log_part": Value(part, output_field=IntegerField()),
        "log_seq": Window(RowNumber(), order_by=order),
        **{name: columns.get(name, blanks.get(name)) for name in _COLUMNS[2:]},
    }
    # A constant is a parameter, typed: the compiled UNION is a prepared statement, where
    # PostgreSQL would otherwise infer each parameter's type from the other parts' columns.
    values = {
        name: Cast(value, value.output_field) if isinstance(value, Value) else value
        for name, value in values.items()
    }
    rows: QuerySet[Any] = queryset.order_by().annotate(**values).values_list(*_COLUMNS)
    return rows


def _accepted_deliverables(project: Project, client_only: bool) -> QuerySet[Any]:
    rounds = AcceptanceRound.objects.filter(
        deliverable__project=project,
        decision__in=[AcceptanceRound.Decision.ACCEPTED, AcceptanceRound.Decision.DEEMED_ACCEPTED],
        decided_at__isnull=False,
    )
    if client_only:
        rounds = rounds.filter(deliverable__visibility=Visibility.CLIENT)
    return _part(
        rounds,
        0,
        log_ref=F("deliverable_id"),
        log_at=F("decided_at"),
        log_flag=F("decision"),
        log_text=F("deliverable__name"),
        **_who("decided_by"),
    )


def _accepted_deliverable(project: Project, row: _Row) -> Decision:
    args = (project.pk, row.ref)
    return Decision(
        decided_at=row.at,
        kind=_("Deliverable accepted")
        if row.flag == AcceptanceRound.Decision.ACCEPTED
        else _("Deliverable deemed accepted"),
        text=row.text,
        decided_by=row.who,
        side=Side.CLIENT.label,
        staff_url=reverse("projects:deliverable", args=args),
        portal_url=reverse("portal:deliverable", args=args),
    )


def _decided_gates(project: Project, client_only: bool) -> QuerySet[Any]:
    gates = PhaseGate.objects.filter(
        project=project, status__in=[PhaseGate.Status.PASSED, PhaseGate.Status.REFUSED]
    )
    # A gate that needs no client approval passes on the PM's request: decided then, by them.
    return _part(
        gates,
        1,
        log_ref=F("pk"),
        log_at=Coalesce("decided_at", "requested_at"),
        log_flag=F("status"),
        log_text=F("from_phase"),
        log_text2=F("to_phase"),
        **_who("decided_by", otherwise=(Q(decided_by__isnull=True), "requested_by")),
    )


def _decided_gate(project: Project, row: _Row) -> Decision:
    phases = dict(Phase.choices)
    return Decision(
        decided_at=row.at,
        kind=_("Phase gate passed")
        if row.flag == PhaseGate.Status.PASSED
        else _("Phase gate refused"),
        text=f"{phases.get(row.text, row.text)} → {phases.get(row.text2, row.text2)}",
        decided_by=row.who,
        side=row.side,
        staff_url=reverse("projects:plan", args=(project.pk,)),
        portal_url=reverse("portal:gate", args=(project.pk, row.ref)),
    )


def _meeting_decisions(project: Project, client_only: bool) -> QuerySet[Any]:
    decisions = MeetingDecision.objects.filter(meeting__project=project)
    if client_only:
        decisions = decisions.filter(
            meeting__visibility=Visibility.CLIENT, meeting__minutes_visibility=Visibility.CLIENT
        )
    return _part(
        decisions,
        2,
        log_ref=F("meeting_id"),
        log_at=F("recorded_at"),
        log_flag=F("decided_by"),
        log_text=F("text"),
        log_text2=F("meeting__title"),
    )


def _meeting_decision(project: Project, row: _Row) -> Decision:
    return Decision(
        decided_at=row.at,
        kind=_("Meeting decision"),
        text=row.text,
        decided_by=row.text2,
        side=dict(Side.choices).get(row.flag, row.flag),
        staff_url=reverse("stakeholders:meeting", args=(project.pk, row.ref)),
        portal_url=reverse("stakeholders:portal_meeting", args=(project.pk, row.ref)),
    )


def _confirmed_requirements(project: Project, client_only: bool) -> QuerySet[Any]:
    """Every sign-off of a requirement by the client (each confirmed version is a decision)."""
    confirmations = Confirmation.objects.filter(requirement__project=project)
    if client_only:
        confirmations = confirmations.filter(requirement__visibility=Visibility.CLIENT)
    return _part(
        confirmations,
        3,
        log_ref=F("requirement_id"),
        log_at=F("confirmed_at"),
        log_text=F("title"),
        log_n1=F("requirement__number"),
        log_n2=F("version"),
        **_who("confirmed_by"),
    )


def _confirmed_requirement(project: Project, row: _Row) -> Decision:
    reference = Requirement(number=row.n1).reference
    return Decision(
        decided_at=row.at,
        kind=_("Requirement confirmed"),
        text=f"{reference} (v{row.n2}): {row.text}",
        decided_by=row.who,
        side=Side.CLIENT.label,
        staff_url=reverse("stakeholders:requirement", args=(project.pk, row.ref)),
        portal_url=reverse("portal:requirement", args=(project.pk, row.ref)),
    )


def _decided_change_requests(project: Project, client_only: bool) -> QuerySet[Any]:
    """Change requests approved by both sides (when applied) or rejected (by either side)."""
    changes = ChangeRequest.objects.filter(project=project).filter(
        Q(applied_at__isnull=False) | Q(rejected_at__isnull=False)
    )
    if client_only:
        changes = changes.filter(visibility=Visibility.CLIENT)
    return _part(
        changes,
        4,
        log_ref=F("pk"),
        log_at=Coalesce("applied_at", "rejected_at"),
        log_flag=Case(
            When(applied_at__isnull=False, then=Value("approved")),
            default=Value(""),
            output_field=CharField(),
        ),
        log_text=F("title"),
        log_n1=F("number"),
        **_who("rejected_by", otherwise=(Q(applied_at__isnull=False), "client_approved_by")),
    )


def _decided_change_request(project: Project, row: _Row) -> Decision:
    approved = row.flag == "approved"
    return Decision(
        decided_at=row.at,
        kind=_("Change request approved") if approved else _("Change request rejected"),
        text=f"{ChangeRequest(number=row.n1).reference}: {row.text}",
        decided_by=row.who,
        side=_("Both sides") if approved else row.side,
        staff_url=reverse("stakeholders:change_request", args=(project.pk, row.ref)),
        portal_url=reverse("portal:change_request", args=(project.pk, row.ref)),
    )


def _baselines(project: Project, client_only: bool) -> QuerySet[Any]:
    """Each baseline: the first, set by the PM, and each re-baseline of an approved change
    request (agreed by both sides). Clients read them all: the plan agreed with them."""
    return _part(
        Baseline.objects.filter(project=project),
        5,
        log_ref=F("number"),
        log_at=F("set_at"),
        log_flag=F("change_reference"),
        log_text=F("reason"),
        log_n1=F("number"),
        **_who("set_by"),
    )


def _baseline(project: Project, row: _Row) -> Decision:
    values = {"number": row.n1, "reason": row.text}
    return Decision(
        decided_at=row.at,
        kind=_("Plan re-baselined") if row.flag else _("Baseline set"),
        text=str(_("Baseline %(number)d: %(reason)s") % values),
        decided_by=row.who,
        side=_("Both sides") if row.flag else Side.PROVIDER.label,
        staff_url=reverse("projects:baselines", args=(project.pk,)) + f"?to={row.ref}",
        portal_url=reverse("portal:project_baselines", args=(project.pk,)) + f"?to={row.ref}",
    )


# Accepted deliverables, decided phase gates, meeting decisions, confirmed requirements,
# decided change requests and baselines: each part's rows and how a row reads in the log, in
# the order of their part number.
_PARTS: tuple[
    tuple[
        Callable[[Project, bool], QuerySet[Any]],
        Callable[[Project, _Row], Decision],
    ],
    ...,
] = (
    (_accepted_deliverables, _accepted_deliverable),
    (_decided_gates, _decided_gate),
    (_meeting_decisions, _meeting_decision),
    (_confirmed_requirements, _confirmed_requirement),
    (_decided_change_requests, _decided_change_request),
    (_baselines, _baseline),
)


def _built_in_union(key: tuple[Any, ...], ids: list[int]) -> QuerySet[Any]:
    """The UNION of the built-in parts for the project whose id is `ids[0]` (key: whether the
    reader sees client items only, the time zone and the language)."""
    client_only = key[0]
    project = Project(pk=ids[0])
    first, *others = (rows(project, client_only) for rows, _decision in _PARTS)
    return first.union(*others, all=True)


# Turning the six parts into SQL cost more than running them: the UNION is compiled once per
# process, key and database (common.compiled), and read with the project's id.
_built_in_read = CompiledValues(_built_in_union)


def built_in_decisions(project: Project, client_only: bool) -> list[Decision]:
    """The decisions of the built-in parts, in one query (a UNION of one SELECT each), part by
    part, each part's in its model's order."""
    key = (client_only, timezone.get_current_timezone_name(), translation.get_language())
    found = sorted(
        (tuple(row[name] for name in _COLUMNS) for row in _built_in_read.rows([project.pk], key)),
        key=lambda values: (values[0], values[1]),
    )
    return [_PARTS[values[0]][1](project, _Row(*values[1:])) for values in found]


def decision_log_for(*, user: User, project: Project) -> list[Decision]:
    """Every decision of the project the user may see, latest first: one query for the built-in
    parts and one per registered source.
    Raises NotFound if the user may not open the project."""
    from common.errors import NotFound
    from projects.permissions import can_view_internal_items, can_view_project

    if not can_view_project(user, project):
        raise NotFound
    client_only = not can_view_internal_items(user, project)
    decisions = built_in_decisions(project, client_only)
    decisions += [d for source in _SOURCES for d in source(project, client_only)]
    return sorted(decisions, key=lambda d: d.decided_at, reverse=True)
