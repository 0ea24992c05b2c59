"""The frozen content of a status report, taken once when the report is created.

Only what the client may see goes in: the health as the client sees it (the plain status and the
client-readable reasons, never the RAG override's written reason), progress over client-visible
deliverables and milestones, client-visible milestones, deliverables, requirements, change
requests and risks, the sections other apps register (reports.sections) and the PM's summary.
Labels of choices are stored as codes and translated when the report is shown, so that each
recipient reads it in their own language; the health reasons, which are sentences, are stored in
every language of the product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db.models import (
    BigIntegerField,
    DateField,
    DateTimeField,
    DecimalField,
    F,
    Field,
    IntegerField,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.functions import Cast
from django.utils import translation

from projects.models import Deliverable, Milestone, Project, Visibility
from projects.selectors.portfolio import (
    ClientProgress,
    client_progress_columns,
    client_progress_from,
    projects_with_health,
)
from projects.waits import delay_shares_for
from reports.schedule import zone_of
from reports.sections import collect_sections
from risks.selectors.portfolio import client_risks_for_reports
from stakeholders.models import ChangeRequest, Requirement

SNAPSHOT_VERSION = 1
NEXT_MILESTONES_LIMIT = 5
# The report's milestone timeline: at most this many, of which this many due before its day.
TIMELINE_LIMIT = 10
TIMELINE_BEFORE = 3


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def health_snapshots(projects: Sequence[tuple[Project, date]]) -> dict[int, dict[str, Any]]:
    """The health part of the snapshots of several projects, each as of its own day: read
    once for all the projects of the same day (a fixed number of queries, however many
    projects), its reasons then written in every language."""
    return health_and_progress(projects)[0]


def health_and_progress(
    projects: Sequence[tuple[Project, date]],
) -> tuple[dict[int, dict[str, Any]], dict[int, ClientProgress]]:
    """health_snapshots, and each project's progress as the client sees it, read in the same
    queries."""
    by_day: dict[date, list[Project]] = {}
    for project, today in projects:
        by_day.setdefault(today, []).append(project)
    result: dict[int, dict[str, Any]] = {}
    progress: dict[int, ClientProgress] = {}
    columns = client_progress_columns()
    for today, same_day in by_day.items():
        # Read with the portfolio's figures, which the health signals count from.
        read = projects_with_health([project.pk for project in same_day], today=today, also=columns)
        for project in same_day:
            progress[project.pk] = client_progress_from(
                {name: getattr(read[project.pk], name) for name in columns}
            )
            health = read[project.pk].health  # type: ignore[attr-defined]
            reasons: dict[str, list[str]] = {}
            for code, _name in settings.LANGUAGES:
                # The PM's assessment: its written reason may be internal, so none is shown.
                with translation.override(code):
                    reasons[code] = (
                        []
                        if health.override is not None
                        else [str(finding.reason) for finding in health.client_reasons]
                    )
            result[project.pk] = {
                "status": str(health.client_status),
                "reasons": reasons,
                "is_assessed_by_pm": bool(health.override),
            }
    return result, progress


def snapshot_day(until: datetime, time_zone: str) -> date:
    """The client's day on which a report taken at `until` is taken."""
    return until.astimezone(zone_of(time_zone)).date()


def _elapsed_percent(project: Project, day: date) -> int | None:
    """How much of the baseline's time has passed on `day`, in percent (0 to 100): what the
    progress bar of the report is read against."""
    start = project.baseline_start_date or project.start_date
    end = project.baseline_end_date
    if start is None or end is None or end <= start:
        return None
    share = (day - start).days / (end - start).days
    return round(min(max(share, 0.0), 1.0) * 100)


def _progress(project: Project, progress: ClientProgress, day: date) -> dict[str, Any]:
    slip_days = None
    if project.baseline_end_date and project.end_date:
        slip_days = (project.end_date - project.baseline_end_date).days
    return {
        "elapsed_percent": _elapsed_percent(project, day),
        "accepted_percent": progress.accepted_percent,
        "milestones_completed": progress.milestones_completed,
        "milestones_total": progress.milestones_total,
        "baseline_end": _iso(project.baseline_end_date),
        "current_end": _iso(project.end_date),
        "slip_days": slip_days,
    }


