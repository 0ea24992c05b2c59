"""Things that happened in a project which Rapport announces to other systems (webhooks).

A service calls `emit` inside its transaction, beside the notifications it writes; receivers
(integrations) write what they must send in that same transaction, so an event is announced if
and only if it committed. `data` is JSON-ready and holds what the event says about its object:
for an event a client may see (`client_visible`), only what the project's client may read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.db import models
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    REQUIREMENT_CONFIRMED = "requirement.confirmed", _("Requirement confirmed")
    CHANGE_REQUEST_APPROVED = "change_request.approved", _("Change request approved")
    CHANGE_REQUEST_REJECTED = "change_request.rejected", _("Change request rejected")
    DELIVERABLE_ACCEPTED = "deliverable.accepted", _("Deliverable accepted")
    DELIVERABLE_REJECTED = "deliverable.rejected", _("Deliverable rejected")
    DELIVERABLE_DEEMED_ACCEPTED = "deliverable.deemed_accepted", _("Deliverable deemed accepted")
    GATE_DECIDED = "gate.decided", _("Phase gate decided")
    RISK_BECAME_CRITICAL = "risk.became_critical", _("Risk became critical")
    SURVEY_ANSWERED = "survey.answered", _("Survey answered")
    COMPLAINT_OPENED = "complaint.opened", _("Complaint opened")
    COMPLAINT_BREACHED = "complaint.breached", _("Complaint past its SLA")
    COMPLAINT_RESOLVED = "complaint.resolved", _("Complaint resolved")
    REPORT_SENT = "report.sent", _("Status report sent")
    PROJECT_CLOSED = "project.closed", _("Project closed")


class ProjectLike(Protocol):
    pk: Any
    client_id: Any
    code: str
    name: str


@dataclass(frozen=True)
class Event:
    type: str
    project_id: int
    client_id: int
    project_code: str
    project_name: str
    client_visible: bool
    data: dict[str, Any]
    id: uuid.UUID = field(default_factory=uuid.uuid4)
    occurred_at: datetime = field(default_factory=timezone.now)


# Sent inside the transaction of the change, with `event`.
event_occurred = Signal()


def emit(
    event_type: EventType, *, project: ProjectLike, client_visible: bool, data: dict[str, Any]
) -> None:
    event_occurred.send(
        sender=None,
        event=Event(
            type=event_type.value,
            project_id=int(project.pk),
            client_id=int(project.client_id),
            project_code=project.code,
            project_name=project.name,
            client_visible=client_visible,
            data=data,
        ),
    )
