"""Discussion threads on deliverables: who reads and writes what, mentions, notifications."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from common.errors import NotAllowed, NotFound
from discussions.models import Entry
from discussions.selectors import entry_list_for
from discussions.services import entry_post, mentions_resolve
from notifications.models import Channel, DigestItem, Notification, OutboxMessage
from notifications.services.digests import digests_send_due
from notifications.services.preferences import preferences_set
from tests.helpers import count_queries, logged_in

pytestmark = pytest.mark.django_db

SECRET = "margin is thin, do not tell"


def thread_key(deliverable) -> dict:
    return {"target": "projects.deliverable", "object_id": deliverable.pk}


def test_internal_note_never_reaches_a_client(cast, deliverable):
    # The rep took part earlier and is mentioned by name: still nothing about the note.
    preferences_set(actor=cast.client_admin, channels={"discussion": Channel.DAILY_DIGEST})
    entry_post(actor=cast.client_admin, target=deliverable, body="Me too.")
    entry_post(actor=cast.rep, target=deliverable, body="When is it ready?")
    entry_post(
        actor=cast.pm,
        target=deliverable,
        body=f"{SECRET} @{cast.rep.display_name} @{cast.client_admin.email} @{cast.am.email}",
        kind=Entry.Kind.INTERNAL_NOTE,
    )
    note = Entry.objects.get(kind=Entry.Kind.INTERNAL_NOTE)
    assert list(note.mentions.all()) == [cast.am]
    clients = [cast.client_admin, cast.rep, cast.viewer]

    for person in clients:
        # selector
        kinds = {e.kind for e in entry_list_for(user=person, target=deliverable)}
        assert kinds == {"reply"}
        client = logged_in(person)
        # pages: the portal deliverable and the thread partial
        page = client.get(
            reverse(
                "portal:deliverable",
                kwargs={"project_id": cast.project.pk, "deliverable_id": deliverable.pk},
            )
        )
        assert page.status_code == 200
        assert "When is it ready?" in page.content.decode()
        assert SECRET not in page.content.decode()
        partial = client.get(reverse("discussions:thread", kwargs=thread_key(deliverable)))
        assert SECRET not in partial.content.decode()
        # API
        api = client.get(f"/api/v1/discussions/projects.deliverable/{deliverable.pk}/entries/")
        assert api.status_code == 200
        assert {e["kind"] for e in api.json()} == {"reply"}
        # in-app notifications, e-mails, digest lines
        assert not Notification.objects.filter(user=person, url__contains=f"entry-{note.pk}")
        assert SECRET not in " ".join(
            OutboxMessage.objects.filter(to_user=person).values_list("body_text", flat=True)
        )
        assert not DigestItem.objects.filter(user=person, dedupe_key__contains=f":{note.pk}:")

    # The digest the client admin gets never carries the note either.
    assert digests_send_due(now=datetime(2030, 1, 1, 12, 0, tzinfo=UTC)) == 1
    for message in OutboxMessage.objects.filter(to_user__in=clients):
        assert SECRET not in message.body_text

    # The provider side sees it, on the page too.
    page = logged_in(cast.teammate).get(
        reverse(
            "projects:deliverable",
            kwargs={"project_id": cast.project.pk, "deliverable_id": deliverable.pk},
        )
    )
    assert SECRET in page.content.decode()
    assert Notification.objects.filter(user=cast.am, url__endswith=f"#entry-{note.pk}").exists()


def test_a_client_cannot_write_an_internal_note(cast, deliverable):
    with pytest.raises(NotAllowed):
        entry_post(actor=cast.rep, target=deliverable, body="psst", kind=Entry.Kind.INTERNAL_NOTE)
    response = logged_in(cast.rep).post(
        f"/api/v1/discussions/projects.deliverable/{deliverable.pk}/entries/",
        {"body": "psst", "kind": "internal_note"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Entry.objects.exists()


def test_viewer_reads_but_cannot_post(cast, deliverable):
    entry_post(actor=cast.pm, target=deliverable, body="Draft attached")
    with pytest.raises(NotAllowed):
        entry_post(actor=cast.viewer, target=deliverable, body="Me too")
    client = logged_in(cast.viewer)
    url = reverse("discussions:thread", kwargs=thread_key(deliverable))
    partial = client.get(url)
    assert "Draft attached" in partial.content.decode()
    assert 'data-testid="entry-form"' not in partial.content.decode()
    assert client.post(url, {"body": "Me too"}).status_code == 403
    assert Entry.objects.count() == 1


def test_outsiders_get_not_found(cast, deliverable):
    with pytest.raises(NotFound):
        entry_list_for(user=cast.other_client_rep, target=deliverable)
    with pytest.raises(NotAllowed):
        entry_post(actor=cast.outsider, target=deliverable, body="hi")
    url = reverse("discussions:thread", kwargs=thread_key(deliverable))
    assert logged_in(cast.other_client_rep).get(url).status_code == 404
    bogus = {"target": "auth.group", "object_id": 1}
    assert logged_in(cast.pm).get(reverse("discussions:thread", kwargs=bogus)).status_code == 404


def test_client_reply_by_form_without_js_and_with_htmx(cast, deliverable):
    client = logged_in(cast.rep)
    url = reverse("discussions:thread", kwargs=thread_key(deliverable))
    response = client.post(url, {"body": "Looks **good**"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"/portal/projects/{cast.project.pk}/deliverables/")
    response = client.post(url, {"body": "One more thing"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>good</strong>" in html
    assert "One more thing" in html
    assert list(Entry.objects.values_list("kind", flat=True)) == ["reply", "reply"]
    # An empty message is refused with the form shown again.
    refused = client.post(url, {"body": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200  # htmx swaps only 2xx: the form comes back with its error
    assert "is-invalid" in refused.content.decode()
    assert Entry.objects.count() == 2


def test_mentions_resolve_only_people_who_may_see(cast, deliverable):
    body = (
        f"@{cast.teammate.display_name} and @{cast.rep.email}, "
        f"@{cast.other_client_rep.email} @{cast.outsider.email} mail@{cast.am.email}"
    )
    reply = mentions_resolve(body=body, target=deliverable, kind=Entry.Kind.REPLY)
    assert set(reply) == {cast.teammate, cast.rep}
    note = mentions_resolve(body=body, target=deliverable, kind=Entry.Kind.INTERNAL_NOTE)
    assert note == [cast.teammate]


def test_mentions_of_an_internal_deliverable_skip_clients(cast, deliverable):
    deliverable.visibility = "internal"
    deliverable.save(update_fields=["visibility"])
    found = mentions_resolve(
        body=f"@{cast.rep.email} @{cast.am.email}", target=deliverable, kind=Entry.Kind.REPLY
    )
    assert found == [cast.am]


def test_the_people_involved_are_notified(cast, deliverable):
    entry_post(actor=cast.rep, target=deliverable, body="Question")
    Notification.objects.all().delete()
    OutboxMessage.objects.all().delete()
    entry_post(
        actor=cast.am, target=deliverable, body=f"Answer, cc @{cast.client_admin.display_name}"
    )
    notified = set(Notification.objects.values_list("user__email", flat=True))
    # The earlier participant, the mentioned person, the owner and the PM; not the author.
    expected = {cast.rep.email, cast.client_admin.email, cast.teammate.email, cast.pm.email}
    assert notified == expected
    assert set(OutboxMessage.objects.values_list("to_email", flat=True)) == expected
    rep_note = Notification.objects.get(user=cast.rep)
    assert rep_note.url.startswith("/portal/")
    assert Notification.objects.get(user=cast.pm).url.startswith("/projects/")
    mention = Notification.objects.get(user=cast.client_admin)
    assert "mentioned you" in mention.title


def test_posting_twice_is_not_deduplicated_but_each_entry_e_mails_once(cast, deliverable):
    entry_post(actor=cast.rep, target=deliverable, body="one")
    entry_post(actor=cast.rep, target=deliverable, body="two")
    assert OutboxMessage.objects.filter(to_user=cast.pm).count() == 2


def _thread_queries(user, deliverable) -> int:
    client = logged_in(user)
    url = reverse("discussions:thread", kwargs=thread_key(deliverable))
    return count_queries(client, url, warm=True)


@pytest.mark.parametrize("person", ["pm", "rep"])
def test_query_count_does_not_grow_with_entries(cast, deliverable, person):
    user = getattr(cast, person)
    authors = [cast.pm, cast.rep, cast.teammate, cast.client_admin, cast.am]
    for index in range(5):
        entry_post(actor=authors[index % 5], target=deliverable, body=f"entry {index}")
    few = _thread_queries(user, deliverable)
    for index in range(5, 50):
        kind = Entry.Kind.INTERNAL_NOTE if index % 7 == 0 else Entry.Kind.REPLY
        author = cast.am if kind == Entry.Kind.INTERNAL_NOTE else authors[index % 5]
        entry_post(actor=author, target=deliverable, body=f"entry {index}", kind=kind)
    assert _thread_queries(user, deliverable) == few


def _page_queries(user, url) -> int:
    return count_queries(logged_in(user), url, warm=True)


@pytest.mark.parametrize(("person", "page"), [("pm", "projects"), ("rep", "portal")])
def test_deliverable_page_query_count_does_not_grow_with_entries(cast, deliverable, person, page):
    user = getattr(cast, person)
    url = reverse(
        f"{page}:deliverable",
        kwargs={"project_id": cast.project.pk, "deliverable_id": deliverable.pk},
    )
    for index in range(5):
        entry_post(actor=cast.pm, target=deliverable, body=f"entry {index}")
    few = _page_queries(user, url)
    for index in range(5, 50):
        entry_post(actor=cast.rep if index % 2 else cast.am, target=deliverable, body=f"e {index}")
    assert _page_queries(user, url) == few
