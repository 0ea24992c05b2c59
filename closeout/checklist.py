"""The closeout checklist, computed from the facts of the project every time it is read.

A point holds when it has no open item, when every open item is waived, or when the PM waived
the whole point. Each open item carries the page where it can be dealt with. One query per point
plus two (the waivers, the time the closeout began), however large the project.

"Since the closeout began" means since the project last entered the closing phase: the gate
review into it, or a reopening, whichever is later (a reopened project needs a new final
report and survey). Without either (a project created in that phase) every report counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from closeout.models import Point, Reopening, Waiver
from common import formatting
from feedback.models import (
    Campaign,
    CampaignTrigger,
    FeedbackTicket,
    SurveyAutomation,
    TicketKind,
    TicketStatus,
)
from projects.models import Deliverable, Document, Phase, PhaseGate, TimeEntry
from reports.models import ReportDelivery
from risks.models import Risk
from risks.models.choices import Strategy
from stakeholders.models import ActionItem, ChangeRequest, Requirement

if TYPE_CHECKING:
    from projects.models import Project


@dataclass
class OpenItem:
    object_id: int
    label: str
    url: str
    waiver: Waiver | None = None


@dataclass
class PointState:
    point: str
    open_items: list[OpenItem] = field(default_factory=list)
    # A point without items (the final report, the final survey) is open when `is_missing`.
    is_missing: bool = False
    waiver: Waiver | None = None
    url: str = ""

    @property
    def label(self) -> str:
        return str(Point(self.point).label)

    @property
    def unwaived_items(self) -> list[OpenItem]:
        return [item for item in self.open_items if item.waiver is None]

    @property
    def waived_items(self) -> list[OpenItem]:
        return [item for item in self.open_items if item.waiver is not None]

    @property
    def holds(self) -> bool:
        if self.waiver is not None:
            return True
        return not self.is_missing and not self.unwaived_items

    @property
    def is_waived(self) -> bool:
        """Holds only thanks to a waiver (of the point or of some of its items)."""
        return self.holds and (
            self.waiver is not None or (bool(self.waived_items) and not self.is_missing)
        )

    def as_record(self) -> dict[str, object]:
        """The point as kept in a request's copy of the checklist (English message id)."""
        with translation.override("en"):
            label = str(Point(self.point).label)
        return {
            "point": self.point,
            "title": label,
            "holds": self.holds,
            "waived": self.is_waived,
            "open": len(self.unwaived_items) + (1 if self.is_missing else 0),
            "waived_items": len(self.waived_items),
            "client_note": self.waiver.client_note if self.waiver else "",
        }


@dataclass
class Checklist:
    project_id: int
    points: list[PointState]
    began_at: datetime | None

    @property
    def holds(self) -> bool:
        return all(point.holds for point in self.points)

    @property
    def open_points(self) -> list[PointState]:
        return [point for point in self.points if not point.holds]

    def as_record(self) -> list[dict[str, object]]:
        return [point.as_record() for point in self.points]


