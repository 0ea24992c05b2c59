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
from typing import TYPE_CHECKING, Any

from django.db.models import (
    Avg,
    Count,
    F,
    FloatField,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast, NullIf, Round, TruncMonth, TruncQuarter
from django.utils import timezone

from accounts.models import Organization
from common.errors import NotFound
from feedback.models import (
    Campaign,
    DetractorFollowUp,
    QuestionKind,
    SurveyAnswer,
    SurveyAutomation,
    SurveyInvitation,
    SurveyResponse,
    SurveyTemplate,
)
from feedback.surveys.permissions import can_read_survey_results
from projects.models import Membership, Project, Role

if TYPE_CHECKING:
    from accounts.models import User


# --- Scope ----------------------------------------------------------------------------------------


def satisfaction_projects_for(*, user: User) -> QuerySet[Project]:
    """The projects whose satisfaction `user` follows: as PM or AM; all for a staff admin."""
    if not user.is_authenticated or not user.is_active:
        return Project.objects.none()
    if user.is_staff_admin:
        return Project.objects.all()
    return Project.objects.filter(
        pk__in=Membership.objects.filter(user=user, role__in=[Role.PM, Role.AM]).values(
            "project_id"
        )
    )


def survey_template_list(*, include_archived: bool = False) -> QuerySet[SurveyTemplate]:
    templates = SurveyTemplate.objects.annotate(
        question_count=Count("questions", distinct=True),
        campaign_count=Count("campaigns", distinct=True),
    )
    if not include_archived:
        templates = templates.filter(is_archived=False)
    return templates.order_by("-is_default", "name", "pk")


def survey_template_get(*, template_id: int) -> SurveyTemplate:
    template = SurveyTemplate.objects.prefetch_related("questions").filter(pk=template_id).first()
    if template is None:
        raise NotFound()
    return template


def campaign_list_for(*, user: User, project: Project) -> QuerySet[Campaign]:
    """The project's campaigns with their invitation and response counts (PM, AM, admins)."""
    if not can_read_survey_results(user, project):
        return Campaign.objects.none()
    return (
        Campaign.objects.filter(project=project)
        .select_related("template", "deliverable")
        .annotate(
            invited=Count("invitations", filter=Q(invitations__sent_at__isnull=False)),
            answered=Count("invitations", filter=Q(invitations__responded_at__isnull=False)),
            skipped=Count("invitations", filter=~Q(invitations__skipped_reason="")),
        )
        .order_by("-opens_at", "-pk")
    )


def campaign_get_for(*, user: User, project: Project, campaign_id: int) -> Campaign:
    campaign = campaign_list_for(user=user, project=project).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound()
    return campaign


def invitation_list_for(*, user: User, campaign: Campaign) -> QuerySet[SurveyInvitation]:
    if not can_read_survey_results(user, campaign.project):
        return SurveyInvitation.objects.none()
    return (
        SurveyInvitation.objects.filter(campaign=campaign)
        .select_related("person", "response")
        .order_by("person__display_name", "pk")
    )


def automation_list_for(*, user: User, project: Project) -> QuerySet[SurveyAutomation]:
    if not can_read_survey_results(user, project):
        return SurveyAutomation.objects.none()
    return (
        SurveyAutomation.objects.filter(project=project, is_active=True)
        .select_related("template")
        .order_by("trigger", "pk")
    )


def _with_answers(responses: QuerySet[SurveyResponse]) -> QuerySet[SurveyResponse]:
    return responses.select_related(
        "project__client", "respondent", "campaign", "follow_up"
    ).prefetch_related(
        Prefetch(
            "answers",
            queryset=SurveyAnswer.objects.select_related("question").order_by("question__position"),
        )
    )


def response_list_for(*, user: User, project: Project | None = None) -> QuerySet[SurveyResponse]:
    """Responses the user may read: the PM's and AM's projects (all for a staff admin); a client
    user only their own responses, never a colleague's nor another client's."""
    if not user.is_authenticated or not user.is_active:
        return SurveyResponse.objects.none()
    if user.is_client_user:
        responses = SurveyResponse.objects.filter(respondent=user)
    else:
        responses = SurveyResponse.objects.filter(project__in=satisfaction_projects_for(user=user))
    if project is not None:
        responses = responses.filter(project=project)
    return _with_answers(responses).order_by("-submitted_at", "-pk")


def response_get_for(*, user: User, response_id: int) -> SurveyResponse:
    response = response_list_for(user=user).filter(pk=response_id).first()
    if response is None:
        raise NotFound()
    return response


def follow_up_list_for(*, user: User, status: str | None = None) -> QuerySet[DetractorFollowUp]:
    """Follow-ups of the user's projects (PM, AM; all for a staff admin). Never for clients."""
    if not user.is_authenticated or not user.is_active or user.is_client_user:
        return DetractorFollowUp.objects.none()
    follow_ups = DetractorFollowUp.objects.filter(project__in=satisfaction_projects_for(user=user))
    if status:
        follow_ups = follow_ups.filter(status=status)
    return follow_ups.select_related(
        "project__client", "owner", "closed_by", "response__respondent"
    ).order_by("status", "opened_at", "pk")


def follow_up_get_for(*, user: User, follow_up_id: int) -> DetractorFollowUp:
    follow_up = follow_up_list_for(user=user).filter(pk=follow_up_id).first()
    if follow_up is None:
        raise NotFound()
    return follow_up


# --- The portal: my surveys -------------------------------------------------------------------


def open_invitations_for(*, user: User) -> QuerySet[SurveyInvitation]:
    """The surveys `user` was sent and may still answer (or change), oldest first: what the
    portal lists under "what needs my decision" and "my surveys"."""
    if not user.is_authenticated or not user.is_active or not user.is_client_user:
        return SurveyInvitation.objects.none()
    return (
        SurveyInvitation.objects.filter(
            person=user,
            sent_at__isnull=False,
            campaign__status=Campaign.Status.OPEN,
            campaign__closes_at__gt=timezone.now(),
            campaign__project__memberships__user=user,
        )
        .select_related("campaign__project", "response")
        .order_by("campaign__closes_at", "pk")
    )


def my_invitations_for(*, user: User) -> QuerySet[SurveyInvitation]:
    """Every survey the client user was sent, newest first (their own only)."""
    if not user.is_authenticated or not user.is_active or not user.is_client_user:
        return SurveyInvitation.objects.none()
    return (
        SurveyInvitation.objects.filter(person=user, sent_at__isnull=False)
        .select_related("campaign__project", "response")
        .order_by("-sent_at", "-pk")
    )


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
    return (
        _invitations(user, filters)
        .values(*keys)
        .annotate(**_score_aggregates("response__", answered), **_rate_aggregates(sent))
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
