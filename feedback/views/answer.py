"""The public answer page behind the tokenised link, unsubscribing, and the portal's
"my surveys"."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin
from common.errors import ApplicationError
from feedback.forms.surveys import (
    answer_fields,
)
from feedback.models import Campaign, SurveyInvitation
from feedback.selectors.surveys import (
    my_invitations_for,
)
from feedback.services.responses import (
    SurveyErrors,
    invitation_record_open,
    invitation_unsubscribe,
    response_submit,
)
from feedback.tokens import LinkProblem, invitation_check_token, invitation_token

# --- The public answer page ----------------------------------------------------------------------


def _refusal(
    request: HttpRequest, invitation: SurveyInvitation | None, reason: str
) -> HttpResponse:
    """A clear page saying why the link cannot be used, in the recipient's language when the
    link names them (a tampered link names nobody: the visitor's language then)."""
    language = invitation.language if invitation else translation.get_language()
    status = 400 if reason == "tampered" else 410
    with translation.override(language):
        return render(
            request,
            "feedback/surveys/answer_refused.html",
            {"reason": reason, "invitation": invitation, "language": language},
            status=status,
        )


class SurveyAnswerView(View):
    """The tokenised link: no login. Shows the survey in the recipient's language; answers may be
    changed until the campaign closes. Expired, tampered or closed links get a clear page."""

    def _check(self, request: HttpRequest, token: str) -> SurveyInvitation | HttpResponse:
        check = invitation_check_token(token)
        if check.problem == LinkProblem.TAMPERED or check.invitation is None:
            return _refusal(request, None, "tampered")
        invitation = check.invitation
        if invitation.sent_at is None:
            return _refusal(request, invitation, "tampered")
        campaign = invitation.campaign
        if campaign.status == Campaign.Status.CLOSED or campaign.closes_at <= timezone.now():
            answered = SurveyInvitation.objects.filter(
                pk=invitation.pk, responded_at__isnull=False
            ).exists()
            return _refusal(request, invitation, "answered_closed" if answered else "closed")
        if check.problem == LinkProblem.EXPIRED:
            return _refusal(request, invitation, "expired")
        return invitation

    def _render(
        self,
        request: HttpRequest,
        invitation: SurveyInvitation,
        token: str,
        *,
        values: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        campaign = invitation.campaign
        questions = list(campaign.template.questions.order_by("position"))
        response = getattr(invitation, "response", None) if invitation.responded_at else None
        if values is None:
            values = {}
            if response is not None:
                for answer in response.answers.all():
                    key = f"q{answer.question_id}"
                    if answer.rating is not None:
                        values[key] = [str(answer.rating)]
                    elif answer.choices:
                        values[key] = [str(index) for index in answer.choices]
                    else:
                        values[key] = [answer.text]
        with translation.override(invitation.language):
            fields = answer_fields(questions, invitation.language)
            for item in fields:
                item["values"] = values.get(item["name"], [])
                item["error"] = (errors or {}).get(item["name"], "")
            return render(
                request,
                "feedback/surveys/answer.html",
                {
                    "invitation": invitation,
                    "campaign": campaign,
                    "project": campaign.project,
                    "fields": fields,
                    "token": token,
                    "response": response,
                    "errors": errors or {},
                    "language": invitation.language,
                },
                status=status,
            )

    def get(self, request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
        checked = self._check(request, token)
        if isinstance(checked, HttpResponse):
            return checked
        invitation_record_open(invitation=checked)
        return self._render(request, checked, token)

    def post(self, request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
        checked = self._check(request, token)
        if isinstance(checked, HttpResponse):
            return checked
        invitation = checked
        questions = list(invitation.campaign.template.questions.order_by("position"))
        raw = {f"q{q.pk}": request.POST.getlist(f"q{q.pk}") for q in questions}
        values: dict[int, Any] = {}
        for question in questions:
            posted = raw[f"q{question.pk}"]
            values[question.pk] = (
                posted if question.kind == "multiple_choice" else (posted[0] if posted else None)
            )
        try:
            response_submit(invitation=invitation, values=values)
        except SurveyErrors as error:
            return self._render(
                request, invitation, token, values=raw, errors=error.errors, status=400
            )
        except ApplicationError as error:
            errors = {error.field or "form": str(error.message)}
            return self._render(request, invitation, token, values=raw, errors=errors, status=400)
        invitation.refresh_from_db()
        with translation.override(invitation.language):
            return render(
                request,
                "feedback/surveys/answer_thanks.html",
                {"invitation": invitation, "campaign": invitation.campaign, "token": token},
            )


class SurveyUnsubscribeView(View):
    """From the survey link: never be surveyed again (a confirmation page, then a POST)."""

    def _invitation(self, request: HttpRequest, token: str) -> SurveyInvitation | HttpResponse:
        check = invitation_check_token(token)
        if check.invitation is None or check.invitation.sent_at is None:
            return _refusal(request, None, "tampered")
        return check.invitation

    def get(self, request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
        invitation = self._invitation(request, token)
        if isinstance(invitation, HttpResponse):
            return invitation
        with translation.override(invitation.language):
            return render(
                request,
                "feedback/surveys/unsubscribe.html",
                {"invitation": invitation, "token": token, "done": False},
            )

    def post(self, request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
        invitation = self._invitation(request, token)
        if isinstance(invitation, HttpResponse):
            return invitation
        invitation_unsubscribe(invitation=invitation)
        with translation.override(invitation.language):
            return render(
                request,
                "feedback/surveys/unsubscribe.html",
                {"invitation": invitation, "token": token, "done": True},
            )


# --- Portal --------------------------------------------------------------------------------------


class PortalSurveysView(PortalPageMixin, TemplateView):
    """The client user's own surveys: open ones to answer (or change), then past ones."""

    request: AuthenticatedHttpRequest

    template_name = "feedback/surveys/portal_surveys.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        rows = []
        for invitation in my_invitations_for(user=self.request.user)[:100]:
            campaign = invitation.campaign
            is_open = campaign.status == Campaign.Status.OPEN and campaign.closes_at > now
            rows.append(
                {
                    "invitation": invitation,
                    "is_open": is_open,
                    "token": invitation_token(invitation) if is_open else "",
                }
            )
        context["rows"] = rows
        return context
