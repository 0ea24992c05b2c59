"""What a client signed off stays as signed.

Every kind of signed-off record — a requirement the client confirmed (and one delivered,
accepted or rejected), an approved and a rejected change request, an accepted and a rejected
acceptance round, a passed and a refused phase gate — is walked: each of its fields (found from
the model) and each input of each write path (found from the service modules, the OpenAPI schema,
the POST forms of its staff and portal pages and the admin) is changed in turn, as each person
who could try. Each attempt must either leave what the signature covers unchanged, or, for a
confirmed requirement, reopen the sign-off: a new version, awaiting the client's confirmation
again, the client told.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.models import OutboxMessage
from projects.models import (
    AcceptanceRound,
    CriterionResult,
    Deliverable,
    Document,
    DocumentVersion,
    PhaseGate,
    Visibility,
)
from projects.services.acceptance import FailedCriterion, deliverable_accept, deliverable_reject
from projects.services.deliverables import deliverable_create, quality_review_record
from projects.services.documents import deliverable_submit_with_files
from projects.services.gates import gate_checklist, phase_gate_decide, phase_gate_request
from projects.services.milestones import milestone_create
from stakeholders.models import ChangeRequest, Confirmation, Requirement, RequirementVersion
from stakeholders.services.changes import (
    change_request_approve,
    change_request_assess,
    change_request_create,
    change_request_reject,
)
from stakeholders.services.requirement_workflow import TRANSITIONS
from stakeholders.services.requirements import (
    requirement_confirm,
    requirement_create,
    requirement_transition,
)
from tests.signoff.walk import (
    CHANGED_TEXT,
    Walk,
    editable_fields,
    fields_of,
    walk_admin,
    walk_api,
    walk_pages,
    walk_services,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
S = Requirement.Status

# A requirement's fields that its sign-off does not cover, and why. Every other field of the
# model is walked; a new field joins the walk by itself.
REQUIREMENT_NOT_SIGNED = {
    "status": "the workflow moves on after the sign-off (start, deliver, accept, defer, reject)",
    "status_reason": "the reason of a workflow step",
    "updated_at": "bookkeeping",
    "revision": "bookkeeping: counts the saves of the row, for the lost-update check",
    "milestones": "the team's tracing to its plan, not the content the client confirmed",
    "deliverables": "the team's tracing to its plan, not the content the client confirmed",
}


@dataclass
class World:
    cast: Any
    milestone: Any
    other_milestone: Any
    deliverable: Any
    requirement: Requirement

    @property
    def project(self):
        return self.cast.project


@pytest.fixture
def world(cast):
    pm = cast.pm
    milestone = milestone_create(
        actor=pm, project=cast.project, name="Go-live", due_date=date(2027, 3, 1)
    )
    other = milestone_create(
        actor=pm, project=cast.project, name="Hypercare", due_date=date(2027, 4, 1)
    )
    deliverable = deliverable_create(
        actor=pm, milestone=other, name="Runbook", criteria=["Every step tested"]
    )
    requirement = requirement_create(
        actor=pm, project=cast.project, title="Label pallets", visibility=Visibility.CLIENT
    )
    return World(cast, milestone, other, deliverable, requirement)


def a_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf")


# --- The signed-off records ---------------------------------------------------------------------


def _requirement(w: World, *, until: str) -> Requirement:
    cast = w.cast
    requirement = requirement_create(
        actor=cast.pm,
        project=w.project,
        title="Scan barcodes",
        description="At the dock.",
        priority=Requirement.Priority.MUST,
        acceptance_notes="Ten pallets a minute.",
        visibility=Visibility.CLIENT,
        milestones=[w.milestone],
    )
    requirement_transition(actor=cast.pm, requirement=requirement, to="clarify")
    requirement_confirm(actor=cast.rep, requirement=requirement, version=1)
    steps = {
        "confirmed": [],
        "in_progress": [(cast.pm, "start")],
        "delivered": [(cast.pm, "start"), (cast.pm, "deliver")],
        "accepted": [(cast.pm, "start"), (cast.pm, "deliver"), (cast.rep, "accept")],
        "rejected": [(cast.pm, "reject")],
    }[until]
    for actor, step in steps:
        requirement_transition(actor=actor, requirement=requirement, to=step, reason="Agreed")
    return Requirement.objects.get(pk=requirement.pk)


def _requirement_signed(requirement: Requirement) -> dict[str, Any]:
    values = fields_of(requirement, leave_out=REQUIREMENT_NOT_SIGNED)
    values["confirmations"] = list(
        Confirmation.objects.filter(requirement=requirement)
        .order_by("pk")
        .values_list("version", "title", "description", "priority", "acceptance_notes")
    )
    values["versions"] = list(
        RequirementVersion.objects.filter(requirement=requirement)
        .order_by("number")
        .values_list("number", "title", "description", "priority", "acceptance_notes")
    )
    return values


def _requirement_reopened(requirement: Requirement) -> Callable[[dict[str, Any]], bool]:
    def reopened(before: dict[str, Any]) -> bool:
        """A new version of exactly the new content, awaiting the client's confirmation, the
        earlier confirmations kept, and the client's deciders told."""
        current = Requirement.objects.get(pk=requirement.pk)
        newest = current.versions.order_by("-number").first()
        content = tuple(getattr(current, name) for name in Requirement.SIGNED_FIELDS)
        return (
            current.status == S.CLARIFIED
            and current.version == before["version"] + 1
            and newest is not None
            and newest.number == current.version
            and (newest.title, newest.description, newest.priority, newest.acceptance_notes)
            == content
            and list(
                Confirmation.objects.filter(requirement=current)
                .order_by("pk")
                .values_list("version", "title", "description", "priority", "acceptance_notes")
            )
            == before["confirmations"]
            and OutboxMessage.objects.filter(
                kind="requirement_clarified",
                dedupe_key__startswith=f"requirement-clarified:{current.pk}:{current.version}:",
            ).count()
            == 2  # the client admin and the representative
        )

    return reopened


