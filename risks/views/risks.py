"""A risk's staff page: its facts, assessments, actions, timeline and discussion, and one small
view per form of the page (assess, edit, change status, add a mitigation action, tick one
done)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from accounts.models import User
from common.errors import NotFound
from common.pages import run_form
from projects.mixins import ProjectPageMixin
from risks.forms.actions import ActionForm
from risks.forms.assessments import AssessForm
from risks.forms.fields import share_owner_choices
from risks.forms.register import RiskEditForm, TransitionForm
from risks.models import MitigationAction, Risk
from risks.permissions import can_manage_risk
from risks.selectors.history import risk_timeline
from risks.selectors.register import risk_get_for, risk_links_for
from risks.selectors.settings import risk_settings_of
from risks.services.actions import mitigation_action_add, mitigation_action_set_done
from risks.services.assessments import risk_assess
from risks.services.register import risk_transition, risk_update


class RiskDetailView(StaffPageMixin, ProjectPageMixin, TemplateView):
    request: AuthenticatedHttpRequest
    template_name = "risks/risk_detail.html"

    def get_risk(self) -> Risk:
        return risk_get_for(
            user=self.request.user, project=self.project, risk_id=self.kwargs["risk_id"]
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        risk = kwargs.get("risk") or self.get_risk()
        settings = risk_settings_of(self.project)
        details_form = kwargs.get("details_form") or RiskEditForm(
            project=self.project, initial=RiskEditForm.initial_of(risk)
        )
        action_form = kwargs.get("action_form") or ActionForm(project=self.project)
        # The links and the owner fields' people in one query.
        links = risk_links_for(user=user, risk=risk, with_owners=True)
        owners = [User(pk=owner.pk, display_name=owner.name) for owner in links.pop("owners")]
        share_owner_choices(self.project, details_form, action_form, owners=owners or None)
        context.update(
            risk=risk,
            settings=settings,
            links=links,
            timeline=risk_timeline(risk=risk),
            may_manage=can_manage_risk(user, risk),
            assess_form=kwargs.get("assess_form")
            or AssessForm(
                settings=settings,
                initial={
                    "probability": risk.probability,
                    "impact": risk.impact,
                    "residual_probability": risk.residual_probability,
                    "residual_impact": risk.residual_impact,
                    "next_review_date": risk.next_review_date,
                },
            ),
            details_form=details_form,
            action_form=action_form,
            transition_form=kwargs.get("transition_form") or TransitionForm(),
            today=timezone.localdate(),
        )
        return context

    def _done(self, risk: Risk, message: str) -> HttpResponse:
        messages.success(self.request, message)
        return redirect("risks:risk", project_id=self.project.pk, risk_id=risk.pk)

    def _failed(self, risk: Risk, **forms: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(risk=risk, **forms), status=400)


class RiskFormView(RiskDetailView):
    """POST only: one form of a risk's page through its service. Done, back to the risk's page
    with a message; an invalid form or a refusal shows the page again with the form's errors."""

    request: AuthenticatedHttpRequest

    http_method_names = ["post"]


class RiskAssessView(RiskFormView):
    request: AuthenticatedHttpRequest

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        risk = self.get_risk()
        form = AssessForm(request.POST, settings=risk_settings_of(self.project))
        if run_form(form, lambda data: risk_assess(actor=request.user, risk=risk, **data)):
            return self._done(risk, _("Assessment recorded."))
        return self._failed(risk, assess_form=form)


class RiskEditView(RiskFormView):
    request: AuthenticatedHttpRequest

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        risk = self.get_risk()
        form = RiskEditForm(request.POST, project=self.project)
        if run_form(form, lambda data: risk_update(actor=request.user, risk=risk, **data)):
            return self._done(risk, _("Risk updated."))
        return self._failed(risk, details_form=form)


class RiskTransitionView(RiskFormView):
    request: AuthenticatedHttpRequest

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        risk = self.get_risk()
        form = TransitionForm(request.POST)
        if run_form(form, lambda data: risk_transition(actor=request.user, risk=risk, **data)):
            return self._done(risk, _("Status changed."))
        return self._failed(risk, transition_form=form)


class ActionAddView(RiskFormView):
    request: AuthenticatedHttpRequest

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        risk = self.get_risk()
        form = ActionForm(request.POST, project=self.project)
        if run_form(
            form, lambda data: mitigation_action_add(actor=request.user, risk=risk, **data)
        ):
            return self._done(risk, _("Mitigation action added."))
        return self._failed(risk, action_form=form)


class ActionSetDoneView(RiskFormView):
    """Tick a mitigation action (`action_id`) done, or reopen it (`done=0`)."""

    request: AuthenticatedHttpRequest

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        risk = self.get_risk()
        action_id = _int(request.POST.get("action_id"))
        action = (
            MitigationAction.objects.filter(risk=risk, pk=action_id).first()
            if action_id is not None
            else None
        )
        if action is None:
            raise NotFound()
        action.risk = risk
        done = request.POST.get("done") != "0"
        mitigation_action_set_done(actor=request.user, action=action, done=done)
        return self._done(risk, _("Mitigation action updated."))


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
