"""A new project started from a project archive (integrations.archive says what an archive holds).

`import_archive` reads the archive (`read_archive`: JSON, its format, its version: a newer one
is refused, saying so; each part of the right shape), checks what it can before writing (a code
in use, a reference to an item the archive does not hold), then creates the project and
everything it holds in one transaction through the services the pages use, acting as its PM:
`project_create`, `plan_import` (projects.copying), `membership_add`, `stakeholder_create`,
`raci_assign`, `requirement_create`, `risk_create`, `mitigation_action_add`, `meeting_create`,
`meeting_decision_record`. People are matched by e-mail; someone unknown, or of another client,
is reported in `people_left_out` and left out. A dry run, or any problem (a service's refusal
included), rolls the whole transaction back. Version 1 archives (no meetings, no baselines) are
read as well as version 2."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from common.errors import ApplicationError, InvalidInput, NotAllowed
from common.history import set_history_user
from integrations.archive import FORMAT, MAX_BYTES, READABLE_VERSIONS, REFERENCE_FIELDS, VERSION
from integrations.permissions import can_import_archive
from projects.copying import ShiftContext, plan_import, project_settings
from projects.models import (
    CLIENT_ROLES,
    STAFF_ROLES,
    Baseline,
    BaselineEntry,
    Milestone,
    Phase,
    Project,
    Role,
    Task,
)
from projects.models.delivery import Deliverable
from projects.services.memberships import membership_add
from projects.services.projects import ProjectData, project_create
from risks.models import Risk
from risks.services.actions import mitigation_action_add
from risks.services.register import risk_create
from stakeholders.models import (
    ActionItem,
    ChangeRequest,
    RaciLetter,
    Requirement,
    ScheduleImpact,
    Stakeholder,
)
from stakeholders.services.meetings import meeting_create, meeting_decision_record
from stakeholders.services.register import (
    communication_item_create,
    raci_assign,
    stakeholder_create,
)
from stakeholders.services.requirements import requirement_create

PROJECT_DATA_FIELDS = frozenset(item.name for item in dataclass_fields(ProjectData))


# --- Import ---------------------------------------------------------------------------------------


def read_archive(content: bytes) -> dict[str, Any]:
    """The archive in `content`. InvalidInput on `file` for anything but a readable archive of
    a version this Rapport knows (a newer one is refused, saying so)."""
    if len(content) > MAX_BYTES:
        raise InvalidInput(
            _("The archive is too large: at most %(size)d MB.")
            % {"size": MAX_BYTES // (1024 * 1024)},
            field="file",
        )
    try:
        archive = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InvalidInput(
            _("This file is not a JSON document: choose a project archive exported by Rapport."),
            field="file",
        ) from None
    if not isinstance(archive, dict) or archive.get("format") != FORMAT:
        raise InvalidInput(
            _("This file is not a Rapport project archive."),
            field="file",
        )
    version = archive.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > VERSION:
        raise InvalidInput(
            _(
                "This archive was made by a newer version of Rapport (archive version "
                "%(version)d; this one reads version %(known)d): import it there, or ask for an "
                "upgrade."
            )
            % {"version": version, "known": VERSION},
            field="file",
        )
    if isinstance(version, bool) or version not in READABLE_VERSIONS:
        raise InvalidInput(
            _("Unknown archive version: %(version)s.") % {"version": version}, field="file"
        )
    for name, kind in OPTIONAL_SECTIONS.items():
        archive.setdefault(name, kind())
    if version == 1:
        for name, kind in SECTIONS_SINCE_2.items():
            archive.setdefault(name, kind())
    for name, kind in {**SECTIONS, **OPTIONAL_SECTIONS, **SECTIONS_SINCE_2}.items():
        if not isinstance(archive.get(name), kind):
            raise InvalidInput(
                _("The archive is damaged: its part “%(name)s” is missing or not valid.")
                % {"name": name},
                field="file",
            )
    return archive


SECTIONS: dict[str, type] = {
    "project": dict,
    "plan": dict,
    "members": list,
    "stakeholders": list,
    "raci": list,
    "requirements": list,
    "risks": list,
    "documents": list,
}
# Parts a version 1 archive may lack (written by an earlier build of version 1): none is created.
OPTIONAL_SECTIONS: dict[str, type] = {"communication_plan": list, "change_requests": list}
# Parts version 2 added: a version 1 archive has none (read as empty), a version 2 one has all.
SECTIONS_SINCE_2: dict[str, type] = {"meetings": list, "baselines": list}


@dataclass
class ArchiveReport:
    """What an import met: what it creates, every problem (any one stops it) and the people it
    leaves out (unknown, or not of the new project's organisations: they are only reported)."""

    source: dict[str, Any]
    counts: list[tuple[str, int]]
    problems: list[str] = field(default_factory=list)
    people_left_out: list[str] = field(default_factory=list)
    written: bool = False
    project: Project | None = None

    @property
    def is_valid(self) -> bool:
        return not self.problems


def _count(archive: dict[str, Any]) -> list[tuple[str, int]]:
    parts = archive["plan"].get("parts", {})
    milestones = parts.get("milestones", [])
    tasks = parts.get("tasks", {})
    return [
        (_("Objectives"), len(parts.get("project", {}).get("objectives", []))),
        (_("Milestones"), len(milestones)),
        (_("Deliverables"), sum(len(item.get("deliverables", [])) for item in milestones)),
        (_("Tasks"), len(tasks.get("tasks", []))),
        (_("Dependencies"), len(tasks.get("dependencies", []))),
        (_("Members"), len(archive["members"])),
        (_("Stakeholders"), len(archive["stakeholders"])),
        (_("RACI cells"), len(archive["raci"])),
        (_("Communication plan lines"), len(archive["communication_plan"])),
        (_("Requirements"), len(archive["requirements"])),
        (_("Risks"), len(archive["risks"])),
        (_("Change requests"), len(archive["change_requests"])),
        (_("Meetings"), len(archive["meetings"])),
        (
            _("Action items"),
            sum(len(row.get("action_items", [])) for row in archive["meetings"]),
        ),
        (_("Baselines"), len(archive["baselines"])),
    ]


def _missing_references(archive: dict[str, Any]) -> list[str]:
    keys: set[str] = set()
    references: list[str] = []

    def walk(value: object, name: str) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("key"), str):
                keys.add(value["key"])
            for field_name, item in value.items():
                walk(item, field_name)
        elif isinstance(value, list):
            for item in value:
                walk(item, name)
        elif isinstance(value, str) and name in REFERENCE_FIELDS and name != "key":
            references.append(value)

    parts = {**SECTIONS, **OPTIONAL_SECTIONS, **SECTIONS_SINCE_2}
    walk({name: archive[name] for name in parts if name != "documents"}, "")
    missing = sorted({reference for reference in references if reference not in keys})
    return [
        _("The archive refers to the item %(key)s, which it does not hold.") % {"key": key}
        for key in missing
    ]


