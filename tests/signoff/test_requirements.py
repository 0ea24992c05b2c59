"""A requirement's sign-off covers its whole content (title, description, priority, acceptance
notes): a change after the client's confirmation makes a new version and asks the client again;
after delivery, acceptance or rejection it is refused. A client reads only the versions (and the
timeline) of the time the requirement was visible to them."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from common.errors import InvalidTransition
from notifications.models import OutboxMessage
from projects.models import Visibility
from stakeholders.models import Confirmation, Requirement, RequirementVersion
from stakeholders.services.requirements import (
    requirement_confirm,
    requirement_create,
    requirement_transition,
    requirement_update,
)

S = Requirement.Status
DRAFT_MARKER = "Xylograph-internal-draft"
REASON_MARKER = "Quokka-internal-reason"


def confirmed(cast, **extra) -> Requirement:
    requirement = requirement_create(
        actor=cast.pm,
        project=cast.project,
        title="Scan barcodes",
        description="At the dock.",
        priority=Requirement.Priority.MUST,
        acceptance_notes="Ten pallets a minute.",
        visibility=Visibility.CLIENT,
        **extra,
    )
    requirement_transition(actor=cast.pm, requirement=requirement, to="clarify")
    return requirement_confirm(actor=cast.rep, requirement=requirement, version=1)


def state(requirement: Requirement) -> dict:
    requirement.refresh_from_db()
    return {
        "content": [getattr(requirement, name) for name in Requirement.SIGNED_FIELDS],
        "status": requirement.status,
        "version": requirement.version,
        "versions": list(requirement.versions.values_list("number", flat=True)),
        "confirmations": Confirmation.objects.filter(requirement=requirement).count(),
        "outbox": OutboxMessage.objects.count(),
    }


def test_a_new_priority_after_the_sign_off_makes_a_version_and_asks_the_client_again(cast):
    requirement = confirmed(cast)

    requirement_update(actor=cast.pm, requirement=requirement, priority="could")

    requirement.refresh_from_db()
    assert (requirement.status, requirement.version, requirement.priority) == (
        S.CLARIFIED,
        2,
        "could",
    )
    versions = RequirementVersion.objects.filter(requirement=requirement).order_by("number")
    assert [(v.number, v.priority, v.acceptance_notes, v.visibility) for v in versions] == [
        (1, "must", "Ten pallets a minute.", "client"),
        (2, "could", "Ten pallets a minute.", "client"),
    ]
    signed = Confirmation.objects.get(requirement=requirement)
    assert (signed.version, signed.priority, signed.acceptance_notes) == (
        1,
        "must",
        "Ten pallets a minute.",
    )
    mails = OutboxMessage.objects.filter(
        kind="requirement_clarified",
        dedupe_key__startswith=f"requirement-clarified:{requirement.pk}:2:",
    ).order_by("to_email")
    assert [m.to_email for m in mails] == ["admin@a.test", "rep@a.test"]
    assert (
        "It changed since you confirmed version 1 (priority): your confirmation does not "
        "cover version 2." in mails[0].body_text
    )


def test_new_acceptance_notes_reopen_a_started_requirement_through_the_api(cast, client):
    requirement = confirmed(cast)
    requirement_transition(actor=cast.pm, requirement=requirement, to="start")
    client.force_login(cast.pm)

    response = client.patch(
        f"/api/v1/projects/{cast.project.pk}/requirements/{requirement.pk}/",
        {"acceptance_notes": "Twenty pallets a minute."},
        content_type="application/json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["version"], body["acceptance_notes"]) == (
        "clarified",
        2,
        "Twenty pallets a minute.",
    )
    versions = client.get(
        f"/api/v1/projects/{cast.project.pk}/requirements/{requirement.pk}/versions/"
    ).json()
    assert [(v["number"], v["acceptance_notes"]) for v in versions] == [
        (2, "Twenty pallets a minute."),
        (1, "Ten pallets a minute."),
    ]
    body = OutboxMessage.objects.get(
        to_email="rep@a.test",
        dedupe_key__startswith=f"requirement-clarified:{requirement.pk}:2:",
    )
    assert "(acceptance notes)" in body.body_text


def test_the_new_confirmation_records_the_whole_content_signed(cast):
    requirement = confirmed(cast)
    requirement_update(
        actor=cast.pm, requirement=requirement, priority="should", acceptance_notes="Twelve."
    )

    requirement_confirm(actor=cast.client_admin, requirement=requirement, version=2)

    latest = Confirmation.objects.filter(requirement=requirement).order_by("-version").first()
    assert (latest.version, latest.title, latest.priority, latest.acceptance_notes) == (
        2,
        "Scan barcodes",
        "should",
        "Twelve.",
    )


def test_an_unchanged_save_keeps_the_sign_off(cast):
    requirement = confirmed(cast)
    before = state(requirement)

    requirement_update(
        actor=cast.pm,
        requirement=requirement,
        title="Scan barcodes",
        description="At the dock.",
        priority="must",
        acceptance_notes="Ten pallets a minute.",
    )

    assert state(requirement) == before


def test_an_untouched_page_save_keeps_the_sign_off_though_browsers_send_crlf(cast, client):
    requirement = confirmed(cast)
    requirement_update(
        actor=cast.pm,
        requirement=requirement,
        description="At the dock.\nAt the gate too.",
        acceptance_notes="Ten pallets a minute.\nNo errors.",
    )
    requirement_confirm(actor=cast.rep, requirement=requirement, version=2)
    before = state(requirement)
    client.force_login(cast.pm)

    response = client.post(
        reverse(
            "stakeholders:requirement_edit",
            kwargs={"project_id": cast.project.pk, "requirement_id": requirement.pk},
        ),
        {
            "title": "Scan barcodes",
            "description": "At the dock.\r\nAt the gate too.",
            "priority": "must",
            "acceptance_notes": "Ten pallets a minute.\r\nNo errors.\r\n",
            "visibility": "client",
        },
    )

    assert response.status_code == 302
    assert state(requirement) == before


@pytest.mark.parametrize("until", ["delivered", "accepted", "rejected"])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Scan every barcode"),
        ("description", "Everywhere."),
        ("priority", "could"),
        ("acceptance_notes", "Twenty."),
    ],
)
def test_a_delivered_accepted_or_rejected_requirement_keeps_its_content(
    cast, client, until, field, value
):
    requirement = confirmed(cast)
    steps = {
        "delivered": [(cast.pm, "start"), (cast.pm, "deliver")],
        "accepted": [(cast.pm, "start"), (cast.pm, "deliver"), (cast.rep, "accept")],
        "rejected": [(cast.pm, "reject")],
    }[until]
    for actor, step in steps:
        requirement_transition(actor=actor, requirement=requirement, to=step, reason="Agreed")
    before = state(requirement)

    with pytest.raises(InvalidTransition) as refused:
        requirement_update(actor=cast.pm, requirement=requirement, **{field: value})
    assert refused.value.field == field
    assert state(requirement) == before

    client.force_login(cast.pm)
    response = client.patch(
        f"/api/v1/projects/{cast.project.pk}/requirements/{requirement.pk}/",
        {field: value},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert "no longer change" in response.json()[field][0]
    assert state(requirement) == before

    page = reverse(
        "stakeholders:requirement_edit",
        kwargs={"project_id": cast.project.pk, "requirement_id": requirement.pk},
    )
    data = {
        "title": requirement.title,
        "description": requirement.description,
        "priority": requirement.priority,
        "acceptance_notes": requirement.acceptance_notes,
        "visibility": requirement.visibility,
        field: value,
    }
    response = client.post(page, data)
    assert response.status_code == 400
    assert "no longer change" in response.content.decode()
    assert state(requirement) == before


# --- What a client reads of the requirement's past ----------------------------------------------


def _client_surfaces(client, cast, requirement) -> dict[str, str]:
    project = cast.project.pk
    api = f"/api/v1/projects/{project}/requirements"
    return {
        "api list": client.get(f"{api}/").content.decode(),
        "api detail": client.get(f"{api}/{requirement.pk}/").content.decode(),
        "api versions": client.get(f"{api}/{requirement.pk}/versions/").content.decode(),
        "portal list": client.get(
            reverse("portal:requirements", kwargs={"project_id": project})
        ).content.decode(),
        "portal detail": client.get(
            reverse(
                "portal:requirement",
                kwargs={"project_id": project, "requirement_id": requirement.pk},
            )
        ).content.decode(),
    }


def test_a_client_never_reads_the_internal_draft_of_a_shared_requirement(cast, client):
    requirement = requirement_create(
        actor=cast.pm,
        project=cast.project,
        title=f"{DRAFT_MARKER} title",
        description=f"{DRAFT_MARKER} wording the client must not see.",
        acceptance_notes=f"{DRAFT_MARKER} notes",
    )
    requirement_transition(
        actor=cast.pm, requirement=requirement, to="defer", reason=f"{REASON_MARKER} cost"
    )
    requirement_transition(actor=cast.pm, requirement=requirement, to="submit")
    requirement_update(
        actor=cast.pm,
        requirement=requirement,
        title="Print labels",
        description="On every pallet.",
        acceptance_notes="Readable at two metres.",
        visibility=Visibility.CLIENT,
    )

    for person in (cast.client_admin, cast.rep, cast.viewer):
        client.force_login(person)
        surfaces = _client_surfaces(client, cast, requirement)
        for surface, content in surfaces.items():
            assert DRAFT_MARKER not in content, (person.email, surface)
            assert REASON_MARKER not in content, (person.email, surface)
        assert "On every pallet." in surfaces["api versions"]
        assert "Readable at two metres." in surfaces["portal detail"]
        versions = client.get(
            f"/api/v1/projects/{cast.project.pk}/requirements/{requirement.pk}/versions/"
        ).json()
        assert [v["number"] for v in versions] == [2]

    # The team still reads the draft and the reason.
    client.force_login(cast.pm)
    staff = client.get(
        reverse(
            "stakeholders:requirement",
            kwargs={"project_id": cast.project.pk, "requirement_id": requirement.pk},
        )
    ).content.decode()
    assert DRAFT_MARKER in staff
    assert REASON_MARKER in staff


def test_sharing_an_unchanged_draft_gives_the_client_its_own_version(cast, client):
    requirement = requirement_create(
        actor=cast.pm, project=cast.project, title="Print labels", description="On pallets."
    )

    requirement_update(actor=cast.pm, requirement=requirement, visibility=Visibility.CLIENT)

    assert list(
        RequirementVersion.objects.filter(requirement=requirement)
        .order_by("number")
        .values_list("number", "visibility", "description")
    ) == [(1, "internal", "On pallets."), (2, "client", "On pallets.")]
    client.force_login(cast.rep)
    versions = client.get(
        f"/api/v1/projects/{cast.project.pk}/requirements/{requirement.pk}/versions/"
    ).json()
    assert [(v["number"], v["description"]) for v in versions] == [(2, "On pallets.")]


def test_the_migration_finds_each_versions_visibility_and_content_in_the_history(cast):
    draft = requirement_create(
        actor=cast.pm,
        project=cast.project,
        title="Print labels",
        description="Draft.",
        priority="could",
        acceptance_notes="Draft notes.",
    )
    requirement_update(
        actor=cast.pm,
        requirement=draft,
        description="Shared.",
        priority="must",
        acceptance_notes="Shared notes.",
        visibility=Visibility.CLIENT,
    )
    requirement_transition(actor=cast.pm, requirement=draft, to="clarify")
    requirement_confirm(actor=cast.rep, requirement=draft, version=2)
    # As the rows stood before the migration: defaults only.
    RequirementVersion.objects.update(priority="should", acceptance_notes="", visibility="internal")
    Confirmation.objects.update(priority="", acceptance_notes="")
    migration = importlib.import_module("stakeholders.migrations.0011_requirement_version_content")

    migration.versions_record_what_stood_when_they_were_made(apps, None)

    assert list(
        RequirementVersion.objects.filter(requirement=draft)
        .order_by("number")
        .values_list("number", "priority", "acceptance_notes", "visibility")
    ) == [(1, "could", "Draft notes.", "internal"), (2, "must", "Shared notes.", "client")]
    assert list(Confirmation.objects.values_list("version", "priority", "acceptance_notes")) == [
        (2, "must", "Shared notes.")
    ]
