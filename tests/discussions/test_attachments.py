"""Files on requirements, change requests and discussion entries: checked before anything is
stored, seen by whoever sees the item (or reads the entry: an internal note's files stay with the
provider side), served only through the permission-checked downloads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.errors import InvalidInput, NotAllowed, NotFound
from discussions.models import Attachment, Entry
from discussions.selectors import attachment_get_for
from discussions.services import attachment_remove, attachments_add, entry_post
from projects.models import Visibility
from stakeholders.models import Requirement
from stakeholders.services.changes import change_request_create
from stakeholders.services.requirements import requirement_create
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def a_file(name="spec.txt", content=b"Scan every pallet once."):
    return SimpleUploadedFile(name, content)


@pytest.fixture
def requirement(cast):
    return requirement_create(actor=cast.rep, project=cast.project, title="Dock scanning")


def test_item_files_are_seen_by_whoever_sees_the_item(cast, requirement):
    [attachment] = attachments_add(actor=cast.rep, target=requirement, files=[a_file()])
    url = reverse("discussions:attachment", args=[attachment.pk])
    for person in (cast.pm, cast.teammate, cast.client_admin, cast.rep, cast.viewer):
        response = logged_in(person).get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"Scan every pallet once."
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in response["Content-Disposition"]
    for person in (cast.other_client_rep, cast.outsider):
        assert logged_in(person).get(url).status_code == 404
    page = logged_in(cast.viewer).get(
        reverse("portal:requirement", args=[cast.project.pk, requirement.pk])
    )
    assert "spec.txt" in page.content.decode()


def test_an_internal_notes_files_never_reach_the_client(cast, requirement):
    entry_post(
        actor=cast.pm,
        target=requirement,
        body="Our estimate sheet",
        kind=Entry.Kind.INTERNAL_NOTE,
        files=[a_file("estimate.csv", b"task,days\nmapping,3\n")],
    )
    entry_post(
        actor=cast.pm, target=requirement, body="The mock-up", files=[a_file("mockup.pdf", PDF)]
    )
    internal = Attachment.objects.get(original_name="estimate.csv")
    shared = Attachment.objects.get(original_name="mockup.pdf")
    for person in (cast.client_admin, cast.rep, cast.viewer):
        with pytest.raises(NotFound):
            attachment_get_for(user=person, attachment_id=internal.pk)
        client = logged_in(person)
        assert client.get(reverse("discussions:attachment", args=[internal.pk])).status_code == 404
        assert client.get(f"/api/v1/attachments/{internal.pk}/").status_code == 404
        assert client.get(reverse("discussions:attachment", args=[shared.pk])).status_code == 200
        page = client.get(reverse("portal:requirement", args=[cast.project.pk, requirement.pk]))
        assert "mockup.pdf" in page.content.decode()
        assert "estimate.csv" not in page.content.decode()
        api = client.get(
            f"/api/v1/discussions/stakeholders.requirement/{requirement.pk}/entries/"
        ).json()
        assert [f["name"] for e in api for f in e["attachments"]] == ["mockup.pdf"]
    assert attachment_get_for(user=cast.teammate, attachment_id=internal.pk) == internal


def test_files_of_an_internal_item_stay_internal(cast):
    change = change_request_create(
        actor=cast.pm, project=cast.project, title="Cut QA", visibility=Visibility.INTERNAL
    )
    [attachment] = attachments_add(actor=cast.pm, target=change, files=[a_file()])
    for person in (cast.rep, cast.client_admin):
        assert (
            logged_in(person).get(reverse("discussions:attachment", args=[attachment.pk]))
        ).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 60, "program"),
        ("empty.txt", b"", "empty"),
        ("big.txt", b"x" * 2048, "at most"),
    ],
)
def test_a_refused_file_refuses_the_whole_post(cast, requirement, settings, name, content, reason):
    settings.RAPPORT_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(InvalidInput) as error:
        entry_post(
            actor=cast.rep,
            target=requirement,
            body="Two files",
            files=[a_file(), a_file(name, content)],
        )
    assert error.value.field == "files"
    assert reason in str(error.value.message)
    assert not Entry.objects.filter(body="Two files").exists()
    assert not Attachment.objects.exists()


def test_the_portal_submission_takes_files_and_a_bad_one_undoes_it(cast, settings):
    url = reverse("portal:requirement_create", args=[cast.project.pk])
    client = logged_in(cast.rep)
    response = client.post(
        url, {"title": "Label layout", "priority": "must", "files": [a_file("layout.pdf", PDF)]}
    )
    assert response.status_code == 302
    requirement = Requirement.objects.get(title="Label layout")
    assert [a.original_name for a in Attachment.objects.all()] == ["layout.pdf"]
    assert Attachment.objects.get().thread.object_id == requirement.pk

    refused = client.post(
        url, {"title": "With a program", "priority": "must", "files": [a_file("x.exe", b"MZ" * 40)]}
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors
    assert not Requirement.objects.filter(title="With a program").exists()


def test_the_viewer_cannot_attach_and_only_the_uploader_or_pm_removes(cast, requirement):
    with pytest.raises(NotAllowed):
        attachments_add(actor=cast.viewer, target=requirement, files=[a_file()])
    response = logged_in(cast.viewer).post(
        reverse("discussions:attachments", args=["stakeholders.requirement", requirement.pk]),
        {"files": [a_file()]},
    )
    assert response.status_code == 403
    [attachment] = attachments_add(actor=cast.rep, target=requirement, files=[a_file()])
    with pytest.raises(NotAllowed):
        attachment_remove(actor=cast.client_admin, attachment=attachment)
    url = reverse("discussions:attachment_delete", args=[attachment.pk])
    assert logged_in(cast.pm).post(url).status_code == 302
    assert not Attachment.objects.exists()


def test_files_through_the_page_form_and_the_api(cast, requirement):
    page_url = reverse("discussions:attachments", args=["stakeholders.requirement", requirement.pk])
    response = logged_in(cast.pm).post(page_url, {"files": [a_file("a.txt"), a_file("b.txt")]})
    assert response.status_code == 302
    assert response["Location"].endswith("#attachments")
    api = logged_in(cast.rep).post(
        f"/api/v1/discussions/stakeholders.requirement/{requirement.pk}/attachments/",
        {"files": [a_file("c.txt")]},
    )
    assert api.status_code == 201, api.content
    listing = logged_in(cast.viewer).get(
        f"/api/v1/discussions/stakeholders.requirement/{requirement.pk}/attachments/"
    )
    assert [f["name"] for f in listing.json()] == ["a.txt", "b.txt", "c.txt"]
    download = logged_in(cast.viewer).get(listing.json()[2]["download_url"])
    assert download.status_code == 200
    bad = logged_in(cast.rep).post(
        f"/api/v1/discussions/stakeholders.requirement/{requirement.pk}/attachments/",
        {"files": [a_file("d.exe", b"MZ" * 40)]},
    )
    assert bad.status_code == 400
    assert "files" in bad.json()
    entry = logged_in(cast.rep).post(
        f"/api/v1/discussions/stakeholders.requirement/{requirement.pk}/entries/",
        {"body": "See the photo", "files": [a_file("photo.txt")]},
    )
    assert entry.status_code == 201, entry.content
    assert [f["name"] for f in entry.json()["attachments"]] == ["photo.txt"]
