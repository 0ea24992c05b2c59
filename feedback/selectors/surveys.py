"""Reads for surveys, scoped to what the user may see: templates, a project's campaigns,
invitations and automations, responses, detractor follow-ups, and a client's own surveys.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from common.errors import NotFound
from feedback.models import (
    Campaign,
    DetractorFollowUp,
    SurveyAnswer,
    SurveyAutomation,
    SurveyInvitation,
    SurveyResponse,
    SurveyTemplate,
)
from feedback.permissions import can_read_survey_results
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


def open_invitations_for(*, user: User, now: datetime | None = None) -> QuerySet[SurveyInvitation]:
    """The surveys `user` was sent and may still answer (or change) at `now` (the present when
    left out), oldest first: what the portal lists under "what needs my decision" and "my
    surveys"."""
    if not user.is_authenticated or not user.is_active or not user.is_client_user:
        return SurveyInvitation.objects.none()
    return (
        SurveyInvitation.objects.filter(
            person=user,
            sent_at__isnull=False,
            campaign__status=Campaign.Status.OPEN,
            campaign__closes_at__gt=now or timezone.now(),
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
