"""The stakeholders app's models, one module per subject (register, requirements, change
requests, meetings, discussions); each module is imported here."""

from stakeholders.models.changes import ChangeRequest, ScheduleImpact
from stakeholders.models.requirements import Confirmation, Requirement, RequirementVersion

__all__ = [
    "ChangeRequest",
    "Confirmation",
    "Requirement",
    "RequirementVersion",
    "ScheduleImpact",
]
