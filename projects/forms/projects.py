"""Forms for a project itself: its settings, objectives and the PM's health override."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from common.revisions import Revisioned, RevisionFormMixin
from common.text import LONG_TEXT_MAX_LENGTH
from common.widgets import DateInput
from projects.models import BudgetVisibility, HealthStatus, Objective, Phase
from projects.services.projects import ProjectData

if TYPE_CHECKING:
    from projects.models import Project


class ProjectForm(forms.Form):
    client = forms.TypedChoiceField(label=_("Client"), coerce=int)
    code = forms.SlugField(
        label=_("Code"), max_length=32, help_text=_("A short unique code, such as NW-WMS.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    scope_statement = forms.CharField(
        label=_("Scope"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    out_of_scope = forms.CharField(
        label=_("Out of scope"),
        required=False,
        help_text=_("One item per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    start_date = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    end_date = forms.DateField(label=_("End"), required=False, widget=DateInput())
    budget = forms.DecimalField(
        label=_("Budget"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3, initial="EUR")
    budget_visibility = forms.ChoiceField(
        label=_("What the client sees of time and budget"), choices=BudgetVisibility.choices
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, max_length=500, help_text=_("Separated by commas.")
    )
    gates_need_client_approval = forms.BooleanField(
        label=_("Phase gates need the client admin's approval"), required=False
    )
    deemed_acceptance_days = forms.IntegerField(
        label=_("Deemed acceptance after (business days)"),
        required=False,
        min_value=1,
        max_value=90,
        help_text=_(
            "Leave empty unless the contract says that a deliverable without an answer counts "
            "as accepted."
        ),
    )

    def __init__(
        self, *args: object, clients: list[tuple[int, str]], editing: bool = False, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast("forms.ChoiceField", self.fields["client"]).choices = clients
        if editing:
            self.fields["client"].disabled = True
            self.fields["code"].disabled = True
            self.fields["phase"].disabled = True
            self.fields["phase"].help_text = _("The phase changes through a gate review.")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot be before the start."))
        return cleaned

    def project_data(self) -> ProjectData:
        values = self.cleaned_data
        return ProjectData(
            name=values["name"],
            code=values["code"],
            summary=values["summary"],
            phase=values["phase"],
            scope_statement=values["scope_statement"],
            out_of_scope=values["out_of_scope"],
            start_date=values["start_date"],
            end_date=values["end_date"],
            budget=values["budget"],
            currency=values["currency"],
            budget_visibility=values["budget_visibility"],
            tags=re.split(r"[,，、]", values["tags"]),
            deemed_acceptance_days=values["deemed_acceptance_days"],
            gates_need_client_approval=values["gates_need_client_approval"],
        )

    @staticmethod
    def initial_for(project: Project) -> dict[str, object]:
        return {
            "client": project.client_id,
            "code": project.code,
            "name": project.name,
            "summary": project.summary,
            "phase": project.phase,
            "scope_statement": project.scope_statement,
            "out_of_scope": project.out_of_scope,
            "start_date": project.start_date,
            "end_date": project.end_date,
            "budget": project.budget,
            "currency": project.currency,
            "budget_visibility": project.budget_visibility,
            "tags": ", ".join(project.tags),
            "deemed_acceptance_days": project.deemed_acceptance_days,
            "gates_need_client_approval": project.gates_need_client_approval,
        }


class ProjectEditForm(RevisionFormMixin, ProjectForm):
    """The project's form once it exists, with the revision it was opened at."""

    def current_value(self, name: str, current: Revisioned) -> Any:
        if name == "tags":
            return ", ".join(cast("Project", current).tags)
        return super().current_value(name, current)

    @staticmethod
    def initial_for(project: Project) -> dict[str, object]:
        return {**ProjectForm.initial_for(project), "revision": project.revision}


class ObjectiveForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=300)
    target = forms.CharField(label=_("Target"), max_length=300, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=Objective.Status.choices, initial=Objective.Status.NOT_STARTED
    )


class ObjectiveEditForm(RevisionFormMixin, ObjectiveForm):
    pass


class HealthOverrideForm(forms.Form):
    status = forms.ChoiceField(label=_("Health"), choices=HealthStatus.choices)
    reason = forms.CharField(
        label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    until = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "The override holds until the next status report, which shows it, or until this "
            "day if that comes first (14 days from today if left empty)."
        ),
    )


class TemplateSaveForm(forms.Form):
    """Save the project's plan as a template."""

    name = forms.CharField(label=_("Template name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )


class ProjectFromPlanForm(forms.Form):
    """A new project from a template or as a copy of a project: the plan comes from there, the
    client, code, name and start from here."""

    client = forms.TypedChoiceField(label=_("Client"), coerce=int)
    code = forms.SlugField(
        label=_("Code"), max_length=32, help_text=_("A short unique code, such as NW-WMS.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    start_date = forms.DateField(
        label=_("Start"),
        widget=DateInput(),
        help_text=_("Every date of the plan moves with the start."),
    )

    def __init__(
        self,
        *args: object,
        clients: list[tuple[int, str]],
        origins: list[tuple[int, str]] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast("forms.ChoiceField", self.fields["client"]).choices = clients
        if self.origin_field:
            field = cast("forms.ChoiceField", self.fields[self.origin_field])
            field.choices = origins or []
            # The origin first, as the page reads.
            self.order_fields([self.origin_field, "client", "code", "name", "start_date"])

    # The field naming where the plan comes from (a template, a project), in the subclasses.
    origin_field = ""


class ProjectFromTemplateForm(ProjectFromPlanForm):
    origin_field = "template"
    template = forms.TypedChoiceField(label=_("Template"), coerce=int)


class ProjectCopyForm(ProjectFromPlanForm):
    origin_field = "source"
    source = forms.TypedChoiceField(label=_("Project to copy"), coerce=int)