@dataclass(frozen=True)
class SnapshotRequest:
    """One report to take: its project, period, the instant it is taken (the scheduled run, or
    now for "send now"), the PM's summary and the client's time zone."""

    project: Project
    period_start: date
    period_end: date
    until: datetime
    summary: str
    time_zone: str

    @property
    def since(self) -> datetime:
        """The start of the period's first local day: milestones completed from then up to
        `until` count as completed this period."""
        return datetime.combine(self.period_start, time.min, tzinfo=zone_of(self.time_zone))

    @property
    def next_end(self) -> date:
        """The end of the next period, for the milestones due next."""
        return self.period_end + (self.period_end - self.period_start)


@dataclass(frozen=True)
class _MilestoneRow:
    """A client-visible milestone as the union of the client's rows reads it."""

    pk: int
    name: str
    status: str
    due_date: date
    baseline_due_date: date | None
    completed_at: datetime | None


def _milestones_many(
    requests: Sequence[SnapshotRequest], by_project: dict[int, list[_MilestoneRow]]
) -> dict[int, dict[str, Any]]:
    """Milestones completed in each period, due next, and those the report's timeline shows,
    from the client-visible milestones of each project (`by_project`, read with what awaits
    the client: _client_rows_many)."""
    result = {}
    for request in requests:
        milestones = by_project.get(request.project.pk, [])
        completed = sorted(
            (
                m
                for m in milestones
                if m.status == Milestone.Status.COMPLETED
                and m.completed_at is not None
                and request.since <= m.completed_at <= request.until
            ),
            key=lambda m: (m.completed_at, m.pk),
        )
        upcoming = [m for m in milestones if m.status != Milestone.Status.COMPLETED]
        due_next = [
            m for m in upcoming[:NEXT_MILESTONES_LIMIT] if m.due_date <= request.next_end
        ] or upcoming[:1]
        result[request.project.pk] = {
            "completed": [
                {
                    "name": m.name,
                    "due_date": _iso(m.due_date),
                    "completed_at": _iso(m.completed_at),
                }
                for m in completed
            ],
            "next": [
                {
                    "name": m.name,
                    "due_date": _iso(m.due_date),
                    "baseline_due_date": _iso(m.baseline_due_date),
                    "status": m.status,
                }
                for m in due_next
            ],
            "timeline": _timeline(request, milestones),
        }
    return result


def _timeline(request: SnapshotRequest, milestones: list[_MilestoneRow]) -> dict[str, Any]:
    """The milestones the report draws on its timeline: the last ones due before the report's
    day and those after, TIMELINE_LIMIT at most, with the project's dates for the axis."""
    day = snapshot_day(request.until, request.time_zone)
    before = [m for m in milestones if m.due_date < day][-TIMELINE_BEFORE:]
    after = [m for m in milestones if m.due_date >= day]
    chosen = before + after[: TIMELINE_LIMIT - len(before)]
    project = request.project
    return {
        "day": _iso(day),
        "start": _iso(project.baseline_start_date or project.start_date),
        "end": _iso(project.end_date),
        "baseline_end": _iso(project.baseline_end_date),
        "milestones": [
            {
                "name": m.name,
                "due_date": _iso(m.due_date),
                "baseline_due_date": _iso(m.baseline_due_date),
                "status": m.status,
                "completed_at": _iso(m.completed_at),
            }
            for m in chosen
        ],
    }


# The columns of the union that reads what awaits the client and the milestones: the source
# (0 deliverables, 1 requirements, 2 change requests, 3 milestones), the project, two texts, a
# moment, two days, an amount and two sort keys.
_AWAITING_COLUMN_TYPES: dict[str, Field[Any, Any]] = {
    "a_source": IntegerField(),
    "a_project": BigIntegerField(),
    "a_text1": TextField(),
    "a_text2": TextField(),
    "a_at": DateTimeField(),
    "a_day": DateField(),
    "a_day2": DateField(),
    "a_amount": DecimalField(max_digits=14, decimal_places=2),
    "a_key1": BigIntegerField(),
    "a_key2": BigIntegerField(),
}