def _change_request(w: World, *, approved: bool) -> ChangeRequest:
    cast = w.cast
    cr = change_request_create(
        actor=cast.pm,
        project=w.project,
        title="Add a scanner",
        description="A second one.",
        reason="Volume.",
        requirements=[w.requirement.pk],
    )
    change_request_assess(
        actor=cast.pm,
        change_request=cr,
        scope_impact="One more device.",
        cost_impact=Decimal("500.00"),
        schedule={w.milestone.pk: 3},
        internal_note="Two days of work.",
        visibility=Visibility.CLIENT,
    )
    if approved:
        change_request_approve(actor=cast.pm, change_request=cr)
        change_request_approve(actor=cast.client_admin, change_request=cr)
    else:
        change_request_reject(actor=cast.client_admin, change_request=cr, reason="Too costly.")
    return ChangeRequest.objects.get(pk=cr.pk)


def _change_request_signed(cr: ChangeRequest) -> dict[str, Any]:
    values = fields_of(cr)
    values["schedule"] = sorted(cr.schedule_impacts.values_list("milestone_id", "days"))
    return values


def _round(w: World, *, accepted: bool) -> AcceptanceRound:
    cast = w.cast
    deliverable = deliverable_create(
        actor=cast.pm,
        milestone=w.milestone,
        name="Data migration",
        description="All open orders.",
        criteria=["Orders migrated", "Stock reconciles"],
    )
    quality_review_record(actor=cast.pm, deliverable=deliverable, passed=True)
    acceptance_round = deliverable_submit_with_files(
        actor=cast.pm, deliverable=deliverable, note="Please check.", files=[a_pdf()]
    )
    if accepted:
        deliverable_accept(actor=cast.rep, deliverable=deliverable, comment="Fine.")
    else:
        first = deliverable.criteria.order_by("position").first()
        deliverable_reject(
            actor=cast.rep,
            deliverable=deliverable,
            failed=[FailedCriterion(criterion_id=first.pk, reason="Ten orders missing.")],
        )
    return AcceptanceRound.objects.get(pk=acceptance_round.pk)


def _round_signed(acceptance_round: AcceptanceRound, *, with_status: bool) -> dict[str, Any]:
    values = fields_of(acceptance_round)
    deliverable = Deliverable.objects.get(pk=acceptance_round.deliverable_id)
    values["deliverable"] = fields_of(
        deliverable,
        leave_out=() if with_status else ("status", "submitted_at", "updated_at"),
    )
    values["criteria"] = list(deliverable.criteria.order_by("position").values_list("pk", "text"))
    values["results"] = sorted(
        CriterionResult.objects.filter(round=acceptance_round).values_list(
            "criterion_id", "passed", "reason"
        )
    )
    documents = Document.objects.filter(versions__acceptance_round=acceptance_round).distinct()
    values["documents"] = sorted(documents.values_list("pk", "title", "visibility"))
    values["document_versions"] = sorted(
        DocumentVersion.objects.filter(acceptance_round=acceptance_round).values_list(
            "pk", "document_id", "number", "file"
        )
    )
    return values


def _gate(w: World, *, passed: bool) -> PhaseGate:
    cast = w.cast
    w.project.gates_need_client_approval = True
    w.project.save(update_fields=["gates_need_client_approval"])
    gate = phase_gate_request(
        actor=cast.pm, project=w.project, checked=gate_checklist(w.project), note="Ready."
    )
    phase_gate_decide(
        actor=cast.client_admin, gate=gate, approve=passed, comment="" if passed else "Not yet."
    )
    return PhaseGate.objects.get(pk=gate.pk)


