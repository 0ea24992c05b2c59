"""The baselines of a project: the list, one compared with another or with the current plan, and
the PM's button that sets the first (projects.services.baselines)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from common.pages import run_form
from common.text import SHORT_TEXT_MAX_LENGTH
from projects.mixins import ProjectPageMixin
from projects.permissions import can_edit_plan
from projects.selectors.baselines import (
    baseline_comparison_for,
    baseline_list_for,
    sees_budget,
)
from projects.services.baselines import baseline_set_first

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Baseline


class BaselineSetForm(forms.Form):
    source = forms.TypedChoiceField(
        label=gettext_lazy("Which plan"),
        choices=[
            ("current", gettext_lazy("The current plan")),
            (
                "created",
                gettext_lazy("The dates the project and its items were created with"),
            ),
        ],
        coerce=lambda value: value == "current",
        initial="current",
        help_text=gettext_lazy(
            "The dates at creation keep what has slipped since; the current plan accepts it."
        ),
    )
    reason = forms.CharField(
        label=gettext_lazy("What this plan is"),
        required=False,
        max_length=SHORT_TEXT_MAX_LENGTH,
        help_text=gettext_lazy("Such as: the plan signed with the statement of work."),
    )


def _number(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


class BaselinesViewMixin(ProjectPageMixin):
    """Every baseline, newest first, and a comparison: ?from=<number> against ?to=<number>.
    Without either, the newest baseline against the current plan; with ?to=N alone, baseline N
    against the one before it."""

    request: HttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = cast("User", self.request.user)  # signed in: the side's login mixin runs first
        baselines = list(baseline_list_for(user=user, project=self.project))
        by_number: dict[int, Baseline] = {b.number: b for b in baselines}
        left = by_number.get(_number(self.request.GET.get("from")) or 0)
        right = by_number.get(_number(self.request.GET.get("to")) or 0)
        if left is None and right is not None:
            # ?to=N alone: what baseline N changed from the one before it.
            left = by_number.get(right.number - 1)
            if left is None:
                left, right = right, None
        elif left is None and baselines:
            left = baselines[0]
        if left is not None and right is not None and right.number <= left.number:
            left, right = right, left
        if left is not None and right is left:
            right = None
        context.update(
            baselines=baselines,
            sees_budget=sees_budget(user, self.project),
            comparison=(
                baseline_comparison_for(user=user, project=self.project, left=left, right=right)
                if left is not None
                else None
            ),
        )
        return context


class BaselinesView(StaffPageMixin, BaselinesViewMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "projects/baselines.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if can_edit_plan(self.request.user, self.project) and not context["baselines"]:
            context.setdefault("set_form", BaselineSetForm())
        return context


class BaselineSetView(BaselinesView):
    """POST, the PM: save the current plan as the first baseline."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_edit_plan(request.user, self.project):
            raise PermissionDenied
        form = BaselineSetForm(request.POST)
        if run_form(
            form,
            lambda data: baseline_set_first(
                actor=request.user,
                project=self.project,
                reason=data["reason"],
                from_current_plan=data["source"],
            ),
        ):
            messages.success(request, _("Baseline set: health and slippage compare against it."))
            return self.back()
        return self.render_to_response(self.get_context_data(set_form=form), status=400)

    def back(self) -> HttpResponseRedirect:
        return redirect("projects:baselines", project_id=self.project.pk)