def closeout_began_at(project: Project) -> datetime | None:
    gate = (
        PhaseGate.objects.filter(
            project=project, to_phase=Phase.CLOSING, status=PhaseGate.Status.PASSED
        )
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    reopened = (
        Reopening.objects.filter(project=project)
        .order_by("-reopened_at")
        .values_list("reopened_at", flat=True)
        .first()
    )
    moments = [moment for moment in (gate, reopened) if moment is not None]
    return max(moments) if moments else None


def _url(name: str, **kwargs: int) -> str:
    return reverse(name, kwargs=kwargs)


def closeout_checklist(project: Project) -> Checklist:
    """Every point of the project's closeout, with its open items and waivers (provider view:
    labels of internal items included; closeout.selectors gives clients only the outcome)."""
    pid = project.pk
    began_at = closeout_began_at(project)
    since = Q(created_at__gte=began_at) if began_at else Q()

    points: dict[str, PointState] = {}

    def items(point: str, url: str, rows: list[OpenItem]) -> None:
        points[point] = PointState(point=point, open_items=rows, url=url)

    items(
        Point.DELIVERABLES,
        _url("projects:plan", project_id=pid),
        [
            OpenItem(
                row["id"],
                row["name"],
                _url("projects:deliverable", project_id=pid, deliverable_id=row["id"]),
            )
            for row in Deliverable.objects.filter(project_id=pid)
            .exclude(status__in=Deliverable.ACCEPTED_STATES)
            .order_by("id")
            .values("id", "name")
        ],
    )
    done_requirements = (
        Requirement.Status.DELIVERED,
        Requirement.Status.ACCEPTED,
        Requirement.Status.DEFERRED,
        Requirement.Status.REJECTED,
    )
    items(
        Point.REQUIREMENTS,
        _url("stakeholders:requirements", project_id=pid),
        [
            OpenItem(
                row["id"],
                f"REQ-{row['number']} {row['title']}",
                _url("stakeholders:requirement", project_id=pid, requirement_id=row["id"]),
            )
            for row in Requirement.objects.filter(project_id=pid)
            .exclude(status__in=done_requirements)
            .order_by("number")
            .values("id", "number", "title")
        ],
    )
    items(
        Point.CHANGE_REQUESTS,
        _url("stakeholders:change_requests", project_id=pid),
        [
            OpenItem(
                row["id"],
                f"CR-{row['number']} {row['title']}",
                _url("stakeholders:change_request", project_id=pid, cr_id=row["id"]),
            )
            for row in ChangeRequest.objects.filter(project_id=pid)
            .exclude(status__in=(ChangeRequest.Status.APPROVED, ChangeRequest.Status.REJECTED))
            .order_by("number")
            .values("id", "number", "title")
        ],
    )
    items(
        Point.RISKS,
        _url("risks:register", project_id=pid),
        [
            OpenItem(
                row["id"],
                f"R-{row['number']} {row['title']}",
                _url("risks:risk", project_id=pid, risk_id=row["id"]),
            )
            for row in Risk.objects.filter(project_id=pid)
            .exclude(status=Risk.Status.CLOSED)
            .exclude(strategy=Strategy.TRANSFER)
            .order_by("number")
            .values("id", "number", "title")
        ],
    )
    items(
        Point.COMPLAINTS,
        _url("feedback:project_feedback", project_id=pid),
        [
            OpenItem(
                row["id"],
                f"FB-{row['number']} {row['title']}",
                _url("feedback:ticket", project_id=pid, ticket_id=row["id"]),
            )
            for row in FeedbackTicket.objects.filter(project_id=pid, kind=TicketKind.COMPLAINT)
            .exclude(status=TicketStatus.CONFIRMED)
            .order_by("number")
            .values("id", "number", "title")
        ],
    )
    items(
        Point.ACTION_ITEMS,
        _url("stakeholders:meetings", project_id=pid),
        [
            OpenItem(
                row["id"],
                row["text"][:120],
                _url("stakeholders:meeting", project_id=pid, meeting_id=row["meeting_id"]),
            )
            for row in ActionItem.objects.filter(meeting__project_id=pid, is_done=False)
            .order_by("due_date", "id")
            .values("id", "text", "meeting_id")
        ],
    )
    has_final_report = ReportDelivery.objects.filter(
        Q(report__project_id=pid) & (Q(report__created_at__gte=began_at) if began_at else Q()),
        status=ReportDelivery.Status.SENT,
    ).exists()
    points[Point.FINAL_REPORT] = PointState(
        point=Point.FINAL_REPORT,
        is_missing=not has_final_report,
        url=_url("reports:project_reports", project_id=pid),
    )
    # Sent since the closeout began, or to be sent by the AM's "on project close" automation
    # the moment the client gives final acceptance.
    has_final_survey = (
        Campaign.objects.filter(since, project_id=pid, sent_at__isnull=False)
        .values("pk")
        .union(
            SurveyAutomation.objects.filter(
                project_id=pid, is_active=True, trigger=CampaignTrigger.PROJECT_CLOSED
            ).values("pk")
        )
        .exists()
    )
    points[Point.FINAL_SURVEY] = PointState(
        point=Point.FINAL_SURVEY,
        is_missing=not has_final_survey,
        url=_url("feedback:project_surveys", project_id=pid),
    )
    items(
        Point.DOCUMENTS,
        _url("projects:documents", project_id=pid),
        [
            OpenItem(row["id"], row["title"], _url("projects:documents", project_id=pid))
            for row in Document.objects.filter(project_id=pid, versions__isnull=True)
            .order_by("id")
            .values("id", "title")
        ],
    )
    items(
        Point.TIME,
        _url("projects:costs", project_id=pid),
        [
            OpenItem(
                row["id"],
                f"{formatting.date(row['date'])} · {row['person__email']}",
                _url("projects:costs", project_id=pid),
            )
            for row in TimeEntry.objects.filter(project_id=pid, status=TimeEntry.Status.SUBMITTED)
            .order_by("date", "id")
            .values("id", "date", "person__email")
        ],
    )
    for waiver in Waiver.objects.filter(project_id=pid).select_related("waived_by"):
        state = points.get(waiver.point)
        if state is None:
            continue
        if waiver.object_id == 0:
            state.waiver = waiver
            continue
        for item in state.open_items:
            if item.object_id == waiver.object_id:
                item.waiver = waiver
    return Checklist(
        project_id=pid, points=[points[point] for point in Point.values], began_at=began_at
    )


__all__ = ["Checklist", "OpenItem", "PointState", "closeout_began_at", "closeout_checklist"]
