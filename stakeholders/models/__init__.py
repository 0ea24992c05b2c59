"""The stakeholders app's models, one module per subject (register, requirements, change
requests, meetings, discussions); each module is imported here."""

from .meetings import ActionItem, Meeting, MeetingDecision, Side
from .register import Attitude, CommunicationItem, RaciAssignment, RaciLetter, Stakeholder

__all__ = [
    "ActionItem",
    "Attitude",
    "CommunicationItem",
    "Meeting",
    "MeetingDecision",
    "RaciAssignment",
    "RaciLetter",
    "Side",
    "Stakeholder",
]
