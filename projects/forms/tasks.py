"""Forms for tasks: a task, its quick progress edit and its dependencies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.revisions import RevisionFormMixin
from common.text import LONG_TEXT_MAX_LENGTH
from common.widgets import ChoiceList, DateInput, LongSelect
from projects.models import Task, TaskDependency, Visibility
from projects.services.tasks import LAG_LIMIT

# A project of more tasks than this offers no list of them to pick a parent or a predecessor
# from: the task is given by its WBS number or its name (TaskNumberField).
LISTED_TASKS_AT_MOST = 200


class NumberedTask(Protocol):
    """A task as the forms offer it: its id, WBS number and name (a TaskOutlineRow)."""

    @property
    def pk(self) -> int: ...
    @property
    def wbs(self) -> str: ...
    @property
    def name(self) -> str: ...


class TaskNumberField(forms.Field):
    """A task of the project given by its WBS number, as the task list shows it ("2.3.1"), or
    by its name, where a project has more tasks than a list of options serves
    (LISTED_TASKS_AT_MOST): ten thousand options are neither read nor scrolled, and they were
    most of a 700 KB page. The cleaned value is the task's id, as the list's is; what the person
    typed is shown again as they typed it when the form comes back with an error."""

    widget = forms.TextInput

    def __init__(self, *, tasks: Sequence[NumberedTask], **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text",
            _("Its WBS number as the task list shows it (2.3, say), or its name."),
        )
        super().__init__(**kwargs)
        self.tasks = tasks
        self.widget.attrs.setdefault("autocomplete", "off")

    def number_of(self, pk: int) -> str:
        return next((task.wbs for task in self.tasks if task.pk == pk), str(pk))

    def prepare_value(self, value: Any) -> Any:
        return self.number_of(value) if isinstance(value, int) else value

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            if any(task.pk == value for task in self.tasks):
                return value
            value = str(value)
        text = " ".join(str(value).split())
        number = text.rstrip(".")
        by_number = [task.pk for task in self.tasks if task.wbs == number]
        if by_number:
            return by_number[0]
        folded = text.casefold()
        by_name = [
            task.pk for task in self.tasks if " ".join(task.name.split()).casefold() == folded
        ]
        if len(by_name) == 1:
            return by_name[0]
        if by_name:
            raise ValidationError(
                _("%(count)d tasks are called “%(name)s”: give its WBS number."),
                code="ambiguous",
                params={"count": len(by_name), "name": text},
            )
        raise ValidationError(
            _("No task of this project has the WBS number or the name “%(text)s”."),
            code="unknown",
            params={"text": text},
        )

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(data) != self.to_python(initial)
        except ValidationError:
            return True

    def display(self, value: Any) -> str:
        """The task as a person reads it (common.revisions shows a conflict with it)."""
        return next((f"{task.wbs} {task.name}" for task in self.tasks if task.pk == value), "—")


def task_field(field: forms.TypedChoiceField, tasks: Sequence[NumberedTask]) -> forms.Field:
    """`field` offering `tasks` as a list, or a TaskNumberField with its label when there are
    more than a list serves."""
    if len(tasks) > LISTED_TASKS_AT_MOST:
        return TaskNumberField(tasks=tasks, label=field.label, required=field.required)
    empty = [("", "—")] if not field.required else []
    field.choices = ChoiceList([*empty, *((task.pk, f"{task.wbs} {task.name}") for task in tasks)])
    return field


class TaskForm(forms.Form):
    """A task as the PM plans it. Choices (team, milestones, parents) are the project's own;
    the service checks them again."""

    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX_LENGTH,
    )
    parent = forms.TypedChoiceField(
        label=_("Parent task"), required=False, coerce=int, empty_value=None, widget=LongSelect
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
    constraint = forms.ChoiceField(
        label=_("Constraint"),
        required=False,
        choices=[("", "—"), *Task.Constraint.choices],
    )
    constraint_date = forms.DateField(
        label=_("Constraint date"), required=False, widget=DateInput()
    )
    budget_change = forms.TypedChoiceField(
        label=_("Added by change"), required=False, coerce=int, empty_value=None
    )
    owner_side = forms.ChoiceField(
        label=_("Done by"),
        # Left out (a form from before it existed): the task stays whose it was, the team's.
        required=False,
        choices=Task.OwnerSide.choices,
        initial=Task.OwnerSide.TEAM,
        help_text=_(
            "A task of the client's (provide data, test, sign) is visible to the client, who "
            "reports its progress; when it is late, the days count as waited on the client."
        ),
    )
    repeat = forms.ChoiceField(
        label=_("Repeats"),
        required=False,
        choices=[("", _("Does not repeat")), *Task.Repeat.choices],
        help_text=_("When it is done, the next one is added a week or a month later."),
    )
    repeat_until = forms.DateField(label=_("Repeats until"), required=False, widget=DateInput())

    def __init__(
        self,
        *args: object,
        team: list[tuple[int, str]],
        milestones: list[tuple[int, str]],
        parents: Sequence[NumberedTask],
        budget_changes: list[tuple[int, str]] | None = None,
        is_summary: bool = False,
        client_people: list[tuple[int, str]] | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        assignees: list[Any] = [("", "—")]
        if client_people:
            assignees += [(_("Our team"), team), (_("The client"), client_people)]
        else:
            assignees += team
        cast("forms.ChoiceField", self.fields["assignee"]).choices = assignees
        cast("forms.ChoiceField", self.fields["milestone"]).choices = [("", "—"), *milestones]
        self.fields["parent"] = task_field(
            cast("forms.TypedChoiceField", self.fields["parent"]), parents
        )
        cast("forms.ChoiceField", self.fields["budget_change"]).choices = [
            ("", "—"),
            *(budget_changes or []),
        ]
        if is_summary:
            # A summary task's dates are its subtasks' (projects.services.tasks rolls them up).
            for name in ("start_date", "due_date"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Taken from its subtasks.")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        start, due = cleaned.get("start_date"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("The due date cannot be before the start."))
        constraint, constraint_date = cleaned.get("constraint"), cleaned.get("constraint_date")
        if constraint and not constraint_date and "constraint_date" not in self.errors:
            self.add_error("constraint_date", _("Give the constraint's date."))
        if constraint_date and not constraint:
            self.add_error("constraint", _("Choose the constraint this date is for."))
        if cleaned.get("repeat") and not due and "due_date" not in self.errors:
            self.add_error("due_date", _("A repeating task needs a due date."))
        if cleaned.get("repeat_until") and not cleaned.get("repeat"):
            self.add_error("repeat", _("Choose how often the task repeats."))
        if (
            cleaned.get("owner_side") == Task.OwnerSide.CLIENT
            and cleaned.get("visibility") == Visibility.INTERNAL
        ):
            self.add_error("visibility", _("A task the client does is visible to the client."))
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
            "constraint": task.constraint,
            "constraint_date": task.constraint_date,
            "budget_change": task.budget_change_id,
            "owner_side": task.owner_side,
            "repeat": task.repeat,
            "repeat_until": task.repeat_until,
        }


class TaskEditForm(RevisionFormMixin, TaskForm):
    """A task's form once it exists, with the revision it was opened at."""

    revision_attributes = {
        "parent": "parent_id",
        "milestone": "milestone_id",
        "assignee": "assignee_id",
        "budget_change": "budget_change_id",
    }

    @staticmethod
    def initial_for(task: Task) -> dict[str, object]:
        return {**TaskForm.initial_for(task), "revision": task.revision}


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
        cast("forms.ChoiceField", self.fields["assignee"]).choices = [("", "—"), *team]


class DependencyForm(forms.Form):
    predecessor = forms.TypedChoiceField(label=_("Depends on"), coerce=int, widget=LongSelect)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,  # finish-to-start when left out
        choices=TaskDependency.Kind.choices,
        initial=TaskDependency.Kind.FINISH_TO_START,
    )
    lag_days = forms.IntegerField(
        label=_("Lag (working days)"),
        required=False,  # no lag when left out
        initial=0,
        min_value=-LAG_LIMIT,
        max_value=LAG_LIMIT,
        help_text=_("Working days added after the link; negative for a lead."),
    )

    def __init__(self, *args: object, tasks: Sequence[NumberedTask], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["predecessor"] = task_field(
            cast("forms.TypedChoiceField", self.fields["predecessor"]), tasks
        )