class _People:
    """The new project's people by e-mail, and those left out (each reported once)."""

    def __init__(self, report: ArchiveReport) -> None:
        self.report = report
        self.members: dict[str, User] = {}

    def leave_out(self, email: str, reason: str) -> None:
        line = f"{email}: {reason}"
        if line not in self.report.people_left_out:
            self.report.people_left_out.append(line)

    def get(self, email: object) -> User | None:
        if not isinstance(email, str) or not email:
            return None
        user = self.members.get(email.casefold())
        if user is None:
            self.leave_out(email, _("not a member of the new project"))
        return user


def _add_members(project: Project, archive: dict[str, Any], actor: User, people: _People) -> None:
    people.members[actor.email.casefold()] = actor
    users = {
        user.email.casefold(): user
        for user in User.objects.filter(
            email__in=[str(row.get("email", "")) for row in archive["members"]]
        )
    }
    for row in archive["members"]:
        email, role = str(row["email"]), str(row["role"])
        user = users.get(email.casefold())
        if user is None or not user.is_active:
            people.leave_out(email, _("nobody has this e-mail address here"))
            continue
        if user == actor:
            continue
        same_side = (
            role in STAFF_ROLES
            if user.is_provider_user
            else (role in CLIENT_ROLES and user.organization_id == project.client_id)
        )
        if not same_side:
            people.leave_out(email, _("of another organisation than the new project's"))
            continue
        membership_add(actor=actor, project=project, user=user, role=role)
        people.members[email.casefold()] = user


