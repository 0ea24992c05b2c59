"""Threads on requirements and change requests: the same rules as on deliverables (replies for
everyone who sees the item, internal notes for the provider side only), on their own pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from config.errors import NotFound
from notifications.models import OutboxMessage
from projects.models import Visibility
from stakeholders.models import Entry
from stakeholders.selectors_discussions import entry_list_for
from stakeholders.services.requirements import requirement_create
from stakeholders.services_changes import change_request_create
from stakeholders.services_discussions import entry_post

pytestmark = pytest.mark.django_db

NOTE = "their budget owner is wavering"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def requirement(cast):
    return requirement_create(
        actor=cast.rep, project=cast.project, title="Export to Excel", description="Monthly."
    )


@pytest.fixture
def change_request(cast):
    return change_request_create(
        actor=cast.pm, project=cast.project, title="Add SSO", reason="Security review"
    )


def _pages(cast, item) -> tuple[str, str]:
    if item._meta.model_name == "requirement":
        kwargs = {"project_id": cast.project.pk, "requirement_id": item.pk}
        return (
            reverse("stakeholders:requirement", kwargs=kwargs),
            reverse("portal:requirement", kwargs=kwargs),
        )
    kwargs = {"project_id": cast.project.pk, "cr_id": item.pk}
    return (
        reverse("stakeholders:change_request", kwargs=kwargs),
        reverse("portal:change_request", kwargs=kwargs),
    )


@pytest.mark.parametrize("item_name", ["requirement", "change_request"])
def test_reply_reaches_the_client_and_the_note_does_not(cast, item_name, request):
    item = request.getfixturevalue(item_name)
    entry_post(actor=cast.pm, target=item, body="Which columns do you need?")
    entry_post(
        actor=cast.pm, target=item, body=f"{NOTE} @{cast.am.email}", kind=Entry.Kind.INTERNAL_NOTE
    )
    staff_url, portal_url = _pages(cast, item)

    staff_page = logged_in(cast.teammate).get(staff_url).content.decode()
    assert "Which columns do you need?" in staff_page
    assert NOTE in staff_page

    for person in (cast.client_admin, cast.rep, cast.viewer):
        page = logged_in(person).get(portal_url)
        assert page.status_code == 200
        assert "Which columns do you need?" in page.content.decode()
        assert NOTE not in page.content.decode()
        assert {e.kind for e in entry_list_for(user=person, target=item)} == {"reply"}
        api = logged_in(person).get(
            reverse(
                "api:discussion-entries",
                kwargs={"target": item._meta.label_lower, "object_id": item.pk},
            )
        )
        assert api.status_code == 200, api.content
        assert NOTE not in api.content.decode()

    mails = OutboxMessage.objects.filter(body_text__contains=NOTE)
    assert set(mails.values_list("to_email", flat=True)) == {cast.am.email}


def test_the_client_replies_from_the_portal_and_the_pm_is_told(cast, requirement):
    _, portal_url = _pages(cast, requirement)
    post_url = reverse(
        "stakeholders:thread",
        kwargs={"target": "stakeholders.requirement", "object_id": requirement.pk},
    )
    response = logged_in(cast.rep).post(post_url, {"body": "All of them, please."})
    assert response.status_code == 302
    assert response["Location"].startswith(portal_url)
    assert "All of them, please." in logged_in(cast.rep).get(portal_url).content.decode()
    assert OutboxMessage.objects.filter(
        to_email=cast.pm.email, body_text__contains="All of them, please."
    ).exists()


def test_an_internal_change_request_thread_is_hidden_from_the_client(cast):
    internal = change_request_create(
        actor=cast.pm, project=cast.project, title="Cut QA", visibility=Visibility.INTERNAL
    )
    entry_post(actor=cast.pm, target=internal, body="Draft only.")
    for person in (cast.rep, cast.client_admin, cast.other_client_rep, cast.outsider):
        with pytest.raises(NotFound):
            entry_list_for(user=person, target=internal)
        response = logged_in(person).get(
            reverse(
                "stakeholders:thread",
                kwargs={"target": "stakeholders.changerequest", "object_id": internal.pk},
            )
        )
        assert response.status_code == 404


def test_the_viewer_reads_but_cannot_post(cast, requirement):
    post_url = reverse(
        "stakeholders:thread",
        kwargs={"target": "stakeholders.requirement", "object_id": requirement.pk},
    )
    response = logged_in(cast.viewer).post(post_url, {"body": "Me too"})
    assert response.status_code in (403, 302)
    assert not Entry.objects.filter(body="Me too").exists()
