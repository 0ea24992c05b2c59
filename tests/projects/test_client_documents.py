"""Documents from the client (projects.services.documents.document_upload, the portal's overview
and the documents API): client admins and representatives upload client-visible documents and
new versions of their side's own, with the same checks as the team; the PMs are told; viewers,
other clients and closed projects are refused, and nothing internal shows on the way."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from notifications.models import Notification
from projects.closure import closed_project_writes_allowed
from projects.models import Document, DocumentVersion, Phase, Visibility
from projects.services.deliverables import (
    deliverable_create,
    deliverable_submit,
    quality_review_record,
)
from projects.services.documents import document_delete, document_set_visibility, document_upload
from projects.services.milestones import milestone_create
from tests.helpers import count_queries

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
PROGRAM_REFUSED = "This file is a program or a script, whatever its name says; it is not accepted."
CLOSED = "This project is closed and read-only. A staff admin can reopen it."
# What the team keeps to itself; no client response may contain it.
INTERNAL_TITLE = "Margin notes CANARY-DOC-7F3A"
INTERNAL_FILE = "canary-7f3a-notes.txt"


def upload(actor: Any, project: Any, name: str = "plan.pdf", content: bytes = PDF, **kwargs: Any):
    return document_upload(
        actor=actor, project=project, file=SimpleUploadedFile(name, content), **kwargs
    )


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_as(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def stored_files(root: str) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


def portal_upload_url(project: Any) -> str:
    return reverse("portal:document_upload", kwargs={"project_id": project.pk})


def portal_version_url(project: Any) -> str:
    return reverse("portal:document_version_upload", kwargs={"project_id": project.pk})


def api_url(project: Any) -> str:
    return f"/api/v1/projects/{project.pk}/documents/"


def unchanged(documents_root: str, *, documents: int = 0, versions: int = 0) -> bool:
    return (
        Document.objects.count() == documents
        and DocumentVersion.objects.count() == versions
        and len(stored_files(documents_root)) == versions
        and not Notification.objects.exists()
    )


# --- Uploading from the portal ------------------------------------------------------------------


@pytest.mark.parametrize("role_name", ["client_admin", "rep"])
def test_client_admin_and_rep_upload_a_document_from_the_overview(cast, role_name):
    person = cast.by_name(role_name)
    client = signed_in(person)
    response = client.post(
        portal_upload_url(cast.project),
        {"title": "Signed purchase order", "file": SimpleUploadedFile("po.pdf", PDF)},
    )

    overview = reverse("portal:project", args=[cast.project.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{overview}#documents"
    document = Document.objects.get()
    assert (document.title, document.visibility) == ("Signed purchase order", Visibility.CLIENT)
    assert (document.created_by, document.current_version) == (person, 1)
    version = document.versions.get()
    assert (version.uploaded_by, version.original_name) == (person, "po.pdf")
    assert version.acceptance_round is None
    assert Path(version.file.path).read_bytes() == PDF

    page = client.get(overview).content.decode()
    assert "Document uploaded: the project team can see it." in page
    listed = page.split('data-testid="documents"')[1]
    assert "Signed purchase order" in listed
    assert "From your organisation" in listed


def test_the_overview_offers_the_upload_form_to_those_who_may_upload(cast):
    url = reverse("portal:project", args=[cast.project.pk])
    offered = {
        name: 'data-testid="upload-form"' in signed_in(cast.by_name(name)).get(url).content.decode()
        for name in ("client_admin", "rep", "viewer")
    }
    assert offered == {"client_admin": True, "rep": True, "viewer": False}


def test_the_upload_form_offers_only_client_visible_milestones_and_deliverables(cast):
    shared = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot go-live", due_date=date(2027, 3, 1)
    )
    hidden = milestone_create(
        actor=cast.pm,
        project=cast.project,
        name="Vendor swap CANARY-MS",
        due_date=date(2027, 4, 1),
        visibility=Visibility.INTERNAL,
    )
    deliverable_create(
        actor=cast.pm,
        milestone=shared,
        name="Cost review CANARY-DL",
        criteria=["Checked"],
        visibility=Visibility.INTERNAL,
    )
    deliverable_create(actor=cast.pm, milestone=hidden, name="Swap plan", criteria=["Done"])
    runbook = deliverable_create(
        actor=cast.pm, milestone=shared, name="Runbook", criteria=["Reviewed"]
    )

    page = signed_in(cast.rep).get(reverse("portal:project", args=[cast.project.pk]))
    form = page.content.decode().split('data-testid="upload-form"')[1].split("</form>")[0]
    assert 'name="visibility"' not in form
    assert "Pilot go-live" in form
    assert "Runbook" in form
    assert "CANARY" not in form
    assert "Swap plan" not in form

    response = signed_in(cast.rep).post(
        portal_upload_url(cast.project),
        {
            "title": "Runbook comments",
            "deliverable": runbook.pk,
            "file": SimpleUploadedFile("comments.txt", b"page 3: typo"),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.deliverable, document.milestone) == (runbook, shared)


def test_the_client_cannot_link_an_item_they_do_not_see(cast, documents_root):
    hidden = milestone_create(
        actor=cast.pm,
        project=cast.project,
        name="Vendor swap",
        due_date=date(2027, 4, 1),
        visibility=Visibility.INTERNAL,
    )
    internal_deliverable = deliverable_create(
        actor=cast.pm, milestone=hidden, name="Swap plan", criteria=["Done"]
    )
    with pytest.raises(InvalidInput) as refused:
        upload(cast.rep, cast.project, milestone=hidden)
    assert (str(refused.value.message), refused.value.field) == ("Unknown milestone.", "milestone")
    with pytest.raises(InvalidInput) as refused:
        upload(cast.rep, cast.project, deliverable=internal_deliverable)
    assert str(refused.value.message) == "Unknown deliverable."

    response = api_as(cast.rep).post(
        api_url(cast.project),
        {"file": SimpleUploadedFile("a.pdf", PDF), "milestone": hidden.pk},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"milestone": ["Unknown milestone."], "code": "invalid"}
    # The page's form does not offer it: a forged choice is refused by the form.
    page = signed_in(cast.rep).post(
        portal_upload_url(cast.project),
        {"milestone": hidden.pk, "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert page.status_code == 400
    assert "Vendor swap" not in page.content.decode()
    assert unchanged(documents_root)


# --- New versions -------------------------------------------------------------------------------


def test_the_client_uploads_new_versions_of_their_sides_document(cast):
    document = upload(cast.client_admin, cast.project, "po.pdf", title="Purchase order").document
    response = signed_in(cast.rep).post(
        portal_version_url(cast.project),
        {
            "document": document.pk,
            "note": "Countersigned",
            "file": SimpleUploadedFile("po-signed.pdf", PDF + b"%signed"),
        },
    )
    assert response.status_code == 302
    created = api_as(cast.client_admin).post(
        api_url(cast.project),
        {"document": document.pk, "file": SimpleUploadedFile("po-final.pdf", PDF)},
        format="multipart",
    )
    assert created.status_code == 201
    assert [v["number"] for v in created.json()["versions"]] == [3, 2, 1]
    assert list(document.versions.values_list("number", "uploaded_by", "note")) == [
        (3, cast.client_admin.pk, ""),
        (2, cast.rep.pk, "Countersigned"),
        (1, cast.client_admin.pk, ""),
    ]
    document.refresh_from_db()
    assert (document.title, document.visibility, document.current_version) == (
        "Purchase order",
        Visibility.CLIENT,
        3,
    )
    # The team may add a version to it as well (a marked-up copy).
    assert upload(cast.teammate, cast.project, document=document).number == 4


def test_the_overview_offers_a_new_version_only_of_the_clients_own_documents(cast):
    upload(cast.pm, cast.project, "plan.pdf", title="Team plan", visibility=Visibility.CLIENT)
    upload(cast.rep, cast.project, "po.pdf", title="Purchase order")
    url = reverse("portal:project", args=[cast.project.pk])

    def version_forms(name: str) -> dict[str, bool]:
        body = signed_in(cast.by_name(name)).get(url).content.decode()
        items = body.split('data-testid="document"')[1:]
        return {
            title: 'data-testid="version-form"' in item
            for item in items
            for title in ("Team plan", "Purchase order")
            if title in item
        }

    assert version_forms("client_admin") == {"Team plan": False, "Purchase order": True}
    assert version_forms("viewer") == {"Team plan": False, "Purchase order": False}


def test_the_client_cannot_version_a_provider_document(cast, documents_root):
    shared = upload(cast.pm, cast.project, "plan.pdf", visibility=Visibility.CLIENT).document
    internal = upload(cast.pm, cast.project, INTERNAL_FILE, b"notes", title=INTERNAL_TITLE).document
    before = stored_files(documents_root)

    with pytest.raises(NotAllowed):
        upload(cast.rep, cast.project, document=shared)
    page = signed_in(cast.rep).post(
        portal_version_url(cast.project),
        {"document": shared.pk, "file": SimpleUploadedFile("plan.pdf", PDF)},
    )
    assert page.status_code == 403
    api = api_as(cast.client_admin).post(
        api_url(cast.project),
        {"document": shared.pk, "file": SimpleUploadedFile("plan.pdf", PDF)},
        format="multipart",
    )
    assert api.status_code == 403
    # An internal one does not exist for them.
    page = signed_in(cast.rep).post(
        portal_version_url(cast.project),
        {"document": internal.pk, "file": SimpleUploadedFile("x.pdf", PDF)},
    )
    assert page.status_code == 404
    assert INTERNAL_TITLE not in page.content.decode()
    api = api_as(cast.rep).post(
        api_url(cast.project),
        {"document": internal.pk, "file": SimpleUploadedFile("x.pdf", PDF)},
        format="multipart",
    )
    assert api.status_code == 404
    assert INTERNAL_TITLE not in api.content.decode()

    assert list(DocumentVersion.objects.values_list("document", "number").order_by("pk")) == [
        (shared.pk, 1),
        (internal.pk, 1),
    ]
    assert stored_files(documents_root) == before
    assert not Notification.objects.exists()


def test_a_clients_document_hidden_by_its_milestone_cannot_be_versioned(cast):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2027, 3, 1)
    )
    document = upload(cast.rep, cast.project, milestone=milestone).document
    milestone.visibility = Visibility.INTERNAL  # made internal later by the PM
    milestone.save()
    response = signed_in(cast.rep).post(
        portal_version_url(cast.project),
        {"document": document.pk, "file": SimpleUploadedFile("plan.pdf", PDF)},
    )
    assert response.status_code == 404
    assert document.versions.count() == 1


# --- Who is refused -----------------------------------------------------------------------------


def test_a_client_viewer_is_refused_everywhere(cast, documents_root):
    with pytest.raises(NotAllowed):
        upload(cast.viewer, cast.project)
    page = signed_in(cast.viewer).post(
        portal_upload_url(cast.project),
        {"title": "Mine", "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert page.status_code == 403
    api = api_as(cast.viewer).post(
        api_url(cast.project), {"file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart"
    )
    assert api.status_code == 403
    assert unchanged(documents_root)


def test_another_clients_representative_finds_nothing(cast, documents_root):
    page = signed_in(cast.other_client_rep).post(
        portal_upload_url(cast.project),
        {"title": "Mine", "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert page.status_code == 404
    assert "A One" not in page.content.decode()
    api = api_as(cast.other_client_rep).post(
        api_url(cast.project), {"file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart"
    )
    assert api.status_code == 404
    assert api.json() == {"code": "not_found", "detail": "Not found."}
    with pytest.raises(NotAllowed):
        upload(cast.other_client_rep, cast.project)
    assert unchanged(documents_root)


def test_a_provider_person_posting_to_the_portal_is_sent_to_the_staff_app(cast, documents_root):
    response = signed_in(cast.pm).post(
        portal_upload_url(cast.project), {"file": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert unchanged(documents_root)


def test_the_client_cannot_make_a_document_internal(cast, documents_root):
    with pytest.raises(InvalidInput) as refused:
        upload(cast.rep, cast.project, visibility=Visibility.INTERNAL)
    assert refused.value.field == "visibility"
    response = api_as(cast.rep).post(
        api_url(cast.project),
        {"file": SimpleUploadedFile("a.pdf", PDF), "visibility": "internal"},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {
        "visibility": [
            "A document you upload is shared with the team and your colleagues; it cannot be "
            "internal."
        ],
        "code": "invalid",
    }
    # The page has no visibility to choose: a posted one is ignored, the document is shared.
    signed_in(cast.rep).post(
        portal_upload_url(cast.project),
        {"visibility": "internal", "file": SimpleUploadedFile("a.pdf", PDF)},
    )
    assert list(Document.objects.values_list("visibility", flat=True)) == [Visibility.CLIENT]


def test_a_clients_document_stays_visible_to_them_and_only_the_pm_deletes_it(
    cast, django_capture_on_commit_callbacks
):
    version = upload(cast.rep, cast.project, "po.pdf")
    document = version.document
    for name in ("rep", "client_admin"):
        with pytest.raises(NotAllowed):
            document_set_visibility(
                actor=cast.by_name(name), document=document, visibility=Visibility.INTERNAL
            )
        with pytest.raises(NotAllowed):
            document_delete(actor=cast.by_name(name), document=document)
    with pytest.raises(InvalidTransition) as refused:
        document_set_visibility(actor=cast.pm, document=document, visibility=Visibility.INTERNAL)
    assert str(refused.value.message) == (
        "The client uploaded this document; it stays visible to them."
    )
    assert Document.objects.get().visibility == Visibility.CLIENT

    with django_capture_on_commit_callbacks(execute=True):
        document_delete(actor=cast.pm, document=document)
    assert not Document.objects.exists()
    assert not Path(version.file.path).exists()


def test_the_client_cannot_attach_a_file_to_a_submission(cast):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2027, 3, 1)
    )
    deliverable = deliverable_create(
        actor=cast.pm, milestone=milestone, name="Runbook", criteria=["Reviewed"]
    )
    quality_review_record(actor=cast.teammate, deliverable=deliverable, passed=True)
    acceptance_round = deliverable_submit(actor=cast.pm, deliverable=deliverable)
    with pytest.raises(NotAllowed):
        upload(cast.rep, cast.project, deliverable=deliverable, acceptance_round=acceptance_round)
    assert not Document.objects.exists()


# --- The same content checks --------------------------------------------------------------------


def test_a_renamed_program_from_the_portal_is_refused_with_the_reason(cast, documents_root):
    response = signed_in(cast.rep).post(
        portal_upload_url(cast.project),
        {"title": "Invoice", "file": SimpleUploadedFile("invoice.pdf", EXE)},
    )
    assert response.status_code == 400
    form = response.content.decode().split('data-testid="upload-form"')[1]
    assert PROGRAM_REFUSED in form
    assert 'value="Invoice"' in form  # what they typed is kept
    assert unchanged(documents_root)


def test_a_renamed_program_as_a_new_version_is_refused_with_the_reason(cast, documents_root):
    document = upload(cast.rep, cast.project, "po.pdf").document
    Notification.objects.all().delete()
    response = signed_in(cast.client_admin).post(
        portal_version_url(cast.project),
        {"document": document.pk, "file": SimpleUploadedFile("po.pdf", EXE)},
    )
    assert response.status_code == 400
    assert 'data-testid="version-error">' + PROGRAM_REFUSED in response.content.decode()
    assert unchanged(documents_root, documents=1, versions=1)


def test_a_bad_file_through_the_api_is_a_400_naming_the_field(cast, settings, documents_root):
    response = api_as(cast.rep).post(
        api_url(cast.project), {"file": SimpleUploadedFile("a.pdf", EXE)}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {"file": [PROGRAM_REFUSED], "code": "invalid"}

    settings.RAPPORT_MAX_UPLOAD_BYTES = 1000
    response = api_as(cast.client_admin).post(
        api_url(cast.project),
        {"file": SimpleUploadedFile("big.txt", b"a" * 1536)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {
        "file": ["big.txt is 1.5\xa0KB; files may be at most 1000\xa0bytes."],
        "code": "invalid",
    }
    assert unchanged(documents_root)


# --- The API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role_name", ["client_admin", "rep"])
def test_client_admin_and_rep_upload_through_the_api(cast, role_name):
    person = cast.by_name(role_name)
    response = api_as(person).post(
        api_url(cast.project),
        {"file": SimpleUploadedFile("brief.txt", b"our brief"), "title": "Brief"},
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["visibility"], body["current_version"]) == (
        "Brief",
        "client",
        1,
    )
    assert body["versions"][0]["uploaded_by"] == person.display_name
    assert Document.objects.get().created_by == person


def test_the_teams_api_upload_stays_internal_by_default(cast):
    response = api_as(cast.teammate).post(
        api_url(cast.project), {"file": SimpleUploadedFile("a.txt", b"x")}, format="multipart"
    )
    assert response.json()["visibility"] == "internal"
    assert not Notification.objects.exists()


# --- The PMs are told; the team sees it ---------------------------------------------------------


def test_the_pms_are_told_in_the_app(cast):
    document = upload(cast.rep, cast.project, "po.pdf", title="Purchase order").document
    upload(cast.client_admin, cast.project, "po.pdf", document=document, note="Countersigned")

    documents_page = reverse("projects:documents", args=[cast.project.pk])
    notices = list(Notification.objects.order_by("pk").values_list("user", "title", "body", "url"))
    assert notices == [
        (cast.pm.pk, "Rory Rep uploaded a document: Purchase order", "", documents_page),
        (
            cast.pm.pk,
            "Clara Admin uploaded version 2 of Purchase order",
            "Countersigned",
            documents_page,
        ),
    ]


@pytest.mark.parametrize("role_name", ["pm", "teammate"])
def test_the_team_sees_the_clients_document_on_the_documents_tab(cast, role_name):
    upload(cast.rep, cast.project, "po.pdf", title="Purchase order")
    page = signed_in(cast.by_name(role_name)).get(
        reverse("projects:documents", args=[cast.project.pk])
    )
    item = page.content.decode().split('data-testid="document"')[1]
    assert "Purchase order" in item
    assert "From the client" in item
    assert "Rory Rep" in item
    assert 'data-testid="unshare"' not in item  # it stays visible to the client
    assert 'data-testid="version-form"' in item


# --- Nothing internal on the way ----------------------------------------------------------------


def test_after_uploading_the_client_still_sees_no_internal_document(cast):
    upload(cast.pm, cast.project, INTERNAL_FILE, b"notes", title=INTERNAL_TITLE)
    client = signed_in(cast.rep)
    response = client.post(
        portal_upload_url(cast.project),
        {"title": "Purchase order", "file": SimpleUploadedFile("po.pdf", PDF)},
        follow=True,
    )
    page = response.content.decode()
    assert "Purchase order" in page
    assert INTERNAL_TITLE not in page
    assert INTERNAL_FILE not in page

    refused = client.post(portal_upload_url(cast.project), {"title": "No file"})
    assert refused.status_code == 400
    assert INTERNAL_TITLE not in refused.content.decode()

    api = api_as(cast.rep)
    created = api.post(
        api_url(cast.project), {"file": SimpleUploadedFile("b.txt", b"b")}, format="multipart"
    )
    listed = api.get(api_url(cast.project))
    for response in (created, listed):
        assert INTERNAL_TITLE not in response.content.decode()
        assert INTERNAL_FILE not in response.content.decode()
    assert [item["title"] for item in listed.json()["results"]] == ["b.txt", "Purchase order"]


# --- Closed projects ----------------------------------------------------------------------------


def test_a_closed_project_refuses_a_client_upload(cast, documents_root):
    document = upload(cast.rep, cast.project, "po.pdf").document
    Notification.objects.all().delete()
    with closed_project_writes_allowed():
        cast.project.phase = Phase.CLOSED
        cast.project.save(update_fields=["phase", "updated_at"])

    client = signed_in(cast.rep)
    for url, data in (
        (portal_upload_url(cast.project), {"file": SimpleUploadedFile("a.pdf", PDF)}),
        (
            portal_version_url(cast.project),
            {"document": document.pk, "file": SimpleUploadedFile("a.pdf", PDF)},
        ),
    ):
        response = client.post(url, data)
        assert response.status_code == 409
        assert CLOSED in response.content.decode()
    response = api_as(cast.client_admin).post(
        api_url(cast.project), {"file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 409
    assert response.json() == {"code": "project_closed", "detail": CLOSED}
    overview = client.get(reverse("portal:project", args=[cast.project.pk])).content.decode()
    assert 'data-testid="upload-form"' not in overview
    assert 'data-testid="version-form"' not in overview
    assert unchanged(documents_root, documents=1, versions=1)


# --- Query counts -------------------------------------------------------------------------------


def _add_client_documents(cast: Any, count: int) -> None:
    for index in range(count):
        version = upload(cast.rep, cast.project, f"doc{index}.txt", b"x", title=f"Doc {index}")
        upload(cast.client_admin, cast.project, f"doc{index}.txt", b"y", document=version.document)
        upload(cast.pm, cast.project, f"team{index}.txt", b"z", visibility=Visibility.CLIENT)


@pytest.mark.parametrize("role_name", ["client_admin", "viewer"])
def test_the_overview_keeps_its_queries_as_client_documents_grow(
    cast, role_name, django_assert_num_queries
):
    client = signed_in(cast.by_name(role_name))
    url = reverse("portal:project", args=[cast.project.pk])
    _add_client_documents(cast, 3)
    few = count_queries(client, url, warm=True)
    _add_client_documents(cast, 27)
    with django_assert_num_queries(few):
        response = client.get(url)
    body = response.content.decode()
    assert body.count('data-testid="document"') == 60
    assert body.count('data-testid="version-form"') == (30 if role_name == "client_admin" else 0)
