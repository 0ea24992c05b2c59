"""Survey pages: templates (staff), a project's campaigns and automations, a campaign's
invitations, responses and detractor follow-ups (the project's PM and AM), the public answer
page behind the tokenised link, and the portal's "my surveys"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.mixins import PortalPageMixin, StaffPageMixin
from common.errors import ApplicationError, NotFound
from common.pages import run_action, run_form
from feedback.models import Campaign, SurveyInvitation
from feedback.surveys.forms import (
    AutomationForm,
    CampaignForm,
    FollowUpCloseForm,
    QuestionForm,
    TemplateCopyForm,
    TemplateForm,
    answer_fields,
)
from feedback.surveys.permissions import can_close_follow_up, can_manage_surveys
from feedback.surveys.selectors import (
    automation_list_for,
    campaign_get_for,
    campaign_list_for,
    follow_up_get_for,
    invitation_list_for,
    my_invitations_for,
    response_get_for,
    response_list_for,
    survey_template_get,
    survey_template_list,
)
from feedback.surveys.services import (
    SurveyErrors,
    automation_create,
    automation_stop,
    campaign_close,
    campaign_create,
    follow_up_close,
    invitation_record_open,
    invitation_unsubscribe,
    response_submit,
    survey_question_add,
    survey_question_delete,
    survey_template_archive,
    survey_template_copy,
    survey_template_create,
    survey_template_set_default,
)
from feedback.surveys.tokens import LinkProblem, invitation_check_token, invitation_token
from projects.mixins import ProjectPageMixin

PAGE_SIZE = 25

# --- Templates -----------------------------------------------------------------------------------


class TemplateListView(StaffPageMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "feedback.manage_survey_templates"
    template_name = "feedback/surveys/template_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            nav="satisfaction",
            templates=survey_template_list(),
            form=kwargs.get("form") or TemplateForm(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TemplateForm(request.POST)
        if done := run_form(form, lambda data: survey_template_create(actor=request.user, **data)):
            messages.success(request, _("Template created. Add its questions."))
            return redirect("feedback:survey_template", template_id=done.value.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TemplateDetailView(StaffPageMixin, PermissionRequiredMixin, TemplateView):
    """A template's questions; while it was never sent: add and remove questions."""

    permission_required = "feedback.manage_survey_templates"
    template_name = "feedback/surveys/template_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        template = survey_template_get(template_id=self.kwargs["template_id"])
        context.update(
            nav="satisfaction",
            template=template,
            questions=list(template.questions.all()),
            is_frozen=template.campaigns.exists(),
            question_form=kwargs.get("question_form") or QuestionForm(),
            copy_form=kwargs.get("copy_form")
            or TemplateCopyForm(initial={"name": _("%(name)s (copy)") % {"name": template.name}}),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        template = survey_template_get(template_id=kwargs["template_id"])
        action = request.POST.get("action", "")
        here = redirect("feedback:survey_template", template_id=template.pk)
        if action == "add_question":
            form = QuestionForm(request.POST)
            if run_form(
                form,
                lambda data: survey_question_add(actor=request.user, template=template, **data),
            ):
                messages.success(request, _("Question added."))
                return here
            return self.render_to_response(self.get_context_data(question_form=form), status=400)
        if action == "delete_question":
            question = template.questions.filter(pk=request.POST.get("question")).first()
            if question is None:
                raise NotFound()
            run_action(
                request,
                lambda: survey_question_delete(actor=request.user, question=question),
                success=_("Question removed."),
            )
            return here
        if action == "copy":
            form = TemplateCopyForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(copy_form=form), status=400)
            if done := run_action(
                request,
                lambda: survey_template_copy(
                    actor=request.user, template=template, name=form.cleaned_data["name"]
                ),
                success=_("Template copied."),
            ):
                return redirect("feedback:survey_template", template_id=done.value.pk)
            return here
        if action == "default":
            run_action(
                request,
                lambda: survey_template_set_default(actor=request.user, template=template),
                success=_("This is now the default template."),
            )
            return here
        if action == "archive":
            if run_action(
                request,
                lambda: survey_template_archive(actor=request.user, template=template),
                success=_("Template archived."),
            ):
                return redirect("feedback:survey_templates")
            return here
        messages.error(request, _("Unknown action."))
        return here


# --- A project's surveys ------------------------------------------------------------------------


