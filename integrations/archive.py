"""A whole project as a versioned JSON archive, for hand-over or backup, and a new project
started from one.

The archive (`export_archive`) is one JSON object:
`{"format": "rapport-project-archive", "version": 2, "exported_at", "files_included": false,
"project", "plan", "members", "stakeholders", "raci", "communication_plan", "requirements",
"risks", "change_requests", "documents", "meetings", "baselines"}`.

- **Dates** are whole days from the project's start (`projects.copying.day_offset`), but for
  `project.start_date` itself: an archive imported with another start moves every date with it.
- **References** between items are keys local to the archive (`m1`, `d1`, `t1`, `r1`, `k1`,
  `s1`, `c1`, `b1`), never database ids: the same project exports the same archive wherever it
  lives.
- **The plan** is the plan a template of the project would hold (`projects.copying`: objectives,
  milestones, deliverables with their acceptance criteria, the WBS with parents, dependencies
  (kind, lag) and constraints, the RACI, the report schedule, the survey automations), plus the
  status of each milestone, deliverable and task and the progress of each task, and their
  dates in the current baseline.
- **People** are e-mail addresses: members with their role, risk and action owners. On import
  they are matched by e-mail; someone unknown (or of another client than the new project's) is
  reported and left out, never created.
- **Documents** are metadata only (title, visibility, versions: file name, size, type, SHA-256,
  note): the files' bytes are not in the archive (`files_included` is false) and documents are
  not recreated by an import.
- **Meetings** (version 2): title, visibility, start (a day from the project's start and a time
  in the client's time zone), location, agenda, minutes and their visibility, attendees (by
  e-mail) and stakeholders attending, the decisions taken (text, by which side) and the action
  items (text, owner, due day, done or not).
- **Baselines** (version 2): each saved version of the plan with its number, reason, change
  request reference, dates, budget, scope and who set it, and its entries (each milestone's and
  task's name, visibility and dates then, and which item it was); a change request names the
  baseline it set.
- **Left out**, on purpose: the history of changes, comments and discussions, notifications and
  the outbox, survey invitations and answers, time and cost entries, status reports already
  sent, acceptance rounds and sign-offs (they record what people did in the source project, and
  a new project must not claim them), access tokens and webhooks (secrets).
- **Not yet in version 2**: requirements' earlier versions (the current text, status and version
  number are kept). This version reads version 1 archives too (without meetings and baselines).

Exporting is for the project's PM and staff admins (`can_export_archive`): the archive holds
internal items, so client people never download it. Importing (integrations.archive_import) is
for anyone who may start a project; it checks everything, then creates the new project and
everything it holds in one transaction through the services the pages use, acting as its PM. A
dry run, or any problem, rolls the whole transaction back: nothing is written unless everything
is."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.errors import InvalidInput, NotAllowed
from integrations.permissions import can_export_archive
from projects.copying import day_offset, plan_export
from projects.models import Baseline, Membership, Milestone, Project, Task
from projects.models.delivery import Deliverable
from projects.models.documents import Document
from risks.models import Risk
from stakeholders.models import (
    ChangeRequest,
    CommunicationItem,
    Meeting,
    RaciAssignment,
    Requirement,
    Stakeholder,
)

FORMAT = "rapport-project-archive"
VERSION = 2
# The versions this Rapport reads: version 1 has no meetings and no baselines.
READABLE_VERSIONS = (1, 2)
# The largest archive read (a project of thousands of items is well below).
MAX_BYTES = 20 * 1024 * 1024
# Fields whose values are references to other items of the archive.
REFERENCE_FIELDS = frozenset(
    {"key", "milestone", "parent", "predecessor", "successor", "deliverable", "stakeholder"}
    | {"task", "baseline"}
    | {"milestones", "deliverables", "requirements", "recipients", "stakeholder_attendees"}
)
DATABASE_KEY = re.compile(r"[mdtrkscb][0-9]+")
PROJECT_FIELDS = ("name", "code", "summary", "scope_statement", "out_of_scope", "currency")


# --- Export ---------------------------------------------------------------------------------------


def _email(user: User | None) -> str | None:
    return user.email if user is not None else None


def _money(value: object) -> str | None:
    return str(value) if value is not None else None


def _statuses(project: Project, plan: dict[str, Any]) -> None:
    """Add each milestone's, deliverable's and task's status to the plan (by its plan key), each
    task's progress and assignee, and each milestone's and task's dates in the current
    baseline."""
    milestones = {
        pk: (status, baseline_due)
        for pk, status, baseline_due in Milestone.objects.filter(project=project).values_list(
            "pk", "status", "baseline_due_date"
        )
    }
    deliverables = dict(
        Deliverable.objects.filter(milestone__project=project).values_list("pk", "status")
    )
    tasks = {
        row[0]: row[1:]
        for row in Task.objects.filter(project=project).values_list(
            "pk",
            "status",
            "percent_complete",
            "assignee__email",
            "baseline_start_date",
            "baseline_due_date",
        )
    }
    parts = plan["parts"]
    for milestone in parts.get("milestones", []):
        status, baseline_due = milestones[int(milestone["key"][1:])]
        milestone["status"] = status
        milestone["baseline_due"] = day_offset(project, baseline_due)
        for deliverable in milestone["deliverables"]:
            deliverable["status"] = deliverables[int(deliverable["key"][1:])]
    for task in parts.get("tasks", {}).get("tasks", []):
        status, percent, assignee, baseline_start, baseline_due = tasks[int(task["key"][1:])]
        task["status"], task["percent_complete"], task["assignee"] = status, percent, assignee
        task["baseline_start"] = day_offset(project, baseline_start)
        task["baseline_due"] = day_offset(project, baseline_due)


def _members(project: Project) -> list[dict[str, Any]]:
    memberships = Membership.objects.filter(project=project).select_related("user")
    return [
        {"email": membership.user.email, "role": membership.role}
        for membership in memberships.order_by("user__email")
    ]


def _stakeholders(project: Project) -> list[dict[str, Any]]:
    rows = Stakeholder.objects.filter(project=project).select_related("user").order_by("pk")
    return [
        {
            "key": f"s{row.pk}",
            "name": row.name,
            "organisation": row.organisation,
            "role": row.role,
            "contact": row.contact,
            "influence": row.influence,
            "interest": row.interest,
            "attitude": row.attitude,
            "engagement_strategy": row.engagement_strategy,
            "member": _email(row.user),
            "visibility": row.visibility,
        }
        for row in rows
    ]


def _raci(project: Project) -> list[dict[str, Any]]:
    cells = RaciAssignment.objects.filter(project=project).select_related("user")
    return [
        {
            "work_area": cell.work_area,
            "deliverable": f"d{cell.deliverable_id}" if cell.deliverable_id else None,
            "stakeholder": f"s{cell.stakeholder_id}" if cell.stakeholder_id else None,
            "member": _email(cell.user),
            "letter": cell.letter,
        }
        for cell in cells.order_by("work_area", "deliverable_id", "letter", "pk")
    ]


def _communication_plan(project: Project) -> list[dict[str, Any]]:
    rows = (
        CommunicationItem.objects.filter(project=project)
        .select_related("sender")
        .prefetch_related("recipients")
        .order_by("pk")
    )
    return [
        {
            "what": row.what,
            "recipients": [f"s{item.pk}" for item in sorted(row.recipients.all(), key=_pk)],
            "sender": _email(row.sender),
            "channel": row.channel,
            "frequency": row.frequency,
            "visibility": row.visibility,
        }
        for row in rows
    ]


def _change_requests(project: Project) -> list[dict[str, Any]]:
    rows = (
        ChangeRequest.objects.filter(project=project)
        .prefetch_related("requirements", "schedule_impacts")
        .order_by("number")
    )
    return [
        {
            "key": f"c{row.pk}",
            "title": row.title,
            "description": row.description,
            "reason": row.reason,
            "requested_side": row.requested_side,
            "scope_impact": row.scope_impact,
            "cost_impact": _money(row.cost_impact),
            "contingency_impact": _money(row.contingency_impact),
            "rebaseline": row.rebaseline,
            "baseline": f"b{row.baseline_id}" if row.baseline_id else None,
            "status": row.status,
            "rejection_reason": row.rejection_reason,
            "visibility": row.visibility,
            "internal_note": row.internal_note,
            "requirements": [f"r{item.pk}" for item in sorted(row.requirements.all(), key=_pk)],
            "schedule_impacts": [
                {"milestone": f"m{impact.milestone_id}", "days": impact.days}
                for impact in sorted(row.schedule_impacts.all(), key=_pk)
            ],
        }
        for row in rows
    ]


def _pk(item: Any) -> int:
    return int(item.pk)


def _requirements(project: Project) -> list[dict[str, Any]]:
    rows = (
        Requirement.objects.filter(project=project)
        .prefetch_related("milestones", "deliverables")
        .order_by("number")
    )
    return [
        {
            "key": f"r{row.pk}",
            "reference": f"REQ-{row.number}",
            "title": row.title,
            "description": row.description,
            "source": row.source,
            "priority": row.priority,
            "acceptance_notes": row.acceptance_notes,
            "visibility": row.visibility,
            "status": row.status,
            "version": row.version,
            "milestones": [f"m{item.pk}" for item in row.milestones.all()],
            "deliverables": [f"d{item.pk}" for item in row.deliverables.all()],
        }
        for row in rows
    ]


def _risks(project: Project) -> list[dict[str, Any]]:
    rows = (
        Risk.objects.filter(project=project)
        .select_related("owner")
        .prefetch_related("actions__owner", "requirements", "milestones")
        .order_by("number")
    )
    return [
        {
            "key": f"k{row.pk}",
            "title": row.title,
            "description": row.description,
            "category": row.category,
            "cause": row.cause,
            "effect": row.effect,
            "probability": row.probability,
            "impact": row.impact,
            "residual_probability": row.residual_probability,
            "residual_impact": row.residual_impact,
            "owner": _email(row.owner),
            "strategy": row.strategy,
            "contingency_plan": row.contingency_plan,
            "trigger": row.trigger,
            "proximity": day_offset(project, row.proximity),
            "next_review_date": day_offset(project, row.next_review_date),
            "status": row.status,
            "visibility": row.visibility,
            "internal_note": row.internal_note,
            "requirements": [f"r{item.pk}" for item in row.requirements.all()],
            "milestones": [f"m{item.pk}" for item in row.milestones.all()],
            "actions": [
                {
                    "text": action.text,
                    "owner": _email(action.owner),
                    "due": day_offset(project, action.due_date),
                    "is_done": action.is_done,
                }
                for action in sorted(row.actions.all(), key=lambda action: action.pk)
            ],
        }
        for row in rows
    ]


def _documents(project: Project) -> list[dict[str, Any]]:
    rows = Document.objects.filter(project=project).prefetch_related("versions").order_by("pk")
    return [
        {
            "title": row.title,
            "visibility": row.visibility,
            "milestone": f"m{row.milestone_id}" if row.milestone_id else None,
            "deliverable": f"d{row.deliverable_id}" if row.deliverable_id else None,
            "versions": [
                {
                    "number": version.number,
                    "file_name": version.original_name,
                    "size": version.size,
                    "content_type": version.content_type,
                    "sha256": version.sha256,
                    "note": version.note,
                }
                for version in sorted(row.versions.all(), key=lambda version: version.number)
            ],
        }
        for row in rows
    ]


def _meeting_start(project: Project, moment: datetime) -> tuple[int | None, str]:
    """When a meeting starts: the day (from the project's start) and the time, both in the
    client's time zone, so that an import with another start keeps the hour."""
    local = moment.astimezone(ZoneInfo(project.client.time_zone))
    return day_offset(project, local.date()), local.strftime("%H:%M")


def _meetings(project: Project) -> list[dict[str, Any]]:
    rows = (
        Meeting.objects.filter(project=project)
        .prefetch_related("attendees", "stakeholder_attendees", "decisions", "action_items__owner")
        .order_by("starts_at", "pk")
    )
    meetings = []
    for row in rows:
        day, time = _meeting_start(project, row.starts_at)
        meetings.append(
            {
                "title": row.title,
                "visibility": row.visibility,
                "start": day,
                "time": time,
                "location": row.location,
                "agenda": row.agenda,
                "minutes": row.minutes,
                "minutes_visibility": row.minutes_visibility,
                "attendees": sorted(person.email for person in row.attendees.all()),
                "stakeholder_attendees": [
                    f"s{item.pk}" for item in sorted(row.stakeholder_attendees.all(), key=_pk)
                ],
                "decisions": [
                    {"text": decision.text, "decided_by": decision.decided_by}
                    for decision in sorted(row.decisions.all(), key=_pk)
                ],
                "action_items": [
                    {
                        "text": item.text,
                        "owner": _email(item.owner),
                        "due": day_offset(project, item.due_date),
                        "is_done": item.is_done,
                    }
                    for item in sorted(row.action_items.all(), key=_pk)
                ],
            }
        )
    return meetings


def _baselines(project: Project) -> list[dict[str, Any]]:
    rows = (
        Baseline.objects.filter(project=project)
        .select_related("set_by")
        .prefetch_related("entries")
        .order_by("number")
    )
    return [
        {
            "key": f"b{row.pk}",
            "number": row.number,
            "reason": row.reason,
            "change_reference": row.change_reference,
            "start": day_offset(project, row.start_date),
            "end": day_offset(project, row.end_date),
            "budget": _money(row.budget),
            "scope_statement": row.scope_statement,
            "set_by": _email(row.set_by),
            "entries": [
                {
                    "kind": entry.kind,
                    "milestone": f"m{entry.milestone_id}" if entry.milestone_id else None,
                    "task": f"t{entry.task_id}" if entry.task_id else None,
                    "name": entry.name,
                    "visibility": entry.visibility,
                    "start": day_offset(project, entry.start_date),
                    "due": day_offset(project, entry.due_date),
                    "position": entry.position,
                }
                for entry in sorted(
                    row.entries.all(), key=lambda entry: (entry.kind, entry.position, entry.pk)
                )
            ],
        }
        for row in rows
    ]


def _local_keys(archive: dict[str, Any]) -> dict[str, Any]:
    """The archive with every key made of a database id (`m12`) replaced by its rank in the
    archive (`m1`, `m2` ...), in the key itself and wherever a reference field names it."""
    mapping: dict[str, str] = {}
    counts: dict[str, int] = {}

    def collect(value: object) -> None:
        if isinstance(value, dict):
            key = value.get("key")
            if isinstance(key, str) and DATABASE_KEY.fullmatch(key) and key not in mapping:
                counts[key[0]] = counts.get(key[0], 0) + 1
                mapping[key] = f"{key[0]}{counts[key[0]]}"
            for item in value.values():
                collect(item)
        elif isinstance(value, list):
            for item in value:
                collect(item)

    def replace(value: object, name: str) -> object:
        if isinstance(value, dict):
            return {field: replace(item, field) for field, item in value.items()}
        if isinstance(value, list):
            return [replace(item, name) for item in value]
        if isinstance(value, str) and name in REFERENCE_FIELDS:
            return mapping.get(value, value)
        return value

    collect(archive)
    return {name: replace(value, name) for name, value in archive.items()}


def export_archive(*, actor: User, project: Project) -> dict[str, Any]:
    """The project's archive (see the module's docstring). Raises NotAllowed unless `actor` is
    its PM or a staff admin, InvalidInput on `start_date` for a project without a start (every
    date of the archive counts from it). Works for a closed project as for an open one."""
    if not can_export_archive(actor, project):
        raise NotAllowed()
    if project.start_date is None:
        raise InvalidInput(
            _("Give the project a start date first: the archive's dates count from it."),
            field="start_date",
        )
    plan = plan_export(project)
    # The plan's RACI names roles instead of people (for a template); the archive keeps the
    # people themselves, in its own section.
    plan["parts"].pop("raci", None)
    _statuses(project, plan)
    archive = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "files_included": False,
        "project": {
            **{name: getattr(project, name) for name in PROJECT_FIELDS},
            "start_date": project.start_date.isoformat(),
            "end": day_offset(project, project.end_date),
            "baseline_start": day_offset(project, project.baseline_start_date),
            "baseline_end": day_offset(project, project.baseline_end_date),
            "budget": _money(project.budget),
            "phase": project.phase,
            "client": project.client.name,
        },
        "plan": plan,
        "members": _members(project),
        "stakeholders": _stakeholders(project),
        "raci": _raci(project),
        "communication_plan": _communication_plan(project),
        "requirements": _requirements(project),
        "risks": _risks(project),
        "change_requests": _change_requests(project),
        "documents": _documents(project),
        "meetings": _meetings(project),
        "baselines": _baselines(project),
    }
    return _local_keys(archive)
