"""Reads for surveys, scoped to what the user may see, and the satisfaction dashboard's figures.

Every figure is computed by PostgreSQL (aggregates with FILTER, GROUP BY, date truncation), one
query per table or chart whatever the number of responses:

- NPS = % promoters (9-10) - % detractors (0-6) of the responses with an NPS answer;
- CSAT = % of the responses with a CSAT answer that gave 4 or 5 (the mean is shown beside it);
- response rate = invitations sent in the period that have a response / invitations sent in the
  period (people skipped for the quiet period or an unsubscribe were not sent one).

Scores count responses *given* in the period; the response rate counts invitations *sent* in it.
The scope is the projects where the user is the PM or the AM (every project for a staff admin).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, cast

from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast, NullIf, Round, TruncMonth, TruncQuarter
from django.utils import timezone

from accounts.models import Organization
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
    projects = satisfaction_projects_for(user=user)
    if filters.client_id:
        projects = projects.filter(client_id=filters.client_id)
    if filters.pm_id:
        projects = projects.filter(
            pk__in=Membership.objects.filter(user_id=filters.pm_id, role=Role.PM).values(
                "project_id"
            )
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


def _rate_aggregates(sent: Q | None) -> dict[str, Any]:
    invited = Count("pk", filter=_both(sent, Q(sent_at__isnull=False)))
    answered = Count("pk", filter=_both(sent, Q(responded_at__isnull=False)))
    return {
        "invited": invited,
        "answered": answered,
        "response_rate": Round(Cast(answered, FloatField()) * 100.0 / NullIf(invited, 0), 1),
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


def _grouped(user: User, filters: DashboardFilters, *keys: str) -> QuerySet[Any]:
    sent, answered = _periods(filters)
    return cast(
        QuerySet[Any],
        _invitations(user, filters)
        .values(*keys)
        .annotate(**_score_aggregates("response__", answered), **_rate_aggregates(sent)),
    )


def satisfaction_totals(*, user: User, filters: DashboardFilters) -> dict[str, Any]:
    sent, answered = _periods(filters)
    totals = _invitations(user, filters).aggregate(
        **_score_aggregates("response__", answered), **_rate_aggregates(sent)
    )
    totals["open_follow_ups"] = DetractorFollowUp.objects.filter(
        project__in=_scoped_projects(user, filters), status=DetractorFollowUp.Status.OPEN
    ).count()
    return totals


def satisfaction_by_client(*, user: User, filters: DashboardFilters) -> list[dict[str, Any]]:
    return list(
        _grouped(user, filters, "campaign__project__client_id", "campaign__project__client__name")
        .annotate(client_id=F("campaign__project__client_id"))
        .order_by("campaign__project__client__name")
    )


def satisfaction_by_project(*, user: User, filters: DashboardFilters) -> list[dict[str, Any]]:
    return list(
        _grouped(
            user,
            filters,
            "campaign__project_id",
            "campaign__project__name",
            "campaign__project__code",
            "campaign__project__client__name",
        ).order_by("campaign__project__client__name", "campaign__project__name")
    )


def satisfaction_by_pm(*, user: User, filters: DashboardFilters) -> list[dict[str, Any]]:
    """Each PM's projects' figures (a project with two PMs counts for both)."""
    sent, answered = _periods(filters)
    return list(
        _invitations(user, filters)
        .filter(campaign__project__memberships__role=Role.PM)
        .values(
            "campaign__project__memberships__user_id",
            "campaign__project__memberships__user__display_name",
        )
        .annotate(**_score_aggregates("response__", answered), **_rate_aggregates(sent))
        .order_by("campaign__project__memberships__user__display_name")
    )


def _responses(user: User, filters: DashboardFilters) -> QuerySet[SurveyResponse]:
    return SurveyResponse.objects.filter(
        project__in=_scoped_projects(user, filters),
        submitted_at__gte=filters.start_at,
        submitted_at__lt=filters.end_at,
    )


def _scored(responses: QuerySet[SurveyResponse]) -> QuerySet[SurveyResponse]:
    return responses.alias(score_nps=F("nps"), score_csat=F("csat"))


def satisfaction_trend(
    *, user: User, filters: DashboardFilters, by: str = "month"
) -> list[dict[str, Any]]:
    """NPS, CSAT and the number of responses per month (or quarter) of the period, in the
    current time zone."""
    trunc = TruncQuarter if by == "quarter" else TruncMonth
    return list(
        _scored(_responses(user, filters))
        .annotate(bucket=trunc("submitted_at"))
        .values("bucket")
        .annotate(**_score_aggregates("score_", None))
        .order_by("bucket")
    )


def response_rate_trend(
    *, user: User, filters: DashboardFilters, by: str = "month"
) -> list[dict[str, Any]]:
    trunc = TruncQuarter if by == "quarter" else TruncMonth
    return list(
        SurveyInvitation.objects.filter(
            campaign__project__in=_scoped_projects(user, filters),
            sent_at__gte=filters.start_at,
            sent_at__lt=filters.end_at,
        )
        .annotate(bucket=trunc("sent_at"))
        .values("bucket")
        .annotate(**_rate_aggregates(None))
        .order_by("bucket")
    )


def client_health_trend(*, user: User, filters: DashboardFilters) -> list[dict[str, Any]]:
    """NPS and CSAT per client and quarter: each client's satisfaction over time."""
    return list(
        _scored(_responses(user, filters))
        .annotate(bucket=TruncQuarter("submitted_at"))
        .values("client_id", "client__name", "bucket")
        .annotate(**_score_aggregates("score_", None))
        .order_by("client__name", "bucket")
    )


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


def topic_ratings(*, user: User, filters: DashboardFilters) -> list[dict[str, Any]]:
    """The mean rating (1-5) and number of answers of each topic."""
    return list(
        SurveyAnswer.objects.filter(
            response__in=_responses(user, filters),
            question__kind=QuestionKind.TOPIC_RATING,
            rating__isnull=False,
        )
        .values("question__topic")
        .annotate(mean=Round(Avg("rating", output_field=FloatField()), 2), answers=Count("pk"))
        .order_by("question__topic")
    )


def open_follow_ups(*, user: User, filters: DashboardFilters, limit: int = 50) -> list[Any]:
    """Detractors awaiting follow-up (whatever the period: they wait until closed), oldest
    first."""
    return list(
        DetractorFollowUp.objects.filter(
            project__in=_scoped_projects(user, filters), status=DetractorFollowUp.Status.OPEN
        )
        .select_related("project__client", "owner", "response__respondent")
        .order_by("opened_at", "pk")[:limit]
    )


def dashboard_clients_for(*, user: User) -> QuerySet[Organization]:
    return Organization.objects.filter(
        pk__in=satisfaction_projects_for(user=user).values("client_id")
    ).order_by("name")


def dashboard_pms_for(*, user: User) -> list[tuple[int, str]]:
    return list(
        Membership.objects.filter(role=Role.PM, project__in=satisfaction_projects_for(user=user))
        .values_list("user_id", "user__display_name")
        .distinct()
        .order_by("user__display_name", "user_id")
    )