def _create_project(
    *,
    actor: User,
    archive: dict[str, Any],
    client: Organization,
    code: str,
    name: str,
    start_date: date | None,
) -> tuple[Project, ShiftContext]:
    source = archive["project"]
    start = start_date or date.fromisoformat(str(source["start_date"]))
    context = ShiftContext(actor=actor, start=start, today=timezone.localdate())
    plan = archive["plan"]
    settings = project_settings(plan, context)
    budget = source.get("budget")
    phase = str(source.get("phase") or Phase.INITIATION)
    data = ProjectData(
        name=name or str(source["name"]),
        code=code,
        # A new project is open: an archive of a closed project starts again in initiation.
        phase=phase if phase != Phase.CLOSED else Phase.INITIATION,
        start_date=start,
        budget=Decimal(budget) if budget is not None else None,
        **{key: value for key, value in settings.items() if key in PROJECT_DATA_FIELDS},
    )
    project = project_create(actor=actor, client=client, data=data)
    # The actor's roles are cached per user object: add the new one, for the parts' services.
    actor.project_roles[project.pk] = Role.PM
    plan_import(project, plan, context)
    return project, context


def _restore_statuses(plan: dict[str, Any], context: ShiftContext, people: _People) -> None:
    """Each milestone's, deliverable's and task's status, and each task's progress and assignee,
    as archived. Written directly: the transitions would notify the client of events that
    happened in the source project, and ask for acceptances already given there."""
    created = context.created
    for row in plan.get("parts", {}).get("milestones", []):
        Milestone.objects.filter(pk=created["milestones"][row["key"]].pk).update(
            status=str(row.get("status") or Milestone.Status.PLANNED),
            baseline_due_date=context.date_at(row.get("baseline_due")),
        )
        for item in row.get("deliverables", []):
            if "status" in item:
                Deliverable.objects.filter(pk=created["deliverables"][item["key"]].pk).update(
                    status=str(item["status"])
                )
    for row in plan.get("parts", {}).get("tasks", {}).get("tasks", []):
        if "status" in row:
            Task.objects.filter(pk=created["tasks"][row["key"]].pk).update(
                status=str(row["status"]),
                percent_complete=int(row.get("percent_complete", 0)),
                assignee=people.get(row.get("assignee")),
                baseline_start_date=context.date_at(row.get("baseline_start")),
                baseline_due_date=context.date_at(row.get("baseline_due")),
            )


