"""Tasks: the work breakdown structure (WBS) of a project, and the dependencies between tasks
(finish-to-start, start-to-start, finish-to-finish, start-to-finish, each with a lag in working
days).

Rules that span rows (a task's milestone, parent and dependencies belong to its own project, no
cycle among parents or dependencies, the assignee is on the project team) are enforced by
projects.services.tasks; the check constraints below keep each row sound on its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.revisions import Revisioned
from common.text import LONG_TEXT_MAX_LENGTH
from projects.models.core import Project, Visibility
from projects.models.delivery import Milestone


class Constraint(models.TextChoices):
    START_NO_EARLIER_THAN = "snet", _("Start no earlier than")
    FINISH_NO_LATER_THAN = "fnlt", _("Finish no later than")


class OwnerSide(models.TextChoices):
    """Whose duty a task is: the team's, or the client's (a duty of the client's side in the
    RACI: provide data, test, sign). A client's task is always visible to the client."""

    TEAM = "team", _("Our team")
    CLIENT = "client", _("The client")


class Repeat(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")


class Task(Revisioned):
    Constraint = Constraint
    OwnerSide = OwnerSide
    Repeat = Repeat

    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        BLOCKED = "blocked", _("Blocked")
        DONE = "done", _("Done")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="tasks"
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("milestone"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
    )
    # RESTRICT: a task with subtasks is not deleted on its own (the service says so), but it
    # goes with its project.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent task"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tasks",
    )
    estimate_hours = models.DecimalField(
        _("estimate (hours)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    actual_hours = models.DecimalField(_("actual hours"), max_digits=7, decimal_places=2, default=0)
    start_date = models.DateField(_("start"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    # The current approved baseline's dates (projects.services.baselines copies them when a
    # baseline is set); None for a task added since.
    baseline_start_date = models.DateField(_("baseline start"), null=True, blank=True)
    baseline_due_date = models.DateField(_("baseline due date"), null=True, blank=True)
    constraint = models.CharField(
        _("constraint"),
        max_length=4,
        choices=Constraint.choices,
        blank=True,
        default="",
        db_default="",
    )
    constraint_date = models.DateField(_("constraint date"), null=True, blank=True)
    # The approved change whose added scope this task is (its budget pays for it); None for the
    # work of the original budget.
    budget_change = models.ForeignKey(
        "projects.BudgetChange",
        verbose_name=_("added by change"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        # Read within a project's tasks (indexed by project), never across projects.
        db_index=False,
    )
    owner_side = models.CharField(
        _("done by"),
        max_length=6,
        choices=OwnerSide.choices,
        default=OwnerSide.TEAM,
        db_default=OwnerSide.TEAM,
    )
    # A repeating task: when an occurrence is done, the next one is added (projects.services.
    # tasks), a week or a month after the series' first, until `repeat_until`.
    repeat = models.CharField(
        _("repeats"),
        max_length=8,
        choices=Repeat.choices,
        blank=True,
        default="",
        db_default="",
    )
    repeat_until = models.DateField(_("repeats until"), null=True, blank=True)
    # The series' first occurrence (None on the first itself), and this one's number in it.
    repeat_series = models.ForeignKey(
        "self",
        verbose_name=_("first occurrence"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="occurrences",
        # Indexed by task_repeat_series_idx, built concurrently (migration 0018).
        db_index=False,
    )
    occurrence = models.PositiveSmallIntegerField(_("occurrence"), default=1, db_default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.TODO
    )
    # When the task was last marked done (None while it is not done).
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # xgettext:no-python-format
    percent_complete = models.PositiveSmallIntegerField(_("% complete"), default=0)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # The series link is set once, when an occurrence is added, and never edited: not kept in
    # the history (whose table would need an index for it).
    history = HistoricalRecords(excluded_fields=["repeat_series"])

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["assignee", "due_date"]),
            models.Index(fields=["repeat_series", "occurrence"], name="task_repeat_series_idx"),
            # A project's tasks in plan order (every task list): a page reads its rows from the
            # index instead of sorting all of the project's tasks, and the outline of a task
            # list (projects.selectors.tasks.task_outline_for) reads all of them from the index
            # alone, without the table (10,000 tasks: 8.7 ms of SQL with a sort, then 2.0).
            models.Index(
                fields=["project", "position", "id"],
                include=["parent", "name", "status", "start_date", "due_date"],
                name="task_project_outline_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(due_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(due_date__gte=models.F("start_date")),
                name="task_due_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(percent_complete__gte=0, percent_complete__lte=100),
                name="task_percent_0_100",
            ),
            models.CheckConstraint(
                condition=models.Q(estimate_hours__isnull=True) | models.Q(estimate_hours__gte=0),
                name="task_estimate_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(actual_hours__gte=0), name="task_actual_not_negative"
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("id")), name="task_not_own_parent"
            ),
            models.CheckConstraint(
                condition=models.Q(owner_side=OwnerSide.TEAM)
                | models.Q(visibility=Visibility.CLIENT),
                name="task_client_owned_is_client_visible",
            ),
            models.CheckConstraint(
                condition=models.Q(repeat="") | models.Q(due_date__isnull=False),
                name="task_repeat_has_due_date",
            ),
            models.CheckConstraint(
                condition=(models.Q(constraint="") & models.Q(constraint_date__isnull=True))
                | (~models.Q(constraint="") & models.Q(constraint_date__isnull=False)),
                name="task_constraint_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TaskDependency(models.Model):
    """A link between two tasks of a project. Finish-to-start: `successor` starts after
    `predecessor` finishes; start-to-start: starts no earlier than it starts; finish-to-finish:
    finishes no earlier than it finishes; start-to-finish: finishes no earlier than it starts.
    `lag_days` working days are added (a negative lag is a lead)."""

    class Kind(models.TextChoices):
        FINISH_TO_START = "fs", _("Finish to start")
        START_TO_START = "ss", _("Start to start")
        FINISH_TO_FINISH = "ff", _("Finish to finish")
        START_TO_FINISH = "sf", _("Start to finish")

    predecessor = models.ForeignKey(
        Task,
        verbose_name=_("predecessor"),
        on_delete=models.CASCADE,
        related_name="successor_links",
    )
    successor = models.ForeignKey(
        Task,
        verbose_name=_("successor"),
        on_delete=models.CASCADE,
        related_name="predecessor_links",
    )
    kind = models.CharField(
        _("kind"), max_length=2, choices=Kind.choices, default=Kind.FINISH_TO_START
    )
    lag_days = models.SmallIntegerField(
        _("lag (working days)"),
        default=0,
        db_default=0,
        help_text=_("Working days added after the link; negative for a lead."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("task dependency")
        verbose_name_plural = _("task dependencies")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="task_dependency_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(predecessor=models.F("successor")),
                name="task_dependency_not_self",
            ),
            models.CheckConstraint(
                condition=models.Q(lag_days__gte=-365, lag_days__lte=365),
                name="task_dependency_lag_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id}"
