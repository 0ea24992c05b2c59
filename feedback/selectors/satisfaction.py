"""Reads for surveys, scoped to what the user may see, and the satisfaction dashboard's figures.

Every figure comes from counts the database makes (aggregates with FILTER, GROUP BY, date
truncation), the dashboard's all in one query whatever the number of responses (see
satisfaction_figures):

- NPS = % promoters (9-10) - % detractors (0-6) of the responses with an NPS answer;
- CSAT = % of the responses with a CSAT answer that gave 4 or 5 (the mean is shown beside it);
- response rate = invitations sent in the period that have a response / invitations sent in the
  period (people skipped for the quiet period or an unsubscribe were not sent one).

Scores count responses *given* in the period; the response rate counts invitations *sent* in it.
The scope is the projects where the user is the PM or the AM (every project for a staff admin).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import (
    Avg,
    BigIntegerField,
    Count,
    DateField,
    F,
    Field,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Sum,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, NullIf, Round, TruncMonth, TruncQuarter
from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import Organization
from accounts.stand_ins import Standing, built_alike
from common.cache import cache_version, cache_version_replace
from common.compiled import CompiledValues
from feedback.models import (
    DetractorFollowUp,
    QuestionKind,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
)
from feedback.selectors.surveys import satisfaction_projects_for
from projects.models import Membership, Project, Role

if TYPE_CHECKING:
    from accounts.models import User


# --- The dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFilters:
    start: date
    end: date  # inclusive
    client_id: int | None = None
    pm_id: int | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        """Exclusive: the start of the day after `end`."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def as_query(self) -> dict[str, Any]:
        query: dict[str, Any] = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.client_id:
            query["client"] = self.client_id
        if self.pm_id:
            query["pm"] = self.pm_id
        return query


def default_filters(*, today: date | None = None) -> DashboardFilters:
    """The last twelve months up to today."""
    today = today or timezone.localdate()
    return DashboardFilters(start=date(today.year - 1, today.month, 1), end=today)


def _scoped_projects(user: User, filters: DashboardFilters) -> QuerySet[Project]:
    return _projects_of(user, client_id=filters.client_id, pm_id=filters.pm_id)


def _projects_of(user: User, *, client_id: int | None, pm_id: int | None) -> QuerySet[Project]:
    projects = satisfaction_projects_for(user=user)
    if client_id:
        projects = projects.filter(client_id=client_id)
    if pm_id:
        projects = projects.filter(
            pk__in=Membership.objects.filter(user_id=pm_id, role=Role.PM).values("project_id")
        )
    return projects


def _both(period: Q | None, condition: Q | None) -> Q | None:
    if period is None:
        return condition
    if condition is None:
        return period
    return period & condition


def _score_aggregates(prefix: str, period: Q | None) -> dict[str, Any]:
    """NPS and CSAT aggregates over `<prefix>nps` / `<prefix>csat`, responses within `period`
    (None: every row). On the response table itself, alias the scores first (`_scored`): the
    aggregates are named `nps` and `csat` too."""
    nps, csat = f"{prefix}nps", f"{prefix}csat"
    pk = "pk" if prefix.startswith("score_") else f"{prefix}pk"
    with_nps = _both(period, Q(**{f"{nps}__isnull": False}))
    with_csat = _both(period, Q(**{f"{csat}__isnull": False}))
    promoters = Count(pk, filter=_both(period, Q(**{f"{nps}__gte": 9})))
    detractors = Count(pk, filter=_both(period, Q(**{f"{nps}__lte": 6})))
    nps_count = Count(pk, filter=with_nps)
    satisfied = Count(pk, filter=_both(period, Q(**{f"{csat}__gte": 4})))
    csat_count = Count(pk, filter=with_csat)
    return {
        "responses": Count(pk, filter=period),
        "nps_count": nps_count,
        "promoters": promoters,
        "passives": Count(pk, filter=_both(period, Q(**{f"{nps}__in": [7, 8]}))),
        "detractors": detractors,
        "nps": Round(Cast(promoters - detractors, FloatField()) * 100.0 / NullIf(nps_count, 0), 1),
        "csat_count": csat_count,
        "csat": Round(Cast(satisfied, FloatField()) * 100.0 / NullIf(csat_count, 0), 1),
        "csat_mean": Round(Avg(csat, filter=with_csat, output_field=FloatField()), 2),
    }