def _import_register(
    project: Project, archive: dict[str, Any], context: ShiftContext, people: _People
) -> None:
    actor = context.actor
    created = context.created
    milestones, deliverables = created.get("milestones", {}), created.get("deliverables", {})
    stakeholders: dict[str, Stakeholder] = {}
    for row in archive["stakeholders"]:
        stakeholders[row["key"]] = stakeholder_create(
            actor=actor,
            project=project,
            name=str(row["name"]),
            organisation=str(row.get("organisation", "")),
            role=str(row.get("role", "")),
            contact=str(row.get("contact", "")),
            influence=int(row.get("influence", 3)),
            interest=int(row.get("interest", 3)),
            attitude=str(row["attitude"]),
            engagement_strategy=str(row.get("engagement_strategy", "")),
            user=people.get(row.get("member")),
            visibility=str(row["visibility"]),
        )
    # Each row's A first: raci_assign wants a row's A before its other letters.
    for cell in sorted(archive["raci"], key=lambda cell: cell["letter"] != RaciLetter.ACCOUNTABLE):
        stakeholder = stakeholders.get(cell.get("stakeholder") or "")
        user = people.get(cell.get("member")) if stakeholder is None else None
        if stakeholder is None and user is None:
            continue
        raci_assign(
            actor=actor,
            project=project,
            letter=str(cell["letter"]),
            work_area=str(cell.get("work_area", "")),
            deliverable=deliverables[cell["deliverable"]] if cell.get("deliverable") else None,
            stakeholder=stakeholder,
            user=user,
        )
    for row in archive["communication_plan"]:
        communication_item_create(
            actor=actor,
            project=project,
            what=str(row["what"]),
            recipients=[stakeholders[key] for key in row.get("recipients", [])],
            sender=people.get(row.get("sender")),
            channel=str(row.get("channel", "")),
            frequency=str(row.get("frequency", "")),
            visibility=str(row["visibility"]),
        )
    requirements = {}
    for row in archive["requirements"]:
        requirement = requirement_create(
            actor=actor,
            project=project,
            title=str(row["title"]),
            description=str(row.get("description", "")),
            priority=str(row["priority"]),
            acceptance_notes=str(row.get("acceptance_notes", "")),
            visibility=str(row["visibility"]),
            milestones=[milestones[key] for key in row.get("milestones", [])],
            deliverables=[deliverables[key] for key in row.get("deliverables", [])],
        )
        # Written directly: the status and source record what happened in the source project
        # (a client's submission and sign-off), which no transition here may claim again.
        Requirement.objects.filter(pk=requirement.pk).update(
            status=str(row["status"]), source=str(row["source"])
        )
        requirements[row["key"]] = requirement
    for row in archive["risks"]:
        risk = risk_create(
            actor=actor,
            project=project,
            title=str(row["title"]),
            description=str(row.get("description", "")),
            category=str(row["category"]),
            cause=str(row.get("cause", "")),
            effect=str(row.get("effect", "")),
            probability=row.get("probability"),
            impact=row.get("impact"),
            residual_probability=row.get("residual_probability"),
            residual_impact=row.get("residual_impact"),
            owner=people.get(row.get("owner")),
            strategy=str(row.get("strategy", "")),
            contingency_plan=str(row.get("contingency_plan", "")),
            trigger=str(row.get("trigger", "")),
            proximity=context.date_at(row.get("proximity")),
            next_review_date=context.date_at(row.get("next_review_date")),
            visibility=str(row["visibility"]),
            internal_note=str(row.get("internal_note", "")),
            requirements=[requirements[key] for key in row.get("requirements", [])],
            milestones=[milestones[key] for key in row.get("milestones", [])],
        )
        for item in row.get("actions", []):
            action = mitigation_action_add(
                actor=actor,
                risk=risk,
                text=str(item["text"]),
                owner=people.get(item.get("owner")),
                due_date=context.date_at(item.get("due")),
            )
            if item.get("is_done"):
                action.is_done = True
                action.save(update_fields=["is_done"])
        # Written directly, as the requirements' (an occurred or closed risk stays so).
        Risk.objects.filter(pk=risk.pk).update(status=str(row["status"]))
    baselines = _import_baselines(project, archive, context, people)
    _import_change_requests(project, archive, context, requirements, baselines)
    _import_meetings(project, archive, context, people, stakeholders)