@dataclass
class Kind:
    name: str
    model: type
    build: Callable[[World], Any]
    signed: Callable[[Any], dict[str, Any]]
    reopens: bool
    service_modules: tuple[str, ...]
    targets: Callable[[Any], dict[str, Any]]
    collection: str
    api_object: Callable[[Any], int]
    pages: Callable[[World, Any], list[str]]


def _requirement_pages(w: World, r: Requirement) -> list[str]:
    return [
        f"/projects/{w.project.pk}/requirements/{r.pk}/",
        f"/portal/projects/{w.project.pk}/requirements/{r.pk}/",
    ]


def _requirement_kind(until: str) -> Kind:
    return Kind(
        name=f"requirement {until}",
        model=Requirement,
        build=lambda w: _requirement(w, until=until),
        signed=_requirement_signed,
        reopens=until in {"confirmed", "in_progress"},
        service_modules=("stakeholders.services.requirements",),
        targets=lambda r: {"requirement": r},
        collection="requirements",
        api_object=lambda r: r.pk,
        pages=_requirement_pages,
    )


def _change_request_kind(approved: bool) -> Kind:
    return Kind(
        name=f"change request {'approved' if approved else 'rejected'}",
        model=ChangeRequest,
        build=lambda w: _change_request(w, approved=approved),
        signed=_change_request_signed,
        reopens=False,
        service_modules=("stakeholders.services.changes",),
        targets=lambda cr: {"change_request": cr},
        collection="change-requests",
        api_object=lambda cr: cr.pk,
        pages=lambda w, cr: [
            f"/projects/{w.project.pk}/change-requests/{cr.pk}/",
            f"/portal/projects/{w.project.pk}/change-requests/{cr.pk}/",
        ],
    )


def _round_kind(accepted: bool) -> Kind:
    def targets(acceptance_round: AcceptanceRound) -> dict[str, Any]:
        document = Document.objects.filter(versions__acceptance_round=acceptance_round).first()
        return {
            "deliverable": acceptance_round.deliverable,
            "deliverable_id": acceptance_round.deliverable_id,
            "acceptance_round": acceptance_round,
            "document": document,
        }

    return Kind(
        name=f"acceptance round {'accepted' if accepted else 'rejected'}",
        model=AcceptanceRound,
        build=lambda w: _round(w, accepted=accepted),
        signed=lambda r: _round_signed(r, with_status=accepted),
        reopens=False,
        service_modules=(
            "projects.services.deliverables",
            "projects.services.acceptance",
            "projects.services.documents",
        ),
        targets=targets,
        collection="deliverables",
        api_object=lambda r: r.deliverable_id,
        pages=lambda w, r: [
            f"/projects/{w.project.pk}/deliverables/{r.deliverable_id}/",
            f"/portal/projects/{w.project.pk}/deliverables/{r.deliverable_id}/",
            f"/projects/{w.project.pk}/documents/",
        ],
    )


def _gate_kind(passed: bool) -> Kind:
    return Kind(
        name=f"phase gate {'passed' if passed else 'refused'}",
        model=PhaseGate,
        build=lambda w: _gate(w, passed=passed),
        signed=fields_of,
        reopens=False,
        service_modules=("projects.services.gates",),
        targets=lambda gate: {"gate": gate},
        collection="gates",
        api_object=lambda gate: gate.pk,
        pages=lambda w, gate: [
            f"/projects/{w.project.pk}/gate/",
            f"/portal/projects/{w.project.pk}/gates/{gate.pk}/",
        ],
    )


KINDS = [
    *(_requirement_kind(until) for until in ("confirmed", "in_progress")),
    *(_requirement_kind(until) for until in ("delivered", "accepted", "rejected")),
    _change_request_kind(approved=True),
    _change_request_kind(approved=False),
    _round_kind(accepted=True),
    _round_kind(accepted=False),
    _gate_kind(passed=True),
    _gate_kind(passed=False),
]


