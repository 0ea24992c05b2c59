"""Survey responses (the dashboard's last drill-down) and the follow-up of a detractor."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.pages import run_form
from feedback.forms.surveys import (
    FollowUpCloseForm,
)
from feedback.permissions import can_close_follow_up
from feedback.selectors.surveys import (
    follow_up_get_for,
    response_get_for,
    response_list_for,
)
from feedback.services.follow_ups import follow_up_close
from projects.mixins import ProjectPageMixin

PAGE_SIZE = 25


class ProjectResponsesView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The dashboard's last drill-down: a project's individual responses, newest first."""

    request: AuthenticatedHttpRequest

    project_permission = "feedback.read_survey_results"
    template_name = "feedback/surveys/project_responses.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        responses = response_list_for(user=self.request.user, project=self.project)
        page = Paginator(responses, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(nav="satisfaction", page=page, responses=page.object_list)
        return context


class ResponseDetailView(StaffPageMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "feedback/surveys/response_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        response = response_get_for(user=self.request.user, response_id=self.kwargs["response_id"])
        context.update(nav="satisfaction", response=response, project=response.project)
        return context


class FollowUpView(StaffPageMixin, TemplateView):
    """A detractor's response and its follow-up; the AM (or PM) closes it with a note."""

    request: AuthenticatedHttpRequest

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

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        follow_up = follow_up_get_for(user=request.user, follow_up_id=kwargs["follow_up_id"])
        form = FollowUpCloseForm(request.POST)
        if run_form(
            form, lambda data: follow_up_close(actor=request.user, follow_up=follow_up, **data)
        ):
            messages.success(request, _("Follow-up closed."))
            return redirect("feedback:follow_up", follow_up_id=follow_up.pk)
        context = self.get_context_data(follow_up=follow_up, form=form)
        return self.render_to_response(context, status=400)
