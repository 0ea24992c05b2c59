"""The stakeholders app's models, one module per subject (register, requirements, change
requests, meetings, discussions); each module is imported here."""

from stakeholders.models.changes import ChangeRequest, ScheduleImpact
from stakeholders.models.discussions import Attachment, Entry, Thread
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
    "Attachment",
    "Attitude",
    "ChangeRequest",
    "CommunicationItem",
    "Confirmation",
    "Entry",
    "Meeting",
    "MeetingDecision",
    "RaciAssignment",
    "RaciLetter",
    "Requirement",
    "RequirementVersion",
    "ScheduleImpact",
    "Side",
    "Stakeholder",
    "Thread",
]