def _periods(filters: DashboardFilters) -> tuple[Q, Q]:
    """(invitation sent in the period, its response given in the period)."""
    sent = Q(sent_at__gte=filters.start_at, sent_at__lt=filters.end_at)
    answered = Q(
        response__submitted_at__gte=filters.start_at, response__submitted_at__lt=filters.end_at
    )
    return sent, answered


def _invitations(user: User, filters: DashboardFilters) -> QuerySet[SurveyInvitation]:
    """Invitations of the scope sent, or answered, in the period: one row per invitation with its
    response, so that scores and response rate come from one grouped query."""
    sent, answered = _periods(filters)
    return SurveyInvitation.objects.filter(
        campaign__project__in=_scoped_projects(user, filters)
    ).filter(sent | answered)


# --- The dashboard's figures in one query -------------------------------------------------------
# Five grouped reads in one UNION ALL, each row tagged with its part: the invitations of the scope
# per project (scores of the responses given in the period, response rate of the invitations sent
# in it), the projects' PMs, the invitations sent in the period per month (the response rate's
# trend), the responses given in the period per client and month (the score trends) and the topic
# ratings per topic.
# Every other figure is a sum of these counts: the totals and the clients' figures of the
# projects', each PM's of their projects' (a project with two PMs counts for both), the months'
# and quarters' of the clients'. The ratios are computed from the sums as the SQL aggregates of
# _score_aggregates compute them (rounded half away from zero).

_PROJECTS, _PMS, _RATE_MONTHS, _CLIENT_MONTHS, _TOPICS = range(5)

_KEY_TYPES: dict[str, type[Field[Any, Any]]] = {
    "s_part": IntegerField,
    "s_project": BigIntegerField,
    "s_name": TextField,
    "s_code": TextField,
    "s_client": BigIntegerField,
    "s_client_name": TextField,
    "s_pm": BigIntegerField,
    "s_pm_name": TextField,
    "s_bucket": DateField,
    "s_topic": TextField,
}
SCORE_COUNTS = (
    "responses",
    "nps_count",
    "promoters",
    "passives",
    "detractors",
    "csat_count",
    "satisfied",
    "csat_sum",
)
RATE_COUNTS = ("invited", "answered")
_COUNTS = (*SCORE_COUNTS, *RATE_COUNTS, "rating_sum", "ratings")


def _month(field_name: str) -> Cast:
    """The month (its first day, in the current time zone) of a moment, as a date."""
    return Cast(TruncMonth(field_name, output_field=DateField()), DateField())


def _score_counts(prefix: str, period: Q | None) -> dict[str, Any]:
    """The counts behind NPS and CSAT (see _score_aggregates), of responses within `period`."""
    nps, csat = f"{prefix}nps", f"{prefix}csat"
    pk = f"{prefix}pk"
    with_csat = _both(period, Q(**{f"{csat}__isnull": False}))
    return {
        "responses": Count(pk, filter=period),
        "nps_count": Count(pk, filter=_both(period, Q(**{f"{nps}__isnull": False}))),
        "promoters": Count(pk, filter=_both(period, Q(**{f"{nps}__gte": 9}))),
        "passives": Count(pk, filter=_both(period, Q(**{f"{nps}__in": [7, 8]}))),
        "detractors": Count(pk, filter=_both(period, Q(**{f"{nps}__lte": 6}))),
        "csat_count": Count(pk, filter=with_csat),
        "satisfied": Count(pk, filter=_both(period, Q(**{f"{csat}__gte": 4}))),
        "csat_sum": Sum(csat, filter=with_csat),
    }


