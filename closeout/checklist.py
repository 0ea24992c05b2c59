"""The closeout checklist, computed from the facts of the project every time it is read.

A point holds when it has no open item, when every open item is waived, or when the PM waived
the whole point. Each open item carries the page where it can be dealt with. One query for the
open items of every point (a union of one select per point), one for the waivers and one for
the time the closeout began, however large the project.

"Since the closeout began" means since the project last entered the closing phase: the gate
review into it, or a reopening, whichever is later (a reopened project needs a new final
report and survey). Without either (a project created in that phase) every report counts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import (
    BigIntegerField,
    DateField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast
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


def _began_at_expressions(project: Project) -> tuple[Subquery, Subquery]:
    gate = Subquery(
        PhaseGate.objects.filter(
            project=project, to_phase=Phase.CLOSING, status=PhaseGate.Status.PASSED
        )
        .order_by("-decided_at")
        .values("decided_at")[:1]
    )
    reopened = Subquery(
        Reopening.objects.filter(project=project).order_by("-reopened_at").values("reopened_at")[:1]
    )
    return gate, reopened


def closeout_began_at(project: Project) -> datetime | None:
    """When the project last entered the closing phase (None: it never passed a gate into it
    nor was reopened). One query."""
    gate, reopened = _began_at_expressions(project)
    moments = (
        type(project)
        .objects.filter(pk=project.pk)
        .annotate(gate=gate, reopened=reopened)
        .values_list("gate", "reopened")
        .first()
    )
    found = [moment for moment in (moments or ()) if moment is not None]
    return max(found) if found else None


def _url(name: str, **kwargs: int) -> str:
    return reverse(name, kwargs=kwargs)


# The columns every source of open items gives (one query for all the points): the point's
# place in SOURCES, the item's id, number, label, meeting, day and person's e-mail address.
_COLUMNS = ("c_source", "c_id", "c_number", "c_label", "c_meeting", "c_day", "c_email")


def _rows(queryset: QuerySet[Any], source: int, **columns: Any) -> QuerySet[Any]:
    # Typed nulls: a union's column takes one type.
    blank = {
        "c_number": Cast(Value(None), BigIntegerField()),
        "c_label": Cast(Value(None), TextField()),
        "c_meeting": Cast(Value(None), BigIntegerField()),
        "c_day": Cast(Value(None), DateField()),
        "c_email": Cast(Value(None), TextField()),
    }
    annotations = {
        "c_source": Value(source, output_field=IntegerField()),
        "c_id": F("id"),
        **{name: columns.get(name, blank[name]) for name in _COLUMNS[2:]},
    }
    return queryset.order_by().annotate(**annotations).values(*_COLUMNS)


def _open_item_rows(project: Project, began_at: datetime | None) -> list[dict[str, Any]]:
    """Every open item of every point, and a row for a final report and a final survey if
    there is one; in one query, each point's items in the point's order."""
    pid = project.pk
    done_requirements = (
        Requirement.Status.DELIVERED,
        Requirement.Status.ACCEPTED,
        Requirement.Status.DEFERRED,
        Requirement.Status.REJECTED,
    )
    since = Q(created_at__gte=began_at) if began_at else Q()
    label = {"c_label": Cast("title", TextField())}
    # A point that only needs to know whether a row exists reads one where the database takes a
    # LIMIT inside a UNION (PostgreSQL); SQLite reads them all (the embedded default's data).
    one = (
        slice(None, 1) if connection.features.supports_slicing_ordering_in_compound else slice(None)
    )
    sources = [
        _rows(
            Deliverable.objects.filter(project_id=pid).exclude(
                status__in=Deliverable.ACCEPTED_STATES
            ),
            0,
            c_label=Cast("name", TextField()),
        ),
        _rows(
            Requirement.objects.filter(project_id=pid).exclude(status__in=done_requirements),
            1,
            c_number=F("number"),
            **label,
        ),
        _rows(
            ChangeRequest.objects.filter(project_id=pid).exclude(
                status__in=(ChangeRequest.Status.APPROVED, ChangeRequest.Status.REJECTED)
            ),
            2,
            c_number=F("number"),
            **label,
        ),
        _rows(
            Risk.objects.filter(project_id=pid)
            .exclude(status=Risk.Status.CLOSED)
            .exclude(strategy=Strategy.TRANSFER),
            3,
            c_number=F("number"),
            **label,
        ),
        _rows(
            FeedbackTicket.objects.filter(project_id=pid, kind=TicketKind.COMPLAINT).exclude(
                status=TicketStatus.CONFIRMED
            ),
            4,
            c_number=F("number"),
            **label,
        ),
        _rows(
            ActionItem.objects.filter(meeting__project_id=pid, is_done=False),
            5,
            c_label=Cast("text", TextField()),
            c_meeting=F("meeting_id"),
            c_day=F("due_date"),
        ),
        _rows(
            ReportDelivery.objects.filter(
                Q(report__project_id=pid)
                & (Q(report__created_at__gte=began_at) if began_at else Q()),
                status=ReportDelivery.Status.SENT,
            ),
            6,
        )[one],
        # Sent since the closeout began, or to be sent by the AM's "on project close"
        # automation the moment the client gives final acceptance.
        _rows(Campaign.objects.filter(since, project_id=pid, sent_at__isnull=False), 7)[one],
        _rows(
            SurveyAutomation.objects.filter(
                project_id=pid, is_active=True, trigger=CampaignTrigger.PROJECT_CLOSED
            ),
            7,
        )[one],
        _rows(
            Document.objects.filter(project_id=pid, versions__isnull=True),
            8,
            c_label=Cast("title", TextField()),
        ),
        _rows(
            TimeEntry.objects.filter(project_id=pid, status=TimeEntry.Status.SUBMITTED),
            9,
            c_day=F("date"),
            c_email=Cast("person__email", TextField()),
        ),
    ]
    first, *others = sources
    return list(first.union(*others, all=True).order_by("c_source", "c_day", "c_number", "c_id"))


def closeout_checklist(project: Project) -> Checklist:
    """Every point of the project's closeout, with its open items and waivers (provider view:
    labels of internal items included; closeout.selectors gives clients only the outcome)."""
    pid = project.pk
    began_at = closeout_began_at(project)
    by_source: dict[int, list[dict[str, Any]]] = {}
    for row in _open_item_rows(project, began_at):
        by_source.setdefault(row["c_source"], []).append(row)

    points: dict[str, PointState] = {}

    def items(point: str, url: str, rows: list[OpenItem]) -> None:
        points[point] = PointState(point=point, open_items=rows, url=url)

    items(
        Point.DELIVERABLES,
        _url("projects:plan", project_id=pid),
        [
            OpenItem(
                row["c_id"],
                row["c_label"],
                _url("projects:deliverable", project_id=pid, deliverable_id=row["c_id"]),
            )
            for row in by_source.get(0, [])
        ],
    )
    items(
        Point.REQUIREMENTS,
        _url("stakeholders:requirements", project_id=pid),
        [
            OpenItem(
                row["c_id"],
                f"REQ-{row['c_number']} {row['c_label']}",
                _url("stakeholders:requirement", project_id=pid, requirement_id=row["c_id"]),
            )
            for row in by_source.get(1, [])
        ],
    )
    items(
        Point.CHANGE_REQUESTS,
        _url("stakeholders:change_requests", project_id=pid),
        [
            OpenItem(
                row["c_id"],
                f"CR-{row['c_number']} {row['c_label']}",
                _url("stakeholders:change_request", project_id=pid, cr_id=row["c_id"]),
            )
            for row in by_source.get(2, [])
        ],
    )
    items(
        Point.RISKS,
        _url("risks:register", project_id=pid),
        [
            OpenItem(
                row["c_id"],
                f"R-{row['c_number']} {row['c_label']}",
                _url("risks:risk", project_id=pid, risk_id=row["c_id"]),
            )
            for row in by_source.get(3, [])
        ],
    )
    items(
        Point.COMPLAINTS,
        _url("feedback:project_feedback", project_id=pid),
        [
            OpenItem(
                row["c_id"],
                f"FB-{row['c_number']} {row['c_label']}",
                _url("feedback:ticket", project_id=pid, ticket_id=row["c_id"]),
            )
            for row in by_source.get(4, [])
        ],
    )
    items(
        Point.ACTION_ITEMS,
        _url("stakeholders:meetings", project_id=pid),
        [
            OpenItem(
                row["c_id"],
                row["c_label"][:120],
                _url("stakeholders:meeting", project_id=pid, meeting_id=row["c_meeting"]),
            )
            for row in by_source.get(5, [])
        ],
    )
    points[Point.FINAL_REPORT] = PointState(
        point=Point.FINAL_REPORT,
        is_missing=not by_source.get(6),
        url=_url("reports:project_reports", project_id=pid),
    )
    points[Point.FINAL_SURVEY] = PointState(
        point=Point.FINAL_SURVEY,
        is_missing=not by_source.get(7),
        url=_url("feedback:project_surveys", project_id=pid),
    )
    items(
        Point.DOCUMENTS,
        _url("projects:documents", project_id=pid),
        [
            OpenItem(row["c_id"], row["c_label"], _url("projects:documents", project_id=pid))
            for row in by_source.get(8, [])
        ],
    )
    items(
        Point.TIME,
        _url("projects:costs", project_id=pid),
        [
            OpenItem(
                row["c_id"],
                f"{formatting.date(row['c_day'])} · {row['c_email']}",
                _url("projects:costs", project_id=pid),
            )
            for row in by_source.get(9, [])
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
