"""The stakeholders app's models, one module per subject (register, requirements, change
requests, meetings, discussions); each module is imported here."""

from stakeholders.models.discussions import Entry, Thread

__all__ = ["Entry", "Thread"]