class ProjectSurveysView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The project's campaigns and automations; the PM and AM send and automate."""

    project_permission = "feedback.read_survey_results"
    template_name = "feedback/surveys/project_surveys.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            campaigns=campaign_list_for(user=user, project=self.project),
            automations=automation_list_for(user=user, project=self.project),
            may_manage=can_manage_surveys(user, self.project),
            campaign_form=kwargs.get("campaign_form") or CampaignForm(),
            automation_form=kwargs.get("automation_form") or AutomationForm(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        action = request.POST.get("action", "")
        here = redirect("feedback:project_surveys", project_id=self.project.pk)
        if action == "campaign":
            form = CampaignForm(request.POST)
            if done := run_form(
                form,
                lambda data: campaign_create(actor=request.user, project=self.project, **data),
            ):
                if done.value.opens_at <= timezone.now():
                    messages.success(request, _("The survey is being sent."))
                else:
                    messages.success(request, _("The survey is scheduled."))
                return here
            return self.render_to_response(self.get_context_data(campaign_form=form), status=400)
        if action == "automation":
            form = AutomationForm(request.POST)
            if run_form(
                form,
                lambda data: automation_create(actor=request.user, project=self.project, **data),
            ):
                messages.success(request, _("Automation saved."))
                return here
            return self.render_to_response(self.get_context_data(automation_form=form), status=400)
        if action == "stop_automation":
            automation = (
                automation_list_for(user=request.user, project=self.project)
                .filter(pk=request.POST.get("automation"))
                .first()
            )
            if automation is None:
                raise NotFound()
            run_action(
                request,
                lambda: automation_stop(actor=request.user, automation=automation),
                success=_("Automation stopped."),
            )
            return here
        messages.error(request, _("Unknown action."))
        return here


class CampaignDetailView(StaffPageMixin, ProjectPageMixin, TemplateView):
    project_permission = "feedback.read_survey_results"
    template_name = "feedback/surveys/campaign_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        campaign = campaign_get_for(
            user=user, project=self.project, campaign_id=self.kwargs["campaign_id"]
        )
        context.update(
            campaign=campaign,
            invitations=invitation_list_for(user=user, campaign=campaign),
            may_manage=can_manage_surveys(user, self.project),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        campaign = campaign_get_for(
            user=request.user, project=self.project, campaign_id=kwargs["campaign_id"]
        )
        run_action(
            request,
            lambda: campaign_close(actor=request.user, campaign=campaign),
            success=_("The survey is closed."),
        )
        return redirect("feedback:campaign", project_id=self.project.pk, campaign_id=campaign.pk)


class ProjectResponsesView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The dashboard's last drill-down: a project's individual responses, newest first."""

    project_permission = "feedback.read_survey_results"
    template_name = "feedback/surveys/project_responses.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        responses = response_list_for(user=self.request.user, project=self.project)
        page = Paginator(responses, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(nav="satisfaction", page=page, responses=page.object_list)
        return context


class ResponseDetailView(StaffPageMixin, TemplateView):
    template_name = "feedback/surveys/response_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        response = response_get_for(user=self.request.user, response_id=self.kwargs["response_id"])
        context.update(nav="satisfaction", response=response, project=response.project)
        return context


class FollowUpView(StaffPageMixin, TemplateView):
    """A detractor's response and its follow-up; the AM (or PM) closes it with a note."""

    template_name = "feedback/surveys/follow_up.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        follow_up = kwargs.get("follow_up") or follow_up_get_for(
            user=self.request.user, follow_up_id=self.kwargs["follow_up_id"]
        )
        response = response_get_for(user=self.request.user, response_id=follow_up.response_id)
        context.update(
            nav="satisfaction",
            follow_up=follow_up,
            response=response,
            may_close=can_close_follow_up(self.request.user, follow_up),
            form=kwargs.get("form") or FollowUpCloseForm(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        follow_up = follow_up_get_for(user=request.user, follow_up_id=kwargs["follow_up_id"])
        form = FollowUpCloseForm(request.POST)
        if run_form(
            form, lambda data: follow_up_close(actor=request.user, follow_up=follow_up, **data)
        ):
            messages.success(request, _("Follow-up closed."))
            return redirect("feedback:follow_up", follow_up_id=follow_up.pk)
        context = self.get_context_data(follow_up=follow_up, form=form)
        return self.render_to_response(context, status=400)


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

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        checked = self._check(request, token)
        if isinstance(checked, HttpResponse):
            return checked
        invitation_record_open(invitation=checked)
        return self._render(request, checked, token)

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
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

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        invitation = self._invitation(request, token)
        if isinstance(invitation, HttpResponse):
            return invitation
        with translation.override(invitation.language):
            return render(
                request,
                "feedback/surveys/unsubscribe.html",
                {"invitation": invitation, "token": token, "done": False},
            )

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
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