def _values(w: World, record: Any) -> dict[str, Callable[[], list[Any]]]:
    """Values to try, by parameter or input name: each differs from what was signed."""
    criterion = Deliverable.objects.get(pk=w.deliverable.pk).criteria.first()
    if isinstance(record, AcceptanceRound):
        criterion = record.deliverable.criteria.first()
    return {
        "title": lambda: [CHANGED_TEXT],
        "description": lambda: [CHANGED_TEXT],
        "priority": lambda: [Requirement.Priority.WONT, Requirement.Priority.COULD],
        "acceptance_notes": lambda: [CHANGED_TEXT],
        "visibility": lambda: [Visibility.INTERNAL, Visibility.CLIENT],
        "milestones": lambda: [[w.other_milestone]],
        "deliverables": lambda: [[w.deliverable]],
        "to": lambda: list(TRANSITIONS),
        "reason": lambda: [CHANGED_TEXT],
        "version": lambda: [getattr(record, "version", 1), getattr(record, "version", 1) + 1],
        # The revision a form or If-Match was read at (None: not compared).
        "revision": lambda: [None, getattr(record, "revision", 1)],
        "scope_impact": lambda: [CHANGED_TEXT],
        "cost_impact": lambda: [Decimal("9999.00")],
        "contingency_impact": lambda: [Decimal("777.00")],
        "rebaseline": lambda: [True, False],
        "schedule": lambda: [{w.milestone.pk: 30}, {w.other_milestone.pk: 5}],
        "internal_note": lambda: [CHANGED_TEXT],
        "requirements": lambda: [[w.requirement.pk], []],
        "comment": lambda: [CHANGED_TEXT],
        "note": lambda: [CHANGED_TEXT],
        "notes": lambda: [CHANGED_TEXT],
        "passed": lambda: [True, False],
        "approve": lambda: [True, False],
        "failed": lambda: [[FailedCriterion(criterion_id=criterion.pk, reason=CHANGED_TEXT)]],
        "criteria": lambda: [[{"criterion": criterion.pk, "reason": CHANGED_TEXT}]],
        "files": lambda: [[a_pdf()]],
        "file": lambda: [a_pdf()],
        "project": lambda: [w.project],
        "milestone": lambda: [w.other_milestone],
        "today": lambda: [None, date(2031, 1, 6)],
        "checked": lambda: [gate_checklist(w.project)],
        "user": lambda: [w.cast.pm],
    }


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_a_change_to_a_signed_off_record_reopens_it_or_is_refused(world, kind):
    cast = world.cast
    record = kind.build(world)
    reopened = _requirement_reopened(record) if kind.reopens else (lambda before: False)
    walk = Walk(read=lambda: kind.signed(record), reopened=reopened)
    values = _values(world, record)
    actors = {"pm": cast.pm, "client_admin": cast.client_admin, "rep": cast.rep}
    missing: list[str] = []

    walk_services(
        walk,
        modules=kind.service_modules,
        targets=kind.targets(record),
        actors=actors,
        values=values,
        missing=missing,
    )
    operations = walk_api(
        walk,
        collection=kind.collection,
        project_pk=world.project.pk,
        object_pk=kind.api_object(record),
        actors=actors,
        values=values,
        model_fields=editable_fields(kind.model),
    )
    forms = walk_pages(
        walk, urls=kind.pages(world, record), actors=actors, files={"files": a_pdf()}
    )
    walk_admin(walk, record=record, staff_admin=cast.staff_admin)

    assert missing == [], "give the walk values for these parameters"
    assert walk.problems == [], "\n".join(walk.problems)
    # The walk did walk: every path was tried, and refusals were seen on each.
    paths = {path for path, _outcome in walk.outcomes}
    assert {"service", "api", "page"} <= paths, walk.outcomes
    assert operations >= 1
    assert forms >= 1
    if kind.reopens:
        for name in Requirement.SIGNED_FIELDS:
            for path in ("service", "api", "page"):
                assert (path, name) in walk.reopened_by, (path, name)


def test_the_walk_sees_a_change_that_does_not_reopen(world):
    """The walk's own check fails when the signed content changes behind the sign-off."""
    record = _requirement(world, until="confirmed")
    walk = Walk(read=lambda: _requirement_signed(record), reopened=_requirement_reopened(record))

    walk.attempt(
        "service",
        "acceptance_notes",
        "a silent edit",
        lambda: Requirement.objects.filter(pk=record.pk).update(acceptance_notes="Quietly"),
    )

    assert walk.problems == ["a silent edit: changed ['acceptance_notes'] without reopening"]
    # And the attempt was rolled back.
    assert Requirement.objects.get(pk=record.pk).acceptance_notes == "Ten pallets a minute."


def test_every_field_of_the_signed_off_models_is_covered(world):
    """A new field of a signed-off model is walked unless a reason says the sign-off does not
    cover it."""
    requirement = _requirement(world, until="confirmed")
    covered = set(_requirement_signed(requirement)) | set(REQUIREMENT_NOT_SIGNED)
    assert set(editable_fields(Requirement)) <= covered
    assert set(Requirement.SIGNED_FIELDS) <= set(_requirement_signed(requirement))
    cr = _change_request(world, approved=True)
    assert set(editable_fields(ChangeRequest)) <= set(_change_request_signed(cr))
    acceptance_round = _round(world, accepted=True)
    assert set(editable_fields(AcceptanceRound)) <= set(
        _round_signed(acceptance_round, with_status=True)
    )
