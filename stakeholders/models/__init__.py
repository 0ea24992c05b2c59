"""The stakeholders app's models, one module per subject (register, requirements, change
requests, meetings); each module is imported here."""

from stakeholders.models.changes import ChangeRequest, ScheduleImpact
from stakeholders.models.meetings import ActionItem, Meeting, MeetingDecision, Side
from stakeholders.models.register import (
    Attitude,
    CommunicationItem,
    RaciAssignment,
    RaciLetter,
    Stakeholder,
)
from stakeholders.models.requirements import Confirmation, Requirement, RequirementVersion

__all__ = [
    "ActionItem",
    "Attitude",
    "ChangeRequest",
    "CommunicationItem",
    "Confirmation",
    "Meeting",
    "MeetingDecision",
    "RaciAssignment",
    "RaciLetter",
    "Requirement",
    "RequirementVersion",
    "ScheduleImpact",
    "Side",
    "Stakeholder",
]
