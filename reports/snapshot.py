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

from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.utils import translation

from projects.health import project_health
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


def _health(project: Project, today: date) -> dict[str, Any]:
    reasons: dict[str, list[str]] = {}
    status = None
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            health = project_health(project, today=today)
            status = health.client_status
            reasons[code] = [str(finding.reason) for finding in health.client_reasons]
            if health.override is not None:
                reasons[code] = []  # the PM's assessment: its written reason may be internal
    return {"status": str(status), "reasons": reasons, "is_assessed_by_pm": bool(health.override)}


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
) -> dict[str, Any]:
    """Everything the report shows, as plain JSON. `until` is the instant the report is taken
    (the scheduled run, or now for "send now"); milestones completed from the start of the
    period's first local day up to it count as completed this period."""
    zone = zone_of(time_zone)
    since = datetime.combine(period_start, time.min, tzinfo=zone)
    today = until.astimezone(zone).date()
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
        "health": _health(project, today),
        "progress": _progress(project),
        "milestones": _milestones(project, since, until, period_end + (period_end - period_start)),
        "awaiting": _awaiting_client(project),
        "risks": _risks(project),
        "sections": collect_sections(project, period_start=period_start, period_end=period_end),
        "summary": summary.strip(),
    }
