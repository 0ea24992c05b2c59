"""The stakeholders app's models, one module per subject (register, requirements, change
requests, meetings, discussions); each module is imported here."""

from stakeholders.models.changes import ChangeRequest, ScheduleImpact

__all__ = ["ChangeRequest", "ScheduleImpact"]
