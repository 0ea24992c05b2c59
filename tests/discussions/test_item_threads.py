"""Threads on requirements and change requests: the same rules as on deliverables (replies for
everyone who sees the item, internal notes for the provider side only), on their own pages."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from common.errors import NotFound
from discussions.models import Entry
from discussions.selectors import entry_list_for
from discussions.services import entry_post
from notifications.models import OutboxMessage
from projects.models import Visibility
from stakeholders.services.changes import change_request_create
from stakeholders.services.requirements import requirement_create
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

NOTE = "their budget owner is wavering"


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
        "discussions:thread",
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
                "discussions:thread",
                kwargs={"target": "stakeholders.changerequest", "object_id": internal.pk},
            )
        )
        assert response.status_code == 404


def test_the_viewer_reads_but_cannot_post(cast, requirement):
    post_url = reverse(
        "discussions:thread",
        kwargs={"target": "stakeholders.requirement", "object_id": requirement.pk},
    )
    response = logged_in(cast.viewer).post(post_url, {"body": "Me too"})
    assert response.status_code in (403, 302)
    assert not Entry.objects.filter(body="Me too").exists()


# --- Search -----------------------------------------------------------------------------------


def _found(person, text: str) -> list[str]:
    from projects import search

    groups = search.search_grouped(
        user=person,
        text=text,
        side="portal" if person.is_client_user else "staff",
        kinds=["discussion"],
    )
    return [hit.snippet for group in groups for hit in group.hits]


def test_threads_join_the_search_without_leaking_notes_or_hidden_items(
    cast, requirement, change_request
):
    entry_post(actor=cast.pm, target=requirement, body="Zephyr columns: date, amount")
    entry_post(
        actor=cast.pm, target=requirement, body="Zephyr margin is thin", kind="internal_note"
    )
    internal = change_request_create(
        actor=cast.pm, project=cast.project, title="Cut QA", visibility=Visibility.INTERNAL
    )
    entry_post(actor=cast.pm, target=internal, body="Zephyr plan B")
    entry_post(actor=cast.other_client_rep, target=_other_requirement(cast), body="Zephyr too")

    assert sorted(_found(cast.pm, "Zephyr")) == sorted(
        [
            "Zephyr columns: date, amount",
            "Zephyr margin is thin",
            "Zephyr plan B",
        ]
    )
    for person in (cast.rep, cast.client_admin, cast.viewer):
        assert _found(person, "Zephyr") == ["Zephyr columns: date, amount"]
    assert _found(cast.other_client_rep, "Zephyr") == ["Zephyr too"]
    assert _found(cast.outsider, "Zephyr") == []

    # The hit names the item and links to its page on the person's side.
    from projects import search

    [group] = search.search_grouped(
        user=cast.rep, text="Zephyr", side="portal", kinds=["discussion"]
    )
    hit = group.hits[0]
    assert requirement.reference in hit.title
    assert hit.url.startswith(
        reverse("portal:requirement", args=[cast.project.pk, requirement.pk]) + "#entry-"
    )
    # ... and the search page and API of the client show no note.
    page = logged_in(cast.rep).get(reverse("portal:search"), {"q": "Zephyr"})
    assert "columns: date, amount" in page.content.decode()
    assert "margin" not in page.content.decode()
    api = logged_in(cast.rep).get("/api/v1/search/", {"q": "Zephyr"})
    assert api.status_code == 200
    assert "margin" not in api.content.decode()
    assert "plan B" not in api.content.decode()


def test_chinese_thread_text_is_found(cast, requirement):
    entry_post(actor=cast.rep, target=requirement, body="请把导出改成每周一次")
    for person in (cast.pm, cast.rep):
        found = _found(person, "导出")
        assert len(found) == 1
        assert "导出" in found[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL only")
def test_the_discussion_search_uses_its_gin_index(cast, requirement):
    """The match on the entries' text reads the GIN index over their stored vectors (the rest of
    the query is the person's scope)."""
    from django.contrib.postgres.search import SearchQuery
    from django.db import connection

    from discussions.models import Entry
    from projects import search

    entry_post(actor=cast.pm, target=requirement, body="Zephyr")
    matches = Entry.objects.annotate(search_vector=search.StoredVector()).filter(
        search_vector=SearchQuery("Zephyr", config=search.CONFIG, search_type="websearch")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = matches.explain()
    assert "entry_search_vector_gin" in plan


def _other_requirement(cast):
    return requirement_create(
        actor=cast.other_client_rep, project=cast.other_project, title="B's need"
    )
