"""Survey templates (staff who keep them): the list, one template's questions, and its actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.errors import NotFound
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_action, run_form
from feedback.forms.surveys import (
    QuestionForm,
    TemplateCopyForm,
    TemplateForm,
)
from feedback.models import SurveyTemplate
from feedback.selectors.surveys import (
    survey_template_get,
    survey_template_list,
)
from feedback.services.survey_templates import (
    survey_question_add,
    survey_question_delete,
    survey_template_archive,
    survey_template_copy,
    survey_template_create,
    survey_template_set_default,
)


class TemplateListView(StaffPageMixin, PermissionRequiredMixin, TemplateView):
    request: AuthenticatedHttpRequest

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

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TemplateForm(request.POST)
        if done := run_form(form, lambda data: survey_template_create(actor=request.user, **data)):
            messages.success(request, _("Template created. Add its questions."))
            return redirect("feedback:survey_template", template_id=done.value.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class TemplateListExportView(StaffPageMixin, PermissionRequiredMixin, ExportFormatMixin, View):
    """The survey templates as CSV or Excel, as the list shows them (not the archived ones)."""

    request: AuthenticatedHttpRequest

    permission_required = "feedback.manage_survey_templates"

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        headers = [_("Name"), _("Description"), _("Default"), _("Questions"), _("Campaigns")]
        rows = (
            [
                template.name,
                template.description,
                template.is_default,
                template.question_count,  # type: ignore[attr-defined]
                template.campaign_count,  # type: ignore[attr-defined]
            ]
            for template in survey_template_list()
        )
        return self.export(
            Table(title=_("Survey templates"), headers=headers, rows=rows),
            name="survey-templates",
            day=local_day(),
        )


class TemplateDetailView(StaffPageMixin, PermissionRequiredMixin, TemplateView):
    """A template's questions; while it was never sent: add and remove questions."""

    request: AuthenticatedHttpRequest

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


class TemplateActionView(TemplateDetailView):
    """POST only: one action of the template page."""

    http_method_names = ["post"]

    def get_template(self) -> SurveyTemplate:
        return survey_template_get(template_id=self.kwargs["template_id"])

    def back(self, template: SurveyTemplate) -> HttpResponse:
        return redirect("feedback:survey_template", template_id=template.pk)


class QuestionAddView(TemplateActionView):
    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        template = self.get_template()
        form = QuestionForm(request.POST)
        if run_form(
            form, lambda data: survey_question_add(actor=request.user, template=template, **data)
        ):
            messages.success(request, _("Question added."))
            return self.back(template)
        return self.render_to_response(self.get_context_data(question_form=form), status=400)


class QuestionDeleteView(TemplateActionView):
    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        template = self.get_template()
        question_id = request.POST.get("question", "")
        question = (
            template.questions.filter(pk=int(question_id)).first()
            if question_id.isdigit()
            else None
        )
        if question is None:
            raise NotFound()
        run_action(
            request,
            lambda: survey_question_delete(actor=request.user, question=question),
            success=_("Question removed."),
        )
        return self.back(template)


class TemplateCopyView(TemplateActionView):
    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        template = self.get_template()
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
        return self.back(template)


class TemplateSetDefaultView(TemplateActionView):
    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        template = self.get_template()
        run_action(
            request,
            lambda: survey_template_set_default(actor=request.user, template=template),
            success=_("This is now the default template."),
        )
        return self.back(template)


class TemplateArchiveView(TemplateActionView):
    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        template = self.get_template()
        if run_action(
            request,
            lambda: survey_template_archive(actor=request.user, template=template),
            success=_("Template archived."),
        ):
            return redirect("feedback:survey_templates")
        return self.back(template)
