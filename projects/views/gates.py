"""The gate review that moves a project to its next phase (staff side)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.pages import run_action
from projects.forms.gates import GateRequestForm
from projects.mixins import ProjectPageMixin
from projects.services import gate_checklist, phase_gate_request


class ProjectGateView(StaffPageMixin, ProjectPageMixin, View):
    """POST: the PM passes the gate of the current phase (the form is on the overview)."""

    request: AuthenticatedHttpRequest

    project_permission = "projects.request_phase_gate"
    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = GateRequestForm(request.POST, items=gate_checklist(self.project))
        if not form.is_valid():
            messages.error(request, _("The gate review could not be recorded."))
        elif done := run_action(
            request,
            lambda: phase_gate_request(
                actor=request.user,
                project=self.project,
                checked=form.cleaned_data["checked"],
                note=form.cleaned_data["note"],
            ),
        ):
            gate = done.value
            if gate.status == gate.Status.PASSED:
                messages.success(
                    request,
                    _("Gate passed: the project is now in %(phase)s.")
                    % {"phase": gate.get_to_phase_display()},
                )
            else:
                messages.success(request, _("Gate review sent to the client for approval."))
        return redirect("projects:detail", project_id=self.project.pk)
