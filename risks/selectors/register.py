"""Reads for the risk register, scoped by the permission layer: the provider side (and staff
admins) sees every risk of its projects, a client member only client-visible ones, and never the
team's internal note (client pages, the client API serializer and reports do not render it).
Lists cost a fixed number of queries whatever the number of risks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import InvalidInput, NotFound
from projects.models import Membership, Project, Visibility
from projects.permissions import can_view_internal_items, can_view_project
from projects.selectors.search import project_items_scope_for
from risks.models import (
    SCALE,
    Assessment,
    Category,
    Level,
    MitigationAction,
    Risk,
    RiskSettings,
)

# --- Filters ------------------------------------------------------------------------------------

OVERDUE = "overdue"


@dataclass
class RiskFilters:
    level: str = ""
    category: str = ""
    owner: int | None = None
    status: str = ""
    overdue_review: bool = False
    probability: int | None = None
    impact: int | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, query: Any, *, strict: bool = False) -> RiskFilters:
        """Read GET parameters. Pages ignore unknown values (and say so in `errors`); the API
        (`strict`) refuses them with InvalidInput naming the parameter."""
        filters = cls()
        choices = {
            "level": [*Level.values, "unassessed"],
            "category": Category.values,
            "status": [*Risk.Status.values, "active"],
        }
        for name, allowed in choices.items():
            value = (query.get(name) or "").strip()
            if value and value not in allowed:
                filters.errors[name] = _("Unknown value: %(value)s.") % {"value": value}
            elif value:
                setattr(filters, name, value)
        for name in ("owner", "probability", "impact"):
            raw = (query.get(name) or "").strip()
            if not raw:
                continue
            try:
                number = int(raw)
            except ValueError:
                number = None
            if number is None or (name != "owner" and number not in SCALE):
                filters.errors[name] = _("Unknown value: %(value)s.") % {"value": raw}
            else:
                setattr(filters, name, number)
        overdue = (query.get("overdue_review") or "").strip().lower()
        if overdue in ("1", "true", "yes", "on"):
            filters.overdue_review = True
        elif overdue and overdue not in ("0", "false", "no", "off"):
            filters.errors["overdue_review"] = _("Unknown value: %(value)s.") % {"value": overdue}
        if strict and filters.errors:
            name, message = next(iter(filters.errors.items()))
            raise InvalidInput(message, field=name)
        return filters

    @property
    def is_empty(self) -> bool:
        return not (
            self.level
            or self.category
            or self.owner
            or self.status
            or self.overdue_review
            or self.probability
            or self.impact
        )

    def apply(self, queryset: QuerySet[Risk], *, today: date) -> QuerySet[Risk]:
        if self.level == "unassessed":
            queryset = queryset.filter(score__isnull=True)
        elif self.level:
            queryset = queryset.filter(level=self.level)
        if self.category:
            queryset = queryset.filter(category=self.category)
        if self.owner:
            queryset = queryset.filter(owner_id=self.owner)
        if self.status == "active":
            queryset = queryset.filter(status__in=Risk.ACTIVE)
        elif self.status:
            queryset = queryset.filter(status=self.status)
        if self.overdue_review:
            queryset = queryset.filter(overdue_review_filter(today))
        if self.probability:
            queryset = queryset.filter(probability=self.probability)
        if self.impact:
            queryset = queryset.filter(impact=self.impact)
        return queryset


def overdue_review_filter(today: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": Risk.ACTIVE, f"{prefix}next_review_date__lt": today})


# --- Lists and single risks ---------------------------------------------------------------------


def visible_risks(user: User, project: Project) -> QuerySet[Risk]:
    if not can_view_project(user, project):
        return Risk.objects.none()
    risks = Risk.objects.filter(project=project)
    if not can_view_internal_items(user, project):
        risks = risks.filter(visibility=Visibility.CLIENT)
    return risks


def risk_list_for(
    *, user: User, project: Project, filters: RiskFilters | None = None, today: date | None = None
) -> QuerySet[Risk]:
    """The project's risks `user` may see, filtered: unassessed first (they await the PM), then
    by score, highest first. Owners, open action counts and overdue flags come in one query."""
    today = today or timezone.localdate()
    risks = visible_risks(user, project)
    if filters is not None:
        risks = filters.apply(risks, today=today)
    # Each figure of its own row, without grouping the rows: planning a GROUP BY over the
    # joined project and people took twice as long as running the query.
    open_actions = (
        MitigationAction.objects.filter(risk=OuterRef("pk"), is_done=False)
        .order_by()
        .values("risk")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        risks.select_related("project", "owner", "raised_by")
        .annotate(
            open_action_count=Coalesce(Subquery(open_actions, output_field=IntegerField()), 0),
            is_review_overdue=Case(
                When(overdue_review_filter(today), then=1), default=0, output_field=IntegerField()
            ),
        )
        .order_by(F("score").desc(nulls_first=True), "number")
    )


def risk_get_for(*, user: User, project: Project, risk_id: int) -> Risk:
    """One risk with its actions and assessments, or the same NotFound for a missing and a
    hidden one."""
    risk = (
        visible_risks(user, project)
        .filter(pk=risk_id)
        .select_related("project__risk_settings", "owner", "raised_by", "issue")
        .prefetch_related(
            Prefetch("actions", queryset=MitigationAction.objects.select_related("owner")),
            Prefetch(
                "assessments",
                queryset=Assessment.objects.select_related("assessed_by").order_by(
                    "assessed_at", "id"
                ),
            ),
        )
        .first()
    )
    if risk is None:
        raise NotFound()
    # The project's risk settings came with the risk: risk_settings_of reads them from here.
    try:
        settings = risk.project.risk_settings
    except RiskSettings.DoesNotExist:
        settings = RiskSettings(project=project)
    for loaded in (risk.project, project):
        if not isinstance(getattr(loaded, "_risk_settings", None), RiskSettings):
            loaded._risk_settings = settings  # type: ignore[attr-defined]
    return risk


@dataclass(frozen=True)
class RiskLink:
    """A requirement, milestone or change request linked to a risk: its id and what the risk's
    page shows of it ("REQ-3 Title", "CR-2 Title", a milestone's name)."""

    pk: int
    name: str

    def __str__(self) -> str:
        return self.name


_LINK_KINDS = ("requirements", "milestones", "change_requests", "owners")


def owner_candidates(project: Project) -> QuerySet[User]:
    """Whom a risk or a mitigation action may be given to: the project's active members, by
    name."""
    return User.objects.filter(
        pk__in=Membership.objects.filter(project=project).values("user_id"), is_active=True
    ).order_by("display_name")


def risk_links_for(
    *, user: User, risk: Risk, with_owners: bool = False
) -> dict[str, list[RiskLink]]:
    """The requirements, milestones and change requests linked to the risk, each kind in its
    own order (the provider side's view: links are not shown to clients), in one query; with
    `with_owners`, in the same query, the project's active members by name under "owners"
    (whom the page's forms offer as the risk's or an action's owner, share_owner_choices)."""
    links: dict[str, list[RiskLink]] = {kind: [] for kind in _LINK_KINDS}
    if not can_view_internal_items(user, risk.project):
        return links
    no_number, no_day = Value(None, IntegerField()), Value(None, DateField())
    columns = ("link_kind", "pk", "link_number", "link_text", "link_day", "link_position")

    def part(kind: int, queryset: QuerySet[Any], **values: Any) -> Any:
        return queryset.order_by().annotate(link_kind=Value(kind), **values).values_list(*columns)

    parts = [
        part(
            1,
            risk.milestones.all(),
            link_number=no_number,
            link_text=F("name"),
            link_day=F("due_date"),
            link_position=F("position"),
        ),
        part(
            2,
            risk.change_requests.all(),
            link_number=F("number"),
            link_text=F("title"),
            link_day=no_day,
            link_position=no_number,
        ),
    ]
    if with_owners:
        parts.append(
            part(
                3,
                owner_candidates(risk.project),
                link_number=no_number,
                link_text=F("display_name"),
                link_day=no_day,
                link_position=no_number,
            )
        )
    rows = part(
        0,
        risk.requirements.all(),
        link_number=F("number"),
        link_text=F("title"),
        link_day=no_day,
        link_position=no_number,
    ).union(*parts, all=True)

    # Each kind as its model orders it: requirements and change requests by number, milestones
    # by due date (none last), position and id; people by name.
    def order(row: tuple[Any, ...]) -> tuple[Any, ...]:
        kind, pk, number, text, day, position = row
        name = text if kind == 3 else ""
        return (kind, name, number or 0, day is None, day or date.min, position or 0, pk)

    for kind, pk, number, text, _day, _position in sorted(rows, key=order):
        name = {0: f"REQ-{number} {text}", 1: text, 2: f"CR-{number} {text}", 3: text}[kind]
        links[_LINK_KINDS[kind]].append(RiskLink(pk=pk, name=name))
    return links


def top_risks_for(*, user: User, project: Project, limit: int = 5) -> list[Risk]:
    """The highest-scored active risks `user` may see (the project overview). One query."""
    return list(
        visible_risks(user, project)
        .filter(status__in=Risk.ACTIVE, score__isnull=False)
        .select_related("owner")
        .order_by("-score", "number")[:limit]
    )


def risk_search_scope_for(*, user: User, include_archived: bool = False) -> QuerySet[Risk]:
    return project_items_scope_for(
        Risk.objects.select_related("project"),
        user=user,
        include_archived=include_archived,
        client_rule=Q(visibility=Visibility.CLIENT),
    )
