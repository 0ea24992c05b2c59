"""A project in its closing phase with one open item of every kind the closeout checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from feedback.models import Campaign, FeedbackTicket, TicketKind, TicketStatus
from feedback.services.survey_templates import survey_template_default
from projects.models import Deliverable, Document, Milestone, Phase, Project, TimeEntry, Visibility
from reports.models import Report, ReportDelivery
from risks.models import Risk
from stakeholders.models import ActionItem, ChangeRequest, Meeting, Requirement

# In the title of every internal item: a client must never read it.
SECRET = "CLOSEOUT-SECRET-7f3a"
AT = dt.datetime(2031, 3, 14, 9, 0, tzinfo=dt.UTC)


@dataclass
class OpenWorld:
    deliverable: Deliverable
    internal_deliverable: Deliverable
    requirement: Requirement
    change_request: ChangeRequest
    risk: Risk
    complaint: FeedbackTicket
    action_item: ActionItem
    document: Document
    time_entry: TimeEntry


def closing(project: Project) -> Project:
    Project.objects.filter(pk=project.pk).update(phase=Phase.CLOSING)
    project.refresh_from_db()
    return project


def open_world(cast: Any) -> OpenWorld:
    project = closing(cast.project)
    milestone = Milestone.objects.create(project=project, name="Go-live", due_date=AT.date())
    return OpenWorld(
        deliverable=Deliverable.objects.create(
            project=project, milestone=milestone, name="Pick list", status="submitted"
        ),
        internal_deliverable=Deliverable.objects.create(
            project=project,
            milestone=milestone,
            name=f"Internal runbook {SECRET}",
            visibility=Visibility.INTERNAL,
        ),
        requirement=Requirement.objects.create(
            project=project, number=1, title="Scan at dock", status="confirmed"
        ),
        change_request=ChangeRequest.objects.create(
            project=project,
            number=1,
            title="Extra report",
            status="assessed",
            requested_by=cast.rep,
            requested_side="client",
        ),
        risk=Risk.objects.create(
            project=project,
            number=1,
            title=f"Vendor lock-in {SECRET}",
            raised_by=cast.pm,
            raised_side="provider",
        ),
        complaint=FeedbackTicket.objects.create(
            project=project,
            number=1,
            kind=TicketKind.COMPLAINT,
            title="Slow answers",
            status=TicketStatus.RESOLVED,
            raised_by=cast.rep,
            raised_side="client",
            raised_at=AT,
            resolved_at=AT,
        ),
        action_item=ActionItem.objects.create(
            meeting=Meeting.objects.create(
                project=project, title="Retro", starts_at=AT, created_by=cast.pm
            ),
            text="Send the runbook",
            owner=cast.pm,
        ),
        document=Document.objects.create(project=project, title="Design", created_by=cast.pm),
        time_entry=TimeEntry.objects.create(
            project=project, person=cast.teammate, date=AT.date(), hours=4
        ),
    )


def send_final_report_and_survey(project: Project) -> None:
    report = Report.objects.create(
        project=project,
        period_start=AT.date(),
        period_end=AT.date(),
        trigger=Report.Trigger.MANUAL,
        snapshot={},
    )
    ReportDelivery.objects.create(
        report=report,
        email="client@example.com",
        language="en",
        message_id=f"<final-{project.pk}@example.com>",
        status=ReportDelivery.Status.SENT,
        sent_at=timezone.now(),
    )
    Campaign.objects.create(
        project=project,
        template=survey_template_default(),
        name="Final survey",
        opens_at=AT,
        closes_at=AT + dt.timedelta(days=14),
        sent_at=AT,
    )


def ready_to_close(cast: Any) -> Project:
    """A closing project with nothing open: the final report and survey sent."""
    project = closing(cast.project)
    send_final_report_and_survey(project)
    return project