def _import_baselines(
    project: Project, archive: dict[str, Any], context: ShiftContext, people: _People
) -> dict[str, Baseline]:
    """Each baseline as archived, created directly: baseline_set_first saves the plan as it is
    now, and a re-baseline belongs to a change request both sides approved. The project's
    current-baseline dates come from the archive's project part (as the items' do from the
    plan); whoever set a baseline not among the new project's people is replaced by the PM."""
    created = context.created
    milestones, tasks = created.get("milestones", {}), created.get("tasks", {})
    baselines: dict[str, Baseline] = {}
    for row in archive["baselines"]:
        budget = row.get("budget")
        baseline = Baseline(
            project=project,
            number=int(row["number"]),
            reason=str(row.get("reason", "")),
            change_reference=str(row.get("change_reference", "")),
            start_date=context.date_at(row.get("start")),
            end_date=context.date_at(row.get("end")),
            budget=Decimal(str(budget)) if budget is not None else None,
            scope_statement=str(row.get("scope_statement", "")),
            set_by=people.get(row.get("set_by")) or context.actor,
        )
        baseline.full_clean(exclude=["project", "set_by"])
        baseline.save()
        BaselineEntry.objects.bulk_create(
            BaselineEntry(
                baseline=baseline,
                kind=str(entry["kind"]),
                milestone=milestones[entry["milestone"]] if entry.get("milestone") else None,
                task=tasks[entry["task"]] if entry.get("task") else None,
                name=str(entry["name"]),
                visibility=str(entry["visibility"]),
                start_date=context.date_at(entry.get("start")),
                due_date=context.date_at(entry.get("due")),
                position=int(entry.get("position", 0)),
            )
            for entry in row.get("entries", [])
        )
        baselines[row["key"]] = baseline
    source = archive["project"]
    if "baseline_start" in source or "baseline_end" in source:
        Project.objects.filter(pk=project.pk).update(
            baseline_start_date=context.date_at(source.get("baseline_start")),
            baseline_end_date=context.date_at(source.get("baseline_end")),
        )
    return baselines


def _import_meetings(
    project: Project,
    archive: dict[str, Any],
    context: ShiftContext,
    people: _People,
    stakeholders: dict[str, Stakeholder],
) -> None:
    """Each meeting with its minutes and decisions through the services; its action items
    directly, since action_item_create notifies each owner of a new item: an owner not among
    the new project's people is replaced by the PM (and reported), a done item stays done."""
    actor = context.actor
    zone = ZoneInfo(project.client.time_zone)
    for row in archive["meetings"]:
        day = context.date_at(row.get("start"))
        if day is None:
            raise ValueError("a meeting without a day")
        starts_at = datetime.combine(day, time.fromisoformat(str(row.get("time") or "00:00")), zone)
        attendees = [people.get(email) for email in row.get("attendees", [])]
        meeting = meeting_create(
            actor=actor,
            project=project,
            title=str(row["title"]),
            starts_at=starts_at,
            location=str(row.get("location", "")),
            agenda=str(row.get("agenda", "")),
            minutes=str(row.get("minutes", "")),
            minutes_visibility=str(row["minutes_visibility"]),
            attendees=[person for person in attendees if person is not None],
            stakeholder_attendees=[
                stakeholders[key] for key in row.get("stakeholder_attendees", [])
            ],
            visibility=str(row["visibility"]),
        )
        for decision in row.get("decisions", []):
            meeting_decision_record(
                actor=actor,
                meeting=meeting,
                text=str(decision["text"]),
                decided_by=str(decision["decided_by"]),
            )
        for item in row.get("action_items", []):
            is_done = bool(item.get("is_done", False))
            action = ActionItem(
                meeting=meeting,
                text=str(item["text"]),
                owner=people.get(item.get("owner")) or actor,
                due_date=context.date_at(item.get("due")),
                is_done=is_done,
                done_at=timezone.now() if is_done else None,
            )
            action.full_clean(exclude=["meeting", "owner"])
            action.save()


