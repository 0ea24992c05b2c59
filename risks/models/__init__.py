"""The risks app's models, one module per subject (the register, the issue log, the project's
risk settings, escalations and reminders); each module is imported here."""

from risks.models.choices import LEVEL_RANK, SCALE, Category, Level, Side, Strategy
from risks.models.escalations import Escalation, Reminder
from risks.models.issues import Issue
from risks.models.register import Assessment, MitigationAction, Risk
from risks.models.settings import RiskSettings

__all__ = [
    "LEVEL_RANK",
    "SCALE",
    "Assessment",
    "Category",
    "Escalation",
    "Issue",
    "Level",
    "MitigationAction",
    "Reminder",
    "Risk",
    "RiskSettings",
    "Side",
    "Strategy",
]