def _part(queryset: QuerySet[Any], part: int, counts: dict[str, Any], **keys: Any) -> QuerySet[Any]:
    """`queryset` grouped by `keys` (expressions or field names) with `counts`, as rows of the
    figures' UNION: every key and count column, those not given null or nought (typed: a
    union's column takes one type)."""
    annotations: dict[str, Any] = {
        name: Cast(F(keys[name]) if isinstance(keys[name], str) else keys[name], kind())
        if name in keys
        else Cast(Value(None), kind())
        for name, kind in _KEY_TYPES.items()
        if name != "s_part"
    }
    grouped: QuerySet[Any] = (
        queryset.order_by()
        .annotate(s_part=Value(part, output_field=IntegerField()), **annotations)
        .values(*_KEY_TYPES)
    )
    columns = {
        f"s_{name}": Cast(Coalesce(counts[name], 0), BigIntegerField())
        if name in counts
        else Cast(Value(0), BigIntegerField())
        for name in _COUNTS
    }
    rows: QuerySet[Any] = grouped.annotate(**columns).values(*_KEY_TYPES, *columns)
    return rows


def _rounded(numerator: int, denominator: int, scale: int, places: int) -> float | None:
    """numerator * scale / denominator rounded half away from zero to `places` decimals, as
    PostgreSQL's round(numeric) does; None when the denominator is nought."""
    if not denominator:
        return None
    value = Decimal(numerator) * scale / Decimal(denominator)
    return float(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def score_figures(counts: Mapping[str, int]) -> dict[str, Any]:
    """NPS and CSAT (as _score_aggregates gives them) from their SCORE_COUNTS."""
    return {
        "responses": counts["responses"],
        "nps_count": counts["nps_count"],
        "promoters": counts["promoters"],
        "passives": counts["passives"],
        "detractors": counts["detractors"],
        "nps": _rounded(counts["promoters"] - counts["detractors"], counts["nps_count"], 100, 1),
        "csat_count": counts["csat_count"],
        "csat": _rounded(counts["satisfied"], counts["csat_count"], 100, 1),
        "csat_mean": _rounded(counts["csat_sum"], counts["csat_count"], 1, 2),
    }


def rate_figures(counts: Mapping[str, int]) -> dict[str, Any]:
    """The response rate (invitations answered of those sent, in %) from its RATE_COUNTS."""
    return {
        "invited": counts["invited"],
        "answered": counts["answered"],
        "response_rate": _rounded(counts["answered"], counts["invited"], 100, 1),
    }


def _summed(rows: Iterable[Mapping[str, int]], names: Iterable[str]) -> dict[str, int]:
    names = tuple(names)
    totals = dict.fromkeys(names, 0)
    for row in rows:
        for name in names:
            totals[name] += row[name]
    return totals


def _as_moment(day: date) -> datetime:
    """A month's or quarter's first day as the moment it starts in the current time zone (the
    figures' buckets, as TruncMonth and TruncQuarter give them)."""
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass(frozen=True)
class SatisfactionFigures:
    """The dashboard's figures (see the section's comment). Rows are dicts: the grouping's keys,
    then the figures of score_figures and rate_figures (the trends: the scores' or the rate's
    only; the topics: question__topic, mean, answers)."""

    totals: dict[str, Any]
    by_client: list[dict[str, Any]]
    by_project: list[dict[str, Any]]
    by_pm: list[dict[str, Any]]
    monthly: list[dict[str, Any]]
    quarterly: list[dict[str, Any]]
    health: list[dict[str, Any]]
    rates: list[dict[str, Any]]
    topics: list[dict[str, Any]]


# The figures are kept in the cache per person, scope, filters, time zone and language, under a
# version that every write to what they are made of replaces (feedback.receivers): an answer, a
# response, an invitation, a campaign or a question; a membership; a project's name, code or
# client, a client's name, a person's name or standing.
FIGURES_VERSION_KEY = "satisfaction-figures:version"
FIGURES_CACHE_SECONDS = 3600


def satisfaction_figures_changed(**kwargs: Any) -> None:
    """Forget every cached dashboard's figures (a signal receiver, or called after a bulk
    write)."""
    cache_version_replace(FIGURES_VERSION_KEY)


def satisfaction_figures(*, user: User, filters: DashboardFilters) -> SatisfactionFigures:
    """Every figure of the dashboard for the user's scope and `filters`: from the cache, or in
    one query."""
    version = cache_version(FIGURES_VERSION_KEY)
    if version is None:  # the cache does not answer
        return _figures_read(user=user, filters=filters)
    key = ":".join(
        (
            "satisfaction-figures",
            version,
            str(user.pk),
            "all" if user.is_staff_admin else "member",
            filters.start.isoformat(),
            filters.end.isoformat(),
            str(filters.client_id or ""),
            str(filters.pm_id or ""),
            timezone.get_current_timezone_name(),
            get_language() or "",
        )
    )
    figures = cache.get(key)
    if not isinstance(figures, SatisfactionFigures):
        figures = _figures_read(user=user, filters=filters)
        cache.set(key, figures, FIGURES_CACHE_SECONDS)
    return figures


def _figures_read(*, user: User, filters: DashboardFilters) -> SatisfactionFigures:
    """Every figure of the dashboard for the user's scope and `filters`, in one query."""
    sent, answered = _periods(filters)
    scope = _scoped_projects(user, filters)
    responses = _responses(user, filters)
    parts = [
        _part(
            _invitations(user, filters),
            _PROJECTS,
            {**_score_counts("response__", answered), **_rate_counts(sent)},
            s_project="campaign__project_id",
            s_name="campaign__project__name",
            s_code="campaign__project__code",
            s_client="campaign__project__client_id",
            s_client_name="campaign__project__client__name",
        ),
        # The PMs of the projects (read apart from the invitations: joined to them, every
        # project's PMs would be read before the scope narrows them).
        _part(
            Membership.objects.filter(role=Role.PM, project__in=scope),
            _PMS,
            {},
            s_project="project_id",
            s_pm="user_id",
            s_pm_name="user__display_name",
        ),
        _part(
            SurveyInvitation.objects.filter(
                campaign__project__in=scope,
                sent_at__gte=filters.start_at,
                sent_at__lt=filters.end_at,
            ),
            _RATE_MONTHS,
            _rate_counts(None),
            s_bucket=_month("sent_at"),
        ),
        _part(
            responses,
            _CLIENT_MONTHS,
            _score_counts("", None),
            s_client="client_id",
            s_client_name="client__name",
            s_bucket=_month("submitted_at"),
        ),
        _part(
            SurveyAnswer.objects.filter(
                response__in=responses,
                question__kind=QuestionKind.TOPIC_RATING,
                rating__isnull=False,
            ),
            _TOPICS,
            {"rating_sum": Sum("rating"), "ratings": Count("pk")},
            s_topic="question__topic",
        ),
    ]
    first, *others = parts
    rows: dict[int, list[dict[str, Any]]] = {part: [] for part in range(5)}
    for row in first.union(*others, all=True):
        rows[row["s_part"]].append({name.removeprefix("s_"): value for name, value in row.items()})

    projects = {
        row["project"]: row
        for row in sorted(rows[_PROJECTS], key=lambda row: (row["client_name"], row["name"]))
    }
    pm_projects: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for pm in rows[_PMS]:
        if pm["project"] in projects:
            pm_projects.setdefault((pm["pm_name"], pm["pm"]), []).append(projects[pm["project"]])
    by_project = [
        {
            "campaign__project_id": row["project"],
            "campaign__project__name": row["name"],
            "campaign__project__code": row["code"],
            "campaign__project__client__name": row["client_name"],
            **score_figures(row),
            **rate_figures(row),
        }
        for row in projects.values()
    ]
    clients: dict[int, list[dict[str, Any]]] = {}
    for row in projects.values():
        clients.setdefault(row["client"], []).append(row)
    by_client = [
        {
            "campaign__project__client_id": client_id,
            "campaign__project__client__name": members[0]["client_name"],
            **_figures_of(members),
            "client_id": client_id,
        }
        for client_id, members in clients.items()
    ]
    by_pm = [
        {
            "campaign__project__memberships__user_id": user_id,
            "campaign__project__memberships__user__display_name": name,
            **_figures_of(members),
        }
        for (name, user_id), members in sorted(pm_projects.items())
    ]

    months: dict[date, list[dict[str, Any]]] = {}
    quarters: dict[date, list[dict[str, Any]]] = {}
    health: dict[tuple[str, int, date], list[dict[str, Any]]] = {}
    for row in rows[_CLIENT_MONTHS]:
        month = row["bucket"]
        quarter = month.replace(month=(month.month - 1) // 3 * 3 + 1)
        months.setdefault(month, []).append(row)
        quarters.setdefault(quarter, []).append(row)
        health.setdefault((row["client_name"], row["client"], quarter), []).append(row)

    def trend(buckets: dict[date, list[dict[str, Any]]]) -> list[dict[str, Any]]:
        return [
            {"bucket": _as_moment(bucket), **score_figures(_summed(members, SCORE_COUNTS))}
            for bucket, members in sorted(buckets.items())
        ]

    topic_rows = sorted(rows[_TOPICS], key=lambda row: row["topic"])
    return SatisfactionFigures(
        totals=_figures_of(projects.values()),
        by_client=by_client,
        by_project=by_project,
        by_pm=by_pm,
        monthly=trend(months),
        quarterly=trend(quarters),
        health=[
            {
                "client_id": client_id,
                "client__name": client_name,
                "bucket": _as_moment(quarter),
                **score_figures(_summed(members, SCORE_COUNTS)),
            }
            for (client_name, client_id, quarter), members in sorted(health.items())
        ],
        rates=[
            {"bucket": _as_moment(row["bucket"]), **rate_figures(row)}
            for row in sorted(rows[_RATE_MONTHS], key=lambda row: row["bucket"])
        ],
        topics=[
            {
                "question__topic": row["topic"],
                "mean": _rounded(row["rating_sum"], row["ratings"], 1, 2),
                "answers": row["ratings"],
            }
            for row in topic_rows
        ],
    )


def _figures_of(rows: Iterable[Mapping[str, int]]) -> dict[str, Any]:
    counts = _summed(rows, (*SCORE_COUNTS, *RATE_COUNTS))
    return {**score_figures(counts), **rate_figures(counts)}


def _rate_counts(sent: Q | None) -> dict[str, Any]:
    return {
        "invited": Count("pk", filter=_both(sent, Q(sent_at__isnull=False))),
        "answered": Count("pk", filter=_both(sent, Q(responded_at__isnull=False))),
    }


def open_follow_up_count(*, user: User, filters: DashboardFilters) -> int:
    """How many detractors of the scope await follow-up (whatever the period)."""
    return DetractorFollowUp.objects.filter(
        project__in=_scoped_projects(user, filters), status=DetractorFollowUp.Status.OPEN
    ).count()


def satisfaction_totals(*, user: User, filters: DashboardFilters) -> dict[str, Any]:
    """The totals of satisfaction_figures with the number of open detractor follow-ups."""
    totals = satisfaction_figures(user=user, filters=filters).totals
    return {**totals, "open_follow_ups": open_follow_up_count(user=user, filters=filters)}


def _responses(user: User, filters: DashboardFilters) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(
        project__in=_scoped_projects(user, filters),
        submitted_at__gte=filters.start_at,
        submitted_at__lt=filters.end_at,
    )


def _scored(responses: QuerySet[SurveyResponse]) -> QuerySet[SurveyResponse]:
    return responses.alias(score_nps=F("nps"), score_csat=F("csat"))


def client_satisfaction_history(*, user: User, organization: Any) -> list[dict[str, Any]]:
    """One client's NPS, CSAT and response count per quarter over the last two years (the
    account page), within the user's dashboard scope; one query."""
    today = timezone.localdate()
    filters = DashboardFilters(
        start=date(today.year - 2, today.month, 1), end=today, client_id=organization.pk
    )
    rows = list(
        _scored(_responses(user, filters))
        .annotate(bucket=TruncQuarter("submitted_at"))
        .values("bucket")
        .annotate(**_score_aggregates("score_", None))
        .order_by("bucket")
    )
    for row in rows:
        row["label"] = f"{row['bucket']:%Y} Q{(row['bucket'].month - 1) // 3 + 1}"
    return rows


def open_follow_ups(
    *, user: User, filters: DashboardFilters, limit: int | None = 50
) -> tuple[list[DetractorFollowUp], int]:
    """Detractors awaiting follow-up (whatever the period: they wait until closed), the oldest
    `limit` first (None: all), and how many wait in all; one query, compiled once per process
    for everyone of the person's standing and the filters given (_follow_ups_read), read with
    the person's id and the filters' values."""
    if not user.is_authenticated or not user.is_active:
        return [], 0
    given = {"user": user.pk, "client": filters.client_id or None, "pm": filters.pm_id or None}
    names = tuple(name for name, value in given.items() if value is not None)
    follow_ups: list[Any] = _follow_ups_read.objects(
        [given[name] for name in names], (names, Standing.of(user), limit)
    )
    return follow_ups, int(follow_ups[0].waiting) if follow_ups else 0


def _follow_ups_for_everyone(key: tuple[Any, ...], values: list[Any]) -> QuerySet[Any]:
    """The follow-ups awaited in the scope of the person whose id is the first of `values`,
    with the filters of the others (named by the key), built for a stand-in of the key's
    standing (accounts.stand_ins). The rows kept are chosen and the count made in subqueries,
    so only the rows kept are joined to their project, owner and respondent."""
    names, standing, limit = key
    given = dict(zip(names, values, strict=True))

    def build(person: User) -> QuerySet[Any]:
        projects = _projects_of(person, client_id=given.get("client"), pm_id=given.get("pm"))
        waiting = DetractorFollowUp.objects.filter(
            project__in=projects, status=DetractorFollowUp.Status.OPEN
        )
        count = waiting.order_by().values("status").annotate(n=Count("pk")).values("n")
        kept = waiting.order_by("opened_at", "pk").values("pk")
        return (
            DetractorFollowUp.objects.filter(pk__in=kept[:limit] if limit is not None else kept)
            .select_related("project__client", "owner", "response__respondent")
            .annotate(waiting=Subquery(count, output_field=IntegerField()))
            .order_by("opened_at", "pk")
        )

    return built_alike(build, given["user"], None, standing)


# The follow-ups awaited, compiled once per process, standing, filters given and limit (common.
# compiled). A staff admin's scope is every project: their id is not in it.
_follow_ups_read = CompiledValues(_follow_ups_for_everyone, optional=[0])


@dataclass(frozen=True)
class DashboardChoices:
    """The clients and the PMs of the user's dashboard scope, each as (id, name) by name."""

    clients: list[tuple[int, str]]
    pms: list[tuple[int, str]]


def dashboard_choices_for(*, user: User) -> DashboardChoices:
    """The dashboard's filter choices: from the cache, under the figures' version (the clients
    and PMs of the user's projects change with a membership, a project's client, a client's or
    a person's name, each of which replaces it), or in one query."""
    version = cache_version(FIGURES_VERSION_KEY)
    if version is None:  # the cache does not answer
        return _choices_read(user=user)
    key = ":".join(
        (
            "satisfaction-choices",
            version,
            str(user.pk),
            "all" if user.is_staff_admin else "member",
            "active" if user.is_active else "inactive",
        )
    )
    choices = cache.get(key)
    if not isinstance(choices, DashboardChoices):
        choices = _choices_read(user=user)
        cache.set(key, choices, FIGURES_CACHE_SECONDS)
    return choices


def _choices_read(*, user: User) -> DashboardChoices:
    """The dashboard's filter choices, in one query (a union of the two)."""
    projects = satisfaction_projects_for(user=user)
    clients = (
        Organization.objects.filter(pk__in=projects.values("client_id"))
        .order_by()
        .annotate(
            c_pm=Value(False),
            c_id=Cast("pk", BigIntegerField()),
            c_name=Cast("name", TextField()),
        )
        .values("c_pm", "c_id", "c_name")
    )
    pms = (
        Membership.objects.filter(role=Role.PM, project__in=projects)
        .order_by()
        .annotate(
            c_pm=Value(True),
            c_id=Cast("user_id", BigIntegerField()),
            c_name=Cast("user__display_name", TextField()),
        )
        .values("c_pm", "c_id", "c_name")
        .distinct()
    )
    rows = sorted(clients.union(pms, all=True), key=lambda row: (row["c_name"], row["c_id"]))
    return DashboardChoices(
        clients=[(row["c_id"], row["c_name"]) for row in rows if not row["c_pm"]],
        pms=[(row["c_id"], row["c_name"]) for row in rows if row["c_pm"]],
    )