def _import_change_requests(
    project: Project,
    archive: dict[str, Any],
    context: ShiftContext,
    requirements: dict[str, Requirement],
    baselines: dict[str, Baseline],
) -> None:
    """Created directly, not by change_request_create: that service tells the client of a new
    request, and an approved or rejected request would need both sides' decisions again. The
    archive's decisions are kept as they were (with the baseline a request set); the new
    project's PM is their requester."""
    milestones = context.created.get("milestones", {})
    for number, row in enumerate(archive["change_requests"], start=1):
        change = ChangeRequest(
            project=project,
            number=number,
            title=str(row["title"]),
            description=str(row.get("description", "")),
            reason=str(row.get("reason", "")),
            requested_by=context.actor,
            requested_side=str(row["requested_side"]),
            scope_impact=str(row.get("scope_impact", "")),
            cost_impact=Decimal(str(row.get("cost_impact") or 0)),
            contingency_impact=Decimal(str(row.get("contingency_impact") or 0)),
            rebaseline=bool(row.get("rebaseline", False)),
            status=str(row["status"]),
            rejection_reason=str(row.get("rejection_reason", "")),
            visibility=str(row["visibility"]),
            internal_note=str(row.get("internal_note", "")),
            baseline=baselines[row["baseline"]] if row.get("baseline") else None,
        )
        change.full_clean(exclude=["project", "requested_by", "baseline"])
        set_history_user(change, context.actor)
        change.save()
        change.requirements.set([requirements[key] for key in row.get("requirements", [])])
        ScheduleImpact.objects.bulk_create(
            ScheduleImpact(
                change_request=change,
                milestone=milestones[impact["milestone"]],
                days=int(impact["days"]),
            )
            for impact in row.get("schedule_impacts", [])
        )


def import_archive(
    *,
    actor: User,
    content: bytes,
    client: Organization,
    code: str,
    name: str = "",
    start_date: date | None = None,
    dry_run: bool,
) -> ArchiveReport:
    """Check the archive and, unless `dry_run`, start a new project for `client` from it.

    `actor` (who may start projects) becomes its PM and the author of everything it holds; the
    name is the archive's unless given; every date moves with `start_date` (the archive's start
    unless given). Raises NotAllowed for anyone else, InvalidInput on `file` for a file that is
    not an archive of a known version. Otherwise returns the report: what would be created,
    every problem (a code in use, a missing reference, a service's refusal) and the people left
    out. Everything is created in one transaction, or nothing (a dry run, or any problem)."""
    if not can_import_archive(actor):
        raise NotAllowed()
    archive = read_archive(content)
    source = archive["project"]
    report = ArchiveReport(
        source={
            "name": str(source.get("name", "")),
            "code": str(source.get("code", "")),
            "client": str(source.get("client", "")),
            "exported_at": str(archive.get("exported_at", "")),
        },
        counts=_count(archive),
    )
    code = code.strip()
    if Project.objects.filter(code=code).exists():
        report.problems.append(
            _("The code %(code)s is already used by another project.") % {"code": code}
        )
    report.problems.extend(_missing_references(archive))
    with transaction.atomic():
        if report.is_valid:
            try:
                _import(actor, archive, report, client, code, name, start_date)
            except ApplicationError as error:
                report.problems.append(str(error.message))
            except (
                KeyError,
                TypeError,
                ValueError,
                AttributeError,
                InvalidOperation,
                ValidationError,
            ):
                # Data not shaped as the export writes it (an archive edited by hand).
                report.problems.append(
                    _("The archive is damaged: some of its items cannot be read.")
                )
        report.written = not dry_run and report.is_valid
        if not report.written:
            transaction.set_rollback(True)
    if not report.written:
        report.project = None
    return report


def _import(
    actor: User,
    archive: dict[str, Any],
    report: ArchiveReport,
    client: Organization,
    code: str,
    name: str,
    start_date: date | None,
) -> None:
    with transaction.atomic():
        project, context = _create_project(
            actor=actor,
            archive=archive,
            client=client,
            code=code,
            name=name,
            start_date=start_date,
        )
        people = _People(report)
        _add_members(project, archive, actor, people)
        _restore_statuses(archive["plan"], context, people)
        _import_register(project, archive, context, people)
        report.project = project


def client_choices() -> list[tuple[int, str]]:
    """The client organisations a new project may be for."""
    return list(
        Organization.objects.filter(kind=Organization.Kind.CLIENT)
        .order_by("name")
        .values_list("pk", "name")
    )


def client_get(client_id: int) -> Organization:
    """The client organisation `client_id`; InvalidInput on `client` for anything else."""
    client = Organization.objects.filter(kind=Organization.Kind.CLIENT, pk=client_id).first()
    if client is None:
        raise InvalidInput(_("Choose a client organisation."), field="client")
    return client
