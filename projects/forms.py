from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.forms import time_zone_choices
from accounts.models import Language
from common.widgets import DateInput
from projects.models import BudgetVisibility, HealthStatus, Objective, Phase, Role, Task, Visibility
from projects.permissions import can_invite_role
from projects.services.projects import ProjectData

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project


def role_choices_for(user: User, project: Project) -> list[tuple[str, str]]:
    return [
        (value, label) for value, label in Role.choices if can_invite_role(user, project, value)
    ]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: object, actor: User, project: Project, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = role_choices_for(actor, project)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: object, actor: User, project: Project, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = role_choices_for(actor, project)


class MilestoneForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput())
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.CLIENT
    )


class DeliverableForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    criteria = forms.CharField(
        label=_("Acceptance criteria"),
        required=False,
        help_text=_("One criterion per line; the client accepts or rejects against them."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    owner = forms.TypedChoiceField(label=_("Owner"), required=False, coerce=int, empty_value=None)
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.CLIENT
    )

    def __init__(self, *args: object, team: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].choices = [("", "—"), *team]

    def criteria_lines(self) -> list[str]:
        return self.cleaned_data.get("criteria", "").splitlines()


class QualityReviewForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=[
            ("1", _("Passed: meets every criterion")),
            ("0", pgettext_lazy("quality review", "Failed")),
        ],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (a list; empty when none was chosen)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self, data: object, initial: object = None) -> list[object]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class SubmitForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the client"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    files = MultipleFileField(
        label=_("Files"),
        required=False,
        help_text=_("Optional: they are shared with the client with this submission."),
    )


class DocumentUploadForm(forms.Form):
    """A new document: its first version and what it is about."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file's name."),
    )
    file = forms.FileField(label=_("File"))
    milestone = forms.TypedChoiceField(
        label=_("Milestone"), required=False, coerce=int, empty_value=None
    )
    deliverable = forms.TypedChoiceField(
        label=_("Deliverable"), required=False, coerce=int, empty_value=None
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args: object,
        milestones: list[tuple[int, str]] | None = None,
        deliverables: list[tuple[int, str]] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if milestones is None:
            del self.fields["milestone"]
        else:
            self.fields["milestone"].choices = [("", "—"), *milestones]
        if deliverables is None:
            del self.fields["deliverable"]
        else:
            self.fields["deliverable"].choices = [("", "—"), *deliverables]


class DocumentVersionForm(forms.Form):
    """A new version of an existing document."""

    file = forms.FileField(label=_("File"))
    note = forms.CharField(label=_("What changed"), required=False, max_length=2000)


class AcceptanceDecisionForm(forms.Form):
    """The client's answer: accept, or reject with a reason for each criterion not met."""

    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, criteria: list[object], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"failed_{criterion.pk}"] = forms.BooleanField(  # type: ignore[attr-defined]
                label=_("Not met"), required=False
            )
            self.fields[f"reason_{criterion.pk}"] = forms.CharField(  # type: ignore[attr-defined]
                label=_("Why not"), required=False, max_length=2000
            )

    def failed_criteria(self) -> list[tuple[int, str]]:
        return [
            (criterion.pk, self.cleaned_data.get(f"reason_{criterion.pk}", ""))  # type: ignore[attr-defined]
            for criterion in self.criteria
            if self.cleaned_data.get(f"failed_{criterion.pk}")  # type: ignore[attr-defined]
        ]

    def rows(self) -> list[tuple[object, forms.BoundField, forms.BoundField]]:
        return [
            (criterion, self[f"failed_{criterion.pk}"], self[f"reason_{criterion.pk}"])  # type: ignore[attr-defined]
            for criterion in self.criteria
        ]


