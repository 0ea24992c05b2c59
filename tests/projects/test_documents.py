"""Project documents (projects.services.documents, projects.selectors.documents, the download
views and the API): who may read and upload what, what is accepted, and how files are served."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from projects import filetypes
from projects.models import AcceptanceRound, Document, DocumentVersion, Visibility
from projects.selectors import document_list_for
from projects.services.deliverables import deliverable_create, quality_review_record
from projects.services.documents import document_delete, document_set_visibility, document_upload
from projects.services.milestones import milestone_create
from tests.conftest import ROLE_NAMES
from tests.helpers import count_queries

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64

LOGIN = "redirect:/accounts/login/"
PORTAL = "redirect:/portal/"
STAFF = "redirect:/"
CLIENT_MEMBERS = ["client_admin", "rep", "viewer"]
PROVIDER_MEMBERS = ["pm", "am", "teammate", "staff_admin"]


def upload(actor: Any, project: Any, name: str = "plan.pdf", content: bytes = PDF, **kwargs: Any):
    return document_upload(
        actor=actor, project=project, file=SimpleUploadedFile(name, content), **kwargs
    )


def stored_files(root: str) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def client_for(cast: Any, role_name: str) -> Client:
    client = Client()
    user = cast.by_name(role_name)
    if user is not None:
        client.force_login(user)
    return client


def outcome(response: Any) -> Any:
    if response.status_code in (301, 302):
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return LOGIN
        return f"redirect:{location}"
    return response.status_code


@pytest.fixture
def documents(cast):
    internal = upload(cast.pm, cast.project, "internal.txt", b"margin notes", title="Internal")
    shared = upload(
        cast.pm, cast.project, "shared.pdf", PDF, title="Shared", visibility=Visibility.CLIENT
    )
    return {"internal": internal.document, "client": shared.document}


# --- Who may download what ----------------------------------------------------------------------

STAFF_EXPECTED = {
    "anonymous": LOGIN,
    **dict.fromkeys(PROVIDER_MEMBERS, 200),
    "outsider": 404,
    **dict.fromkeys([*CLIENT_MEMBERS, "other_client_rep"], PORTAL),
}
PORTAL_EXPECTED = {
    "internal": {
        "anonymous": LOGIN,
        **dict.fromkeys([*PROVIDER_MEMBERS, "outsider"], STAFF),
        **dict.fromkeys([*CLIENT_MEMBERS, "other_client_rep"], 404),
    },
    "client": {
        "anonymous": LOGIN,
        **dict.fromkeys([*PROVIDER_MEMBERS, "outsider"], STAFF),
        **dict.fromkeys(CLIENT_MEMBERS, 200),
        "other_client_rep": 404,
    },
}


@pytest.mark.parametrize("visibility", ["internal", "client"])
@pytest.mark.parametrize("side", ["projects", "portal"])
def test_download_outcome_for_every_role(cast, documents, side, visibility):
    document = documents[visibility]
    url = reverse(
        f"{side}:document_download",
        kwargs={"project_id": cast.project.pk, "document_id": document.pk},
    )
    expected = STAFF_EXPECTED if side == "projects" else PORTAL_EXPECTED[visibility]
    actual = {name: outcome(client_for(cast, name).get(url)) for name in ROLE_NAMES}
    assert actual == expected


@pytest.mark.parametrize("visibility", ["internal", "client"])
def test_api_download_outcome_for_every_role(cast, documents, visibility):
    document = documents[visibility]
    url = f"/api/v1/projects/{cast.project.pk}/documents/{document.pk}/download/"
    clients_see = 200 if visibility == "client" else 404
    expected = {
        "anonymous": 401,
        **dict.fromkeys(PROVIDER_MEMBERS, 200),
        "outsider": 404,
        **dict.fromkeys(CLIENT_MEMBERS, clients_see),
        "other_client_rep": 404,
    }
    actual = {}
    for name in ROLE_NAMES:
        client = APIClient()
        if cast.by_name(name):
            client.force_authenticate(cast.by_name(name))
        actual[name] = client.get(url).status_code
    assert actual == expected


def test_client_cannot_reach_an_internal_file_by_guessing(cast, documents):
    client = client_for(cast, "rep")
    internal, shared = documents["internal"], documents["client"]

    def portal(document_id: int, query: str = "") -> int:
        url = reverse(
            "portal:document_download",
            kwargs={"project_id": cast.project.pk, "document_id": document_id},
        )
        return client.get(url + query).status_code

    assert portal(shared.pk) == 200
    for query in ("", "?version=1", "?version=2", "?version=0", "?version=x"):
        assert portal(internal.pk, query) == 404
    assert portal(shared.pk, "?version=2") == 404
    assert portal(shared.pk, "?version=-1") == 404
    assert portal(internal.pk + shared.pk + 1000) == 404
    # The other client's project's id does not help either.
    url = reverse(
        "portal:document_download",
        kwargs={"project_id": cast.other_project.pk, "document_id": shared.pk},
    )
    assert client.get(url).status_code == 404


def test_a_document_of_an_internal_deliverable_is_hidden_from_the_client(cast):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Go-live", due_date=date(2027, 3, 1)
    )
    deliverable = deliverable_create(
        actor=cast.pm, milestone=milestone, name="Runbook", criteria=["Reviewed"]
    )
    document = upload(
        cast.pm, cast.project, deliverable=deliverable, visibility=Visibility.CLIENT
    ).document
    assert list(document_list_for(user=cast.rep, project=cast.project)) == [document]

    deliverable.visibility = Visibility.INTERNAL  # made internal later
    deliverable.save()
    assert list(document_list_for(user=cast.rep, project=cast.project)) == []
    assert list(document_list_for(user=cast.teammate, project=cast.project)) == [document]
    with pytest.raises(InvalidInput):
        upload(cast.pm, cast.project, deliverable=deliverable, visibility=Visibility.CLIENT)


# --- What is accepted ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        EXE,
        b"\x7fELF\x02\x01\x01" + b"\x00" * 40,
        b"\xcf\xfa\xed\xfe" + b"\x00" * 40,
        b"#!/bin/sh\nrm -rf /\n",
    ],
    ids=["windows", "linux", "macos", "script"],
)
def test_a_renamed_program_is_refused_and_nothing_is_stored(cast, documents_root, content):
    with pytest.raises(InvalidInput) as refused:
        upload(cast.pm, cast.project, "report.pdf", content)

    assert str(refused.value.message) == (
        "This file is a program or a script, whatever its name says; it is not accepted."
    )
    assert Document.objects.count() == 0
    assert DocumentVersion.objects.count() == 0
    assert stored_files(documents_root) == []


def test_the_page_shows_why_a_renamed_exe_is_refused(cast, documents_root):
    client = client_for(cast, "pm")
    response = client.post(
        reverse("projects:document_upload", kwargs={"project_id": cast.project.pk}),
        {
            "title": "Report",
            "visibility": "client",
            "file": SimpleUploadedFile("report.pdf", EXE),
        },
    )
    assert response.status_code == 400
    assert "is a program or a script" in response.content.decode()
    assert Document.objects.count() == 0
    assert stored_files(documents_root) == []


def test_an_oversize_file_is_refused_with_the_limit_and_its_size(cast, settings, documents_root):
    settings.RAPPORT_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(InvalidInput) as refused:
        upload(cast.pm, cast.project, "big.txt", b"a" * 1536)

    assert str(refused.value.message) == "big.txt is 1.5\xa0KB; files may be at most 1000\xa0bytes."
    assert Document.objects.count() == 0
    assert stored_files(documents_root) == []


@pytest.mark.parametrize(
    ("name", "content", "content_type", "kept_name"),
    [
        ("plan.pdf", PDF, "application/pdf", "plan.pdf"),
        ("photo.jpg", PNG, "image/png", "photo.png"),
        ("photo.JPEG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg", "photo.JPEG"),
        ("anim.gif", b"GIF89a" + b"\x00" * 20, "image/gif", "anim.gif"),
        ("pic", b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp", "pic.webp"),
        ("notes.txt", "验收说明\n".encode(), "text/plain; charset=utf-8", "notes.txt"),
        ("orders.csv", b"id,qty\n1,2\n", "text/csv; charset=utf-8", "orders.csv"),
        ("orders.exe", b"id,qty\n1,2\n", "text/plain; charset=utf-8", "orders.txt"),
        ("logo.svg", b'<?xml version="1.0"?><svg xmlns="x"/>', "image/svg+xml", "logo.svg"),
        ("page.txt", b"<!DOCTYPE html><p>hi", "text/html; charset=utf-8", "page.html"),
        (
            "spec.docx",
            zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
            filetypes.DOCX.content_type,
            "spec.docx",
        ),
        (
            "budget.pdf",
            zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"}),
            filetypes.XLSX.content_type,
            "budget.xlsx",
        ),
        (
            "minutes.odt",
            zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text"}),
            filetypes.ODT.content_type,
            "minutes.odt",
        ),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40,
            "application/vnd.ms-excel",
            "old.xls",
        ),
    ],
)
def test_the_type_comes_from_the_content(name, content, content_type, kept_name):
    file_type = filetypes.detect(content, name=name)
    assert file_type.content_type == content_type
    assert filetypes.name_for(name, file_type) == kept_name


@pytest.mark.parametrize(
    "content",
    [
        zip_bytes({"payload.bin": b"\x00\x01"}),  # a plain ZIP archive
        b"\x00\x01\x02\x03binary",
        "latin-1 caf\xe9".encode("latin-1"),
        b"",
    ],
    ids=["zip", "binary", "not-utf8", "empty"],
)
def test_other_kinds_of_file_are_refused(content):
    with pytest.raises(InvalidInput):
        filetypes.detect(content, name="file.pdf")


# --- How files are served -----------------------------------------------------------------------


def _staff_download(cast: Any, document: Document, query: str = "") -> Any:
    url = reverse(
        "projects:document_download",
        kwargs={"project_id": cast.project.pk, "document_id": document.pk},
    )
    return client_for(cast, "pm").get(url + query)


def test_a_download_has_safe_headers(cast):
    document = upload(cast.pm, cast.project, "plan.pdf", PDF).document
    response = _staff_download(cast, document)

    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Cache-Control"].startswith("private")
    assert response["Content-Length"] == str(len(PDF))


def test_a_pdf_or_image_may_be_shown_inline_on_request(cast):
    document = upload(cast.pm, cast.project, "plan.pdf", PDF).document
    response = _staff_download(cast, document, "?inline=1")
    assert response["Content-Disposition"] == 'inline; filename="plan.pdf"'
    assert response["Content-Security-Policy"] == "sandbox"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        ("page.html", b"<html><script>alert(1)</script></html>", "text/html; charset=utf-8"),
    ],
)
def test_svg_and_html_are_only_ever_attachments_in_a_sandbox(cast, name, content, content_type):
    document = upload(cast.pm, cast.project, name, content, visibility=Visibility.CLIENT).document
    for query in ("", "?inline=1"):
        response = _staff_download(cast, document, query)
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert response["Content-Security-Policy"] == "sandbox"
        assert response["X-Content-Type-Options"] == "nosniff"
    portal = client_for(cast, "rep").get(
        reverse(
            "portal:document_download",
            kwargs={"project_id": cast.project.pk, "document_id": document.pk},
        )
        + "?inline=1"
    )
    assert portal["Content-Disposition"] == f'attachment; filename="{name}"'
    assert portal["Content-Security-Policy"] == "sandbox"


def test_a_chinese_file_name_is_encoded_for_the_download(cast):
    name = "验收报告 第2版.pdf"
    document = upload(cast.pm, cast.project, name, PDF, visibility=Visibility.CLIENT).document
    response = client_for(cast, "rep").get(
        reverse(
            "portal:document_download",
            kwargs={"project_id": cast.project.pk, "document_id": document.pk},
        )
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    assert DocumentVersion.objects.get().original_name == name


def test_versions_increment_and_each_stays_downloadable(cast):
    first = upload(cast.pm, cast.project, "plan.txt", b"first", title="Plan")
    second = upload(cast.teammate, cast.project, "plan.txt", b"second", document=first.document)
    third = upload(cast.pm, cast.project, "plan-v3.txt", b"third", document=first.document)

    assert [first.number, second.number, third.number] == [1, 2, 3]
    document = Document.objects.get()
    assert document.current_version == 3
    assert document.title == "Plan"
    assert b"".join(_staff_download(cast, document).streaming_content) == b"third"
    assert b"".join(_staff_download(cast, document, "?version=1").streaming_content) == b"first"
    assert _staff_download(cast, document, "?version=4").status_code == 404


def test_files_are_stored_underdocuments_root_and_never_under_media_or_static(
    cast, settings, documents_root
):
    version = upload(cast.pm, cast.project, "plan.pdf", PDF, visibility=Visibility.CLIENT)
    path = Path(version.file.path)

    assert path.is_relative_to(Path(documents_root) / str(cast.project.pk))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert "plan" not in version.file.name  # stored under a random name
    assert path.read_bytes() == PDF
    assert version.sha256 == __import__("hashlib").sha256(PDF).hexdigest()
    with pytest.raises(ValueError, match="no URL"):
        version.file.url  # noqa: B018
    for role_name in ("pm", "rep", "anonymous"):
        client = client_for(cast, role_name)
        for prefix in (settings.MEDIA_URL, settings.STATIC_URL, "/documents/"):
            assert client.get(f"{prefix}{version.file.name}").status_code == 404


# --- Who may change what ------------------------------------------------------------------------


@pytest.mark.parametrize("role_name", ["am", "viewer", "staff_admin"])
def test_only_the_team_client_admins_and_representatives_upload(cast, role_name, documents_root):
    with pytest.raises(NotAllowed):
        upload(cast.by_name(role_name), cast.project)
    assert Document.objects.count() == 0
    assert stored_files(documents_root) == []


def test_only_the_pm_changes_visibility_and_deletes(cast, django_capture_on_commit_callbacks):
    version = upload(cast.teammate, cast.project, "notes.txt", b"notes")
    document = version.document
    path = Path(version.file.path)
    for role_name in ("am", "teammate", "rep", "client_admin"):
        with pytest.raises(NotAllowed):
            document_set_visibility(
                actor=cast.by_name(role_name), document=document, visibility=Visibility.CLIENT
            )
        with pytest.raises(NotAllowed):
            document_delete(actor=cast.by_name(role_name), document=document)
    assert Document.objects.get().visibility == Visibility.INTERNAL

    document_set_visibility(actor=cast.pm, document=document, visibility=Visibility.CLIENT)
    assert Document.objects.get().visibility == Visibility.CLIENT
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(actor=cast.pm, document=document)
    assert Document.objects.count() == DocumentVersion.objects.count() == 0
    assert not path.exists()


def test_the_pm_shares_a_document_from_the_documents_tab(cast):
    document = upload(cast.pm, cast.project, "notes.txt", b"notes").document
    client = client_for(cast, "pm")
    response = client.post(
        reverse("projects:document_visibility", kwargs={"project_id": cast.project.pk}),
        {"document": document.pk, "visibility": "client"},
    )
    assert response.status_code == 302
    assert Document.objects.get().visibility == Visibility.CLIENT
    page = client_for(cast, "rep").get(reverse("portal:project", args=[cast.project.pk]))
    assert "notes.txt" in page.content.decode()


def test_a_teammate_uploads_a_new_version_on_the_page(cast):
    document = upload(cast.pm, cast.project, "notes.txt", b"v1").document
    response = client_for(cast, "teammate").post(
        reverse("projects:document_version_upload", kwargs={"project_id": cast.project.pk}),
        {
            "document": document.pk,
            "note": "Typos fixed",
            "file": SimpleUploadedFile("notes.txt", b"v2"),
        },
    )
    assert response.status_code == 302
    assert list(document.versions.values_list("number", "note")) == [
        (2, "Typos fixed"),
        (1, ""),
    ]


def test_the_portal_lists_only_client_visible_documents(cast, documents):
    page = client_for(cast, "viewer").get(reverse("portal:project", args=[cast.project.pk]))
    body = page.content.decode()
    assert "Shared" in body
    assert "Internal" not in body.split('data-testid="documents"')[1]
    assert "internal.txt" not in body


# --- Submission with files ----------------------------------------------------------------------


@pytest.fixture
def reviewed_deliverable(cast):
    milestone = milestone_create(
        actor=cast.pm, project=cast.project, name="Go-live", due_date=date(2027, 3, 1)
    )
    deliverable = deliverable_create(
        actor=cast.pm, milestone=milestone, name="Runbook", criteria=["Reviewed by ops"]
    )
    quality_review_record(actor=cast.teammate, deliverable=deliverable, passed=True)
    return deliverable


def test_the_pm_attaches_files_when_submitting(cast, reviewed_deliverable):
    deliverable = reviewed_deliverable
    url = reverse("projects:deliverable", args=[cast.project.pk, deliverable.pk])
    response = client_for(cast, "pm").post(
        url + "submit/",
        {
            "note": "Here it is",
            "files": [
                SimpleUploadedFile("runbook.pdf", PDF),
                SimpleUploadedFile("checklist.csv", b"step,done\n1,yes\n"),
            ],
        },
    )
    assert response.status_code == 302
    acceptance_round = AcceptanceRound.objects.get(deliverable=deliverable)
    documents = Document.objects.filter(deliverable=deliverable).order_by("title")
    assert [(d.title, d.visibility) for d in documents] == [
        ("checklist.csv", Visibility.CLIENT),
        ("runbook.pdf", Visibility.CLIENT),
    ]
    assert set(DocumentVersion.objects.values_list("acceptance_round", flat=True)) == {
        acceptance_round.pk
    }
    portal = client_for(cast, "rep").get(
        reverse("portal:deliverable", args=[cast.project.pk, deliverable.pk])
    )
    assert "runbook.pdf" in portal.content.decode()
    with pytest.raises(InvalidTransition):
        document_delete(actor=cast.pm, document=documents[0])


def test_a_refused_file_refuses_the_submission(cast, reviewed_deliverable, documents_root):
    deliverable = reviewed_deliverable
    url = reverse("projects:deliverable", args=[cast.project.pk, deliverable.pk])
    response = client_for(cast, "pm").post(
        url + "submit/",
        {
            "files": [
                SimpleUploadedFile("runbook.pdf", PDF),
                SimpleUploadedFile("setup.pdf", EXE),
            ],
        },
    )
    assert response.status_code == 400
    assert "is a program or a script" in response.content.decode()
    assert AcceptanceRound.objects.count() == 0
    assert Document.objects.count() == 0
    assert stored_files(documents_root) == []
    deliverable.refresh_from_db()
    assert deliverable.status == deliverable.Status.IN_PROGRESS


def test_a_document_uploaded_on_the_deliverable_page_belongs_to_it(cast, reviewed_deliverable):
    deliverable = reviewed_deliverable
    url = reverse("projects:deliverable", args=[cast.project.pk, deliverable.pk])
    response = client_for(cast, "teammate").post(
        url + "documents/",
        {
            "title": "Test log",
            "visibility": "internal",
            "file": SimpleUploadedFile("log.txt", b"all green"),
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.deliverable, document.milestone) == (deliverable, deliverable.milestone)
    assert "Test log" in client_for(cast, "pm").get(url).content.decode()


# --- API ----------------------------------------------------------------------------------------


def test_api_upload_list_and_new_version(cast, documents):
    api = APIClient()
    api.force_authenticate(cast.teammate)
    base = f"/api/v1/projects/{cast.project.pk}/documents/"
    created = api.post(
        base,
        {"file": SimpleUploadedFile("spec.txt", b"spec"), "title": "Spec"},
        format="multipart",
    )
    assert created.status_code == 201
    assert created.json()["title"] == "Spec"
    assert created.json()["visibility"] == "internal"
    assert created.json()["versions"][0]["number"] == 1
    again = api.post(
        base,
        {"file": SimpleUploadedFile("spec.txt", b"spec 2"), "document": created.json()["id"]},
        format="multipart",
    )
    assert again.status_code == 201
    assert [v["number"] for v in again.json()["versions"]] == [2, 1]

    refused = api.post(base, {"file": SimpleUploadedFile("a.pdf", EXE)}, format="multipart")
    assert refused.status_code == 400

    rep = APIClient()
    rep.force_authenticate(cast.rep)
    titles = [item["title"] for item in rep.get(base).json()["results"]]
    assert titles == ["Shared"]
    assert rep.get(f"{base}{documents['internal'].pk}/").status_code == 404


# --- Query counts -------------------------------------------------------------------------------


def _add_documents(cast: Any, count: int) -> None:
    for index in range(count):
        version = upload(cast.pm, cast.project, f"doc{index}.txt", b"x", title=f"Doc {index}")
        upload(cast.teammate, cast.project, f"doc{index}.txt", b"y", document=version.document)


@pytest.mark.parametrize(
    ("role_name", "url_name"),
    [("pm", "projects:documents"), ("rep", "portal:project")],
)
def test_the_documents_list_uses_a_constant_number_of_queries(
    cast, role_name, url_name, django_assert_num_queries
):
    client = client_for(cast, role_name)
    url = reverse(url_name, args=[cast.project.pk])
    _add_documents(cast, 5)
    Document.objects.update(visibility=Visibility.CLIENT)
    # Warm: the working calendars (the days lost waiting) come from the cache.
    few = count_queries(client, url, warm=True)
    _add_documents(cast, 45)
    Document.objects.update(visibility=Visibility.CLIENT)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.content.decode().count('data-testid="document"') == 50


# --- Demo data ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_has_a_shared_pdf_and_an_internal_note_once():
    from django.core.management import call_command

    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    documents = Document.objects.filter(project__code="NW-WMS").order_by("title")
    assert [(d.title, d.visibility, d.current_version) for d in documents] == [
        ("Pilot risks (team notes)", Visibility.INTERNAL, 1),
        ("Solution design (signed)", Visibility.CLIENT, 1),
    ]
    pdf = DocumentVersion.objects.get(document__title="Solution design (signed)")
    assert pdf.content_type == "application/pdf"
    content = Path(pdf.file.path).read_bytes()
    assert content.startswith(b"%PDF-1.4")
    assert content.rstrip().endswith(b"%%EOF")
    startxref = int(content.rsplit(b"startxref", 1)[1].split()[0])
    assert content[startxref:].startswith(b"xref")


@pytest.mark.parametrize(
    ("role_name", "may_upload", "may_share"),
    [("pm", True, True), ("teammate", True, False), ("am", False, False)],
)
def test_the_documents_tab_offers_what_the_role_may_do(
    cast, documents, role_name, may_upload, may_share
):
    body = (
        client_for(cast, role_name)
        .get(reverse("projects:documents", args=[cast.project.pk]))
        .content.decode()
    )
    assert ('data-testid="upload-form"' in body) is may_upload
    assert ('data-testid="version-form"' in body) is may_upload
    assert ('data-testid="share"' in body) is may_share
    assert "Internal" in body
    assert "Shared" in body


@pytest.mark.parametrize(
    ("role_name", "action", "expected"),
    [
        ("am", "upload", 403),
        ("am", "version", 403),
        ("am", "visibility", 403),
        ("teammate", "visibility", 403),
        ("teammate", "delete", 403),
        ("staff_admin", "delete", 403),
        ("outsider", "delete", 404),
        ("rep", "delete", 302),  # to the portal
    ],
)
def test_refused_posts_on_the_documents_tab_change_nothing(
    cast, documents, documents_root, role_name, action, expected
):
    document = documents["internal"]
    files_before = stored_files(documents_root)
    url_name = {
        "upload": "document_upload",
        "version": "document_version_upload",
        "visibility": "document_visibility",
        "delete": "document_delete",
    }[action]
    response = client_for(cast, role_name).post(
        reverse(f"projects:{url_name}", args=[cast.project.pk]),
        {
            "document": document.pk,
            "visibility": "client",
            "title": "Sneaky",
            "file": SimpleUploadedFile("sneaky.txt", b"sneaky"),
        },
    )
    assert response.status_code == expected
    assert Document.objects.count() == 2
    assert Document.objects.get(pk=document.pk).visibility == Visibility.INTERNAL
    assert DocumentVersion.objects.count() == 2
    assert stored_files(documents_root) == files_before


def test_only_the_team_uploads_on_the_deliverable_page(cast, reviewed_deliverable):
    url = reverse("projects:deliverable", args=[cast.project.pk, reviewed_deliverable.pk])
    response = client_for(cast, "am").post(
        url + "documents/",
        {
            "visibility": "internal",
            "file": SimpleUploadedFile("log.txt", b"x"),
        },
    )
    assert response.status_code == 403
    assert Document.objects.count() == 0
