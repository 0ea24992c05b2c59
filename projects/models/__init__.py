"""The projects app's models, one module per subject."""

from projects.models.baselines import Baseline, BaselineEntry, BudgetChange
from projects.models.core import (
    CLIENT_ROLES,
    STAFF_ROLES,
    BudgetVisibility,
    HealthStatus,
    Membership,
    Objective,
    Phase,
    Project,
    ProjectQuerySet,
    Role,
    Visibility,
)
from projects.models.costs import CostEntry, Rate, TimeEntry
from projects.models.delivery import (
    AcceptanceCriterion,
    AcceptanceRound,
    CriterionResult,
    Deliverable,
    Milestone,
    QualityReview,
)
from projects.models.documents import Document, DocumentVersion
from projects.models.gates import GATE_CHECKLISTS, NEXT_PHASE, PhaseGate
from projects.models.invitations import Invitation
from projects.models.tasks import Task, TaskDependency
from projects.models.templates import ProjectTemplate

__all__ = [
    "CLIENT_ROLES",
    "GATE_CHECKLISTS",
    "NEXT_PHASE",
    "STAFF_ROLES",
    "AcceptanceCriterion",
    "AcceptanceRound",
    "Baseline",
    "BaselineEntry",
    "BudgetChange",
    "BudgetVisibility",
    "CostEntry",
    "CriterionResult",
    "Deliverable",
    "Document",
    "DocumentVersion",
    "HealthStatus",
    "Invitation",
    "Membership",
    "Milestone",
    "Objective",
    "Phase",
    "PhaseGate",
    "Project",
    "ProjectQuerySet",
    "ProjectTemplate",
    "QualityReview",
    "Rate",
    "Role",
    "Task",
    "TaskDependency",
    "TimeEntry",
    "Visibility",
]
