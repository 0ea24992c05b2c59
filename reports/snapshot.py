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
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.utils import translation

from projects.health import project_health_many
from projects.models import Deliverable, Milestone, Project, Visibility
from projects.selectors.portfolio import client_progress_for
from reports.schedule import zone_of
from reports.sections import collect_sections
from risks.selectors import client_risks_for_report
from stakeholders.models import ChangeRequest, Requirement

SNAPSHOT_VERSION = 1
NEXT_MILESTONES_LIMIT = 5


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def health_snapshots(projects: Sequence[tuple[Project, date]]) -> dict[int, dict[str, Any]]:
    """The health part of the snapshots of several projects, each as of its own day: the
    reasons are sentences, so the health is read once per language, each time for all the
    projects of the same day at once (a fixed number of queries, however many projects)."""
    by_day: dict[date, list[Project]] = {}
    for project, today in projects:
        by_day.setdefault(today, []).append(project)
    result: dict[int, dict[str, Any]] = {}
    for today, same_day in by_day.items():
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                healths = project_health_many(same_day, today=today)
            for project in same_day:
                health = healths[project.pk]
                entry = result.setdefault(
                    project.pk,
                    {
                        "status": str(health.client_status),
                        "reasons": {},
                        "is_assessed_by_pm": bool(health.override),
                    },
                )
                # The PM's assessment: its written reason may be internal, so none is shown.
                entry["reasons"][code] = (
                    []
                    if health.override is not None
                    else [str(finding.reason) for finding in health.client_reasons]
                )
    return result


def snapshot_day(until: datetime, time_zone: str) -> date:
    """The client's day on which a report taken at `until` is taken."""
    return until.astimezone(zone_of(time_zone)).date()


def _progress(project: Project) -> dict[str, Any]:
    progress = client_progress_for(project=project)
    slip_days = None
    if project.baseline_end_date and project.end_date:
        slip_days = (project.end_date - project.baseline_end_date).days
    return {
        "accepted_percent": progress.accepted_percent,
        "milestones_completed": progress.milestones_completed,
        "milestones_total": progress.milestones_total,
        "baseline_end": _iso(project.baseline_end_date),
        "current_end": _iso(project.end_date),
        "slip_days": slip_days,
    }


def _milestones(project: Project, since: datetime, until: datetime, next_end: date) -> dict:
    visible = Milestone.objects.filter(project=project, visibility=Visibility.CLIENT)
    completed = visible.filter(
        status=Milestone.Status.COMPLETED, completed_at__gte=since, completed_at__lte=until
    ).order_by("completed_at", "id")
    upcoming = visible.exclude(status=Milestone.Status.COMPLETED).order_by("due_date", "id")
    due_next = [m for m in upcoming[:NEXT_MILESTONES_LIMIT] if m.due_date <= next_end] or list(
        upcoming[:1]
    )
    return {
        "completed": [
            {"name": m.name, "due_date": _iso(m.due_date), "completed_at": _iso(m.completed_at)}
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
    }


def _awaiting_client(project: Project) -> dict[str, list[dict[str, Any]]]:
    deliverables = (
        Deliverable.objects.filter(
            project=project,
            status=Deliverable.Status.SUBMITTED,
            visibility=Visibility.CLIENT,
            milestone__visibility=Visibility.CLIENT,
        )
        .select_related("milestone")
        .order_by("submitted_at", "id")
    )
    requirements = Requirement.objects.filter(
        project=project, status=Requirement.Status.CLARIFIED, visibility=Visibility.CLIENT
    ).order_by("number")
    changes = ChangeRequest.objects.filter(
        project=project,
        status=ChangeRequest.Status.ASSESSED,
        visibility=Visibility.CLIENT,
        client_approved_at__isnull=True,
    ).order_by("number")
    return {
        "deliverables": [
            {
                "name": d.name,
                "milestone": d.milestone.name,
                "submitted_at": _iso(d.submitted_at),
                "due_date": _iso(d.due_date),
            }
            for d in deliverables
        ],
        "requirements": [
            {"reference": r.reference, "title": r.title, "priority": r.priority}
            for r in requirements
        ],
        "change_requests": [
            {
                "reference": c.reference,
                "title": c.title,
                "cost_impact": str(c.cost_impact) if c.cost_impact is not None else None,
            }
            for c in changes
        ],
    }


def _risks(project: Project) -> list[dict[str, Any]]:
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
        for risk in client_risks_for_report(project)
    ]


def take_snapshot(
    *,
    project: Project,
    period_start: date,
    period_end: date,
    until: datetime,
    summary: str,
    time_zone: str,
    health: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the report shows, as plain JSON. `until` is the instant the report is taken
    (the scheduled run, or now for "send now"); milestones completed from the start of the
    period's first local day up to it count as completed this period. `health`: its part
    read already (health_snapshots, for a batch of projects)."""
    zone = zone_of(time_zone)
    since = datetime.combine(period_start, time.min, tzinfo=zone)
    today = snapshot_day(until, time_zone)
    if health is None:
        health = health_snapshots([(project, today)])[project.pk]
    return {
        "version": SNAPSHOT_VERSION,
        "project": {
            "name": project.name,
            "code": project.code,
            "client": project.client.name,
            "currency": project.currency,
        },
        "period": {"start": _iso(period_start), "end": _iso(period_end)},
        "taken_at": until.isoformat(),
        "time_zone": time_zone,
        "health": health,
        "progress": _progress(project),
        "milestones": _milestones(project, since, until, period_end + (period_end - period_start)),
        "awaiting": _awaiting_client(project),
        "risks": _risks(project),
        "sections": collect_sections(project, period_start=period_start, period_end=period_end),
        "summary": summary.strip(),
    }
