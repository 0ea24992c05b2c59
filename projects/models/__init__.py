"""The projects app's models, one module per subject."""

from projects.models.core import (
    CLIENT_ROLES,
    STAFF_ROLES,
    BudgetVisibility,
    Membership,
    Objective,
    Phase,
    Project,
    ProjectQuerySet,
    Role,
    Visibility,
)
from projects.models.delivery import (
    AcceptanceCriterion,
    AcceptanceRound,
    CriterionResult,
    Deliverable,
    Milestone,
    QualityReview,
)
from projects.models.tasks import Task, TaskDependency

__all__ = [
    "CLIENT_ROLES",
    "STAFF_ROLES",
    "AcceptanceCriterion",
    "AcceptanceRound",
    "BudgetVisibility",
    "CriterionResult",
    "Deliverable",
    "Membership",
    "Milestone",
    "Objective",
    "Phase",
    "Project",
    "ProjectQuerySet",
    "QualityReview",
    "Role",
    "Task",
    "TaskDependency",
    "Visibility",
]