def _awaiting_rows(queryset: QuerySet[Any], source: int, **columns: str) -> QuerySet[Any]:
    """`queryset` as rows of the union of what awaits the client: `columns` by field name, the
    others null (typed: a union's column takes one type)."""
    annotations = {
        name: Cast(F(columns[name]), kind)
        if name in columns
        else Cast(Value(source if name == "a_source" else None), kind)
        for name, kind in _AWAITING_COLUMN_TYPES.items()
    }
    rows: QuerySet[Any] = (
        queryset.order_by().annotate(**annotations).values(*_AWAITING_COLUMN_TYPES)
    )
    return rows


def _client_rows_many(
    projects: Sequence[Project],
) -> tuple[dict[int, dict[str, list[Any]]], dict[int, list[_MilestoneRow]]]:
    """What waits for each client's decision (client-visible only), and each project's
    client-visible milestones (by due day), one query for all: the deliverables, the
    requirements, the change requests and the milestones in one union."""
    ids = [project.pk for project in projects]
    result: dict[int, dict[str, list[Any]]] = {
        pk: {"deliverables": [], "requirements": [], "change_requests": []} for pk in ids
    }
    deliverables = _awaiting_rows(
        Deliverable.objects.filter(
            project__in=ids,
            status=Deliverable.Status.SUBMITTED,
            visibility=Visibility.CLIENT,
            milestone__visibility=Visibility.CLIENT,
        ),
        0,
        a_project="project_id",
        a_text1="name",
        a_text2="milestone__name",
        a_at="submitted_at",
        a_day="due_date",
        a_key1="id",
    )
    requirements = _awaiting_rows(
        Requirement.objects.filter(
            project__in=ids, status=Requirement.Status.CLARIFIED, visibility=Visibility.CLIENT
        ),
        1,
        a_project="project_id",
        a_text1="title",
        a_text2="priority",
        a_key1="number",
    )
    changes = _awaiting_rows(
        ChangeRequest.objects.filter(
            project__in=ids,
            status=ChangeRequest.Status.ASSESSED,
            visibility=Visibility.CLIENT,
            client_approved_at__isnull=True,
        ),
        2,
        a_project="project_id",
        a_text1="title",
        a_amount="cost_impact",
        a_key1="number",
    )
    milestones = _awaiting_rows(
        Milestone.objects.filter(project__in=ids, visibility=Visibility.CLIENT),
        3,
        a_project="project_id",
        a_text1="name",
        a_text2="status",
        a_at="completed_at",
        a_day="due_date",
        a_day2="baseline_due_date",
        a_key1="id",
    )
    rows: dict[int, list[dict[str, Any]]] = {0: [], 1: [], 2: [], 3: []}
    for row in deliverables.union(requirements, changes, milestones, all=True):
        rows[row["a_source"]].append(row)
    milestones_of: dict[int, list[_MilestoneRow]] = {pk: [] for pk in ids}
    for row in sorted(rows[3], key=lambda row: (row["a_day"], row["a_key1"])):
        milestones_of[row["a_project"]].append(
            _MilestoneRow(
                pk=row["a_key1"],
                name=row["a_text1"],
                status=row["a_text2"],
                due_date=row["a_day"],
                baseline_due_date=row["a_day2"],
                completed_at=row["a_at"],
            )
        )
    # The deliverables by submission (none last, as PostgreSQL orders them), then id; the
    # requirements and the change requests by number.
    for row in sorted(
        rows[0], key=lambda row: (row["a_at"] is None, row["a_at"] or 0, row["a_key1"])
    ):
        result[row["a_project"]]["deliverables"].append(
            {
                "name": row["a_text1"],
                "milestone": row["a_text2"],
                "submitted_at": _iso(row["a_at"]),
                "due_date": _iso(row["a_day"]),
            }
        )
    for row in sorted(rows[1], key=lambda row: row["a_key1"]):
        result[row["a_project"]]["requirements"].append(
            {
                "reference": f"REQ-{row['a_key1']}",
                "title": row["a_text1"],
                "priority": row["a_text2"],
            }
        )
    for row in sorted(rows[2], key=lambda row: row["a_key1"]):
        amount = row["a_amount"]
        result[row["a_project"]]["change_requests"].append(
            {
                "reference": f"CR-{row['a_key1']}",
                "title": row["a_text1"],
                "cost_impact": str(amount) if amount is not None else None,
            }
        )
    return result, milestones_of


# The report lists at most this many of the answers that took longer than agreed.
WAITING_LIMIT = 8


def _waiting_many(requests: Sequence[SnapshotRequest]) -> dict[int, dict[str, Any]]:
    """What waited beyond the agreed response time, as the client may read it (projects.waits),
    on each report's day: a fixed number of queries per distinct day (one, as a rule)."""
    by_day: dict[date, list[Project]] = {}
    for request in requests:
        by_day.setdefault(snapshot_day(request.until, request.time_zone), []).append(
            request.project
        )
    result: dict[int, dict[str, Any]] = {}
    for day, projects in by_day.items():
        shares = delay_shares_for(projects, today=day, client_view=True)
        for project in projects:
            share = shares[project.pk]
            result[project.pk] = {
                "response_days": share.response_days,
                "client_days": share.client_days,
                "team_days": share.team_days,
                "items": [
                    {
                        "kind": item.wait.kind,
                        "label": item.wait.label,
                        "party": item.wait.party,
                        "due": _iso(item.due),
                        "days_late": item.days_late,
                        "open": item.is_open,
                    }
                    for item in share.late[:WAITING_LIMIT]
                ],
            }
    return result


def _risks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "reference": risk["reference"],
            "title": risk["title"],
            "score": risk["score"],
            "level": risk["level"],
            "strategy": risk["strategy"],
            "owner": risk["owner"],
            "next_review_date": _iso(risk["next_review_date"]),
        }
        for risk in rows
    ]


def take_snapshots(requests: Sequence[SnapshotRequest]) -> dict[int, dict[str, Any]]:
    """The snapshots of several reports (one per project), by project id, as plain JSON. The
    parts read for all projects at once (health, progress, milestones, what awaits the client,
    risks) cost a fixed number of queries; only the sections other apps register
    (reports.sections) are read per project."""
    if not requests:
        return {}
    projects = [request.project for request in requests]
    health, progress = health_and_progress(
        [(request.project, snapshot_day(request.until, request.time_zone)) for request in requests]
    )
    awaiting, milestone_rows = _client_rows_many(projects)
    milestones = _milestones_many(requests, milestone_rows)
    waiting = _waiting_many(requests)
    risks = client_risks_for_reports(projects)
    return {
        request.project.pk: {
            "version": SNAPSHOT_VERSION,
            "project": {
                "name": request.project.name,
                "code": request.project.code,
                "client": request.project.client.name,
                "currency": request.project.currency,
            },
            "period": {"start": _iso(request.period_start), "end": _iso(request.period_end)},
            "taken_at": request.until.isoformat(),
            "time_zone": request.time_zone,
            "health": health[request.project.pk],
            "progress": _progress(
                request.project,
                progress[request.project.pk],
                snapshot_day(request.until, request.time_zone),
            ),
            "milestones": milestones[request.project.pk],
            "awaiting": awaiting[request.project.pk],
            "waiting": waiting[request.project.pk],
            "risks": _risks(risks[request.project.pk]),
            "sections": collect_sections(
                request.project, period_start=request.period_start, period_end=request.period_end
            ),
            "summary": request.summary.strip(),
        }
        for request in requests
    }


def take_snapshot(
    *,
    project: Project,
    period_start: date,
    period_end: date,
    until: datetime,
    summary: str,
    time_zone: str,
) -> dict[str, Any]:
    """Everything one report shows, as plain JSON (see take_snapshots)."""
    request = SnapshotRequest(project, period_start, period_end, until, summary, time_zone)
    return take_snapshots([request])[project.pk]