class ProjectForm(forms.Form):
    client = forms.TypedChoiceField(label=_("Client"), coerce=int)
    code = forms.SlugField(
        label=_("Code"), max_length=32, help_text=_("A short unique code, such as NW-WMS.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices)
    scope_statement = forms.CharField(
        label=_("Scope"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    out_of_scope = forms.CharField(
        label=_("Out of scope"),
        required=False,
        help_text=_("One item per line."),
        widget=forms.Textarea(attrs={"rows": 3}),
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
        self.fields["client"].choices = clients
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


class GateRequestForm(forms.Form):
    checked = forms.MultipleChoiceField(
        label=_("Checklist"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, items: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["checked"].choices = [(item, _(item)) for item in items]


class GateDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ObjectiveForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=300)
    target = forms.CharField(label=_("Target"), max_length=300, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=Objective.Status.choices, initial=Objective.Status.NOT_STARTED
    )


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


# --- Tasks --------------------------------------------------------------------------------------


class TaskForm(forms.Form):
    """A task as the PM plans it. Choices (team, milestones, parents) are the project's own;
    the service checks them again."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    parent = forms.TypedChoiceField(
        label=_("Parent task"), required=False, coerce=int, empty_value=None
    )
    milestone = forms.TypedChoiceField(
        label=_("Milestone"), required=False, coerce=int, empty_value=None
    )
    assignee = forms.TypedChoiceField(
        label=_("Assignee"), required=False, coerce=int, empty_value=None
    )
    start_date = forms.DateField(label=_("Start"), required=False, widget=DateInput())
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    estimate_hours = forms.DecimalField(
        label=_("Estimate (hours)"), required=False, min_value=0, max_digits=7, decimal_places=2
    )
    actual_hours = forms.DecimalField(
        label=_("Actual hours"), required=False, min_value=0, max_digits=7, decimal_places=2
    )
    status = forms.ChoiceField(label=_("Status"), choices=Task.Status.choices)
    percent_complete = forms.IntegerField(
        # xgettext:no-python-format
        label=_("% complete"),
        min_value=0,
        max_value=100,
        initial=0,
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )

    def __init__(
        self,
        *args: object,
        team: list[tuple[int, str]],
        milestones: list[tuple[int, str]],
        parents: list[tuple[int, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["assignee"].choices = [("", "—"), *team]
        self.fields["milestone"].choices = [("", "—"), *milestones]
        self.fields["parent"].choices = [("", "—"), *parents]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, due = cleaned.get("start_date"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("The due date cannot be before the start."))
        return cleaned

    @staticmethod
    def initial_for(task: Task) -> dict[str, object]:
        return {
            "name": task.name,
            "description": task.description,
            "parent": task.parent_id,
            "milestone": task.milestone_id,
            "assignee": task.assignee_id,
            "start_date": task.start_date,
            "due_date": task.due_date,
            "estimate_hours": task.estimate_hours,
            "actual_hours": task.actual_hours,
            "status": task.status,
            "percent_complete": task.percent_complete,
            "visibility": task.visibility,
        }


class TaskProgressForm(forms.Form):
    """The quick edit of a task row: what its assignee reports (and the PM may reassign)."""

    status = forms.ChoiceField(label=_("Status"), choices=Task.Status.choices, required=False)
    percent_complete = forms.IntegerField(
        # xgettext:no-python-format
        label=_("% complete"),
        min_value=0,
        max_value=100,
        required=False,
    )
    actual_hours = forms.DecimalField(
        label=_("Actual hours"), required=False, min_value=0, max_digits=7, decimal_places=2
    )
    assignee = forms.TypedChoiceField(
        label=_("Assignee"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: object, team: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["assignee"].choices = [("", "—"), *team]


class DependencyForm(forms.Form):
    predecessor = forms.TypedChoiceField(label=_("Depends on"), coerce=int)

    def __init__(self, *args: object, tasks: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["predecessor"].choices = tasks


# --- Time and cost ----------------------------------------------------------------------------


class TimeEntryForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=4, decimal_places=2, min_value=0.01, max_value=24
    )
    task = forms.TypedChoiceField(label=_("Task"), required=False, coerce=int, empty_value=None)
    person = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    is_billable = forms.BooleanField(label=_("Billable"), required=False, initial=True)

    def __init__(
        self,
        *args: object,
        tasks: list[tuple[int, str]],
        people: list[tuple[int, str]] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["task"].choices = [("", _("No task")), *tasks]  # type: ignore[attr-defined]
        if people:
            self.fields["person"].choices = [("", _("Myself")), *people]  # type: ignore[attr-defined]
        else:
            del self.fields["person"]


class ApprovalPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())


class RateForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), required=False)
    user = forms.TypedChoiceField(label=_("Person"), required=False, coerce=int, empty_value=None)
    hourly_rate = forms.DecimalField(
        label=_("Hourly rate"), max_digits=10, decimal_places=2, min_value=0
    )

    def __init__(self, *args: object, people: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["role"].choices = [  # type: ignore[attr-defined]
            ("", _("(a person)")),
            (Role.PM, Role.PM.label),
            (Role.AM, Role.AM.label),
            (Role.TEAM_MEMBER, Role.TEAM_MEMBER.label),
        ]
        self.fields["user"].choices = [("", _("(a role)")), *people]  # type: ignore[attr-defined]


class CostEntryForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    category = forms.ChoiceField(label=_("Category"))
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        from projects.models import CostEntry

        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["category"].choices = CostEntry.Category.choices  # type: ignore[attr-defined]


class InvitationAcceptForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned
