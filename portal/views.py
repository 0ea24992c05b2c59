from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.mixins import PortalPageMixin, ProjectPageMixin
from config.errors import ApplicationError, add_form_error
from projects.forms import AcceptanceDecisionForm
from projects.models import Deliverable
from projects.permissions import can_accept_deliverable
from projects.selectors import (
    deliverable_get_for,
    deliverable_rounds,
    deliverables_awaiting_decision_for,
    membership_list_for,
    milestone_list_for,
    project_list_for,
)
from projects.services.deliverables import FailedCriterion, deliverable_accept, deliverable_reject
from projects.views import MembersViewMixin, TimelineViewMixin


class PortalHomeView(PortalPageMixin, TemplateView):
    """What needs my decision first, then my projects."""

    template_name = "portal/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["decisions"] = deliverables_awaiting_decision_for(user=self.request.user)
        context["projects"] = project_list_for(user=self.request.user)
        return context


class PortalProjectListView(PortalPageMixin, TemplateView):
    template_name = "portal/project_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["projects"] = project_list_for(user=self.request.user)
        return context


class PortalProjectDetailView(PortalPageMixin, ProjectPageMixin, TemplateView):
    template_name = "portal/project_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["memberships"] = membership_list_for(user=self.request.user, project=self.project)
        context["milestones"] = milestone_list_for(user=self.request.user, project=self.project)
        return context


class PortalProjectMembersView(PortalPageMixin, MembersViewMixin, TemplateView):
    template_name = "portal/project_members.html"
    members_url_name = "portal:project_members"


class PortalDeliverableView(PortalPageMixin, ProjectPageMixin, TemplateView):
    """A deliverable as the client sees it: criteria, the rounds so far, and for a client admin
    or customer representative the accept / reject form while it awaits their answer."""

    template_name = "portal/deliverable.html"

    def get_deliverable(self) -> Deliverable:
        return deliverable_get_for(
            user=self.request.user,
            project=self.project,
            deliverable_id=self.kwargs["deliverable_id"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        deliverable = kwargs.get("deliverable") or self.get_deliverable()
        criteria = list(deliverable.criteria.all())
        may_decide = (
            can_accept_deliverable(self.request.user, self.project)
            and deliverable.status == Deliverable.Status.SUBMITTED
        )
        context.update(
            deliverable=deliverable,
            rounds=deliverable_rounds(deliverable=deliverable),
            may_decide=may_decide,
            open_round=deliverable.rounds.filter(decision="").first() if may_decide else None,
            decision_form=kwargs.get("decision_form") or AcceptanceDecisionForm(criteria=criteria),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        deliverable = self.get_deliverable()
        form = AcceptanceDecisionForm(request.POST, criteria=list(deliverable.criteria.all()))
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == "accept":
                    deliverable_accept(
                        actor=request.user,
                        deliverable=deliverable,
                        comment=form.cleaned_data["comment"],
                    )
                    messages.success(request, _("Thank you: the deliverable is accepted."))
                else:
                    deliverable_reject(
                        actor=request.user,
                        deliverable=deliverable,
                        failed=[
                            FailedCriterion(criterion_id=pk, reason=reason)
                            for pk, reason in form.failed_criteria()
                        ],
                        comment=form.cleaned_data["comment"],
                    )
                    messages.success(request, _("The team has your reasons and will resubmit."))
            except ApplicationError as error:
                add_form_error(form, error)
            else:
                return redirect(
                    "portal:deliverable", project_id=self.project.pk, deliverable_id=deliverable.pk
                )
        return self.render_to_response(
            self.get_context_data(deliverable=deliverable, decision_form=form), status=400
        )


class PortalTimelineView(PortalPageMixin, TimelineViewMixin, TemplateView):
    """The client-visible milestones and tasks on a Gantt chart, with the same as a table."""

    template_name = "portal/timeline.html"
