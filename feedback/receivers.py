"""The projects app's events that start survey campaigns: each queues a task (the signals are
sent after commit), which starts the campaigns of the project's automations once per event."""

from __future__ import annotations

from typing import Any

from common.tasks import enqueue
from projects.signals import deliverable_accepted, project_closed


def _on_deliverable_accepted(sender: Any, deliverable_id: int, **kwargs: Any) -> None:
    from feedback.tasks import campaigns_on_deliverable_accepted_task

    enqueue(campaigns_on_deliverable_accepted_task, deliverable_id)


def _on_project_closed(sender: Any, project_id: int, **kwargs: Any) -> None:
    from feedback.tasks import campaigns_on_project_closed_task

    enqueue(campaigns_on_project_closed_task, project_id)


def connect() -> None:
    deliverable_accepted.connect(_on_deliverable_accepted, dispatch_uid="surveys-deliverable")
    project_closed.connect(_on_project_closed, dispatch_uid="surveys-project-closed")
