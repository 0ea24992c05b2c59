"""An item's page reads its files and its thread in one query (item_discussion_of): each in
the order the models give, without the internal notes for who may not read them, and the
page's two parts share the read."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discussions.models import Entry
from discussions.selectors import item_discussion_of
from discussions.services import attachments_add, entry_post
from stakeholders.services.requirements import requirement_create
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db


def _at(hour: int) -> time_machine.travel:
    return time_machine.travel(datetime(2026, 3, 2, hour, tzinfo=UTC), tick=False)


@pytest.fixture
def requirement(cast):
    """A requirement with two files of its own (the later one stored first), a reply with two
    files, an internal note with one, and a reply without any posted at the same moment as
    the first reply."""
    with _at(9):
        requirement = requirement_create(actor=cast.rep, project=cast.project, title="Scanning")
    with _at(12):
        attachments_add(
            actor=cast.pm, target=requirement, files=[SimpleUploadedFile("later.txt", b"2")]
        )
    with _at(10):
        attachments_add(
            actor=cast.rep, target=requirement, files=[SimpleUploadedFile("earlier.txt", b"1")]
        )
    with _at(11):
        entry_post(
            actor=cast.pm,
            target=requirement,
            body="Which scanners?",
            files=[SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"bb")],
        )
        entry_post(actor=cast.rep, target=requirement, body="Zebra ones.")
    with _at(10):
        entry_post(
            actor=cast.pm,
            target=requirement,
            body="Budget is tight",
            kind=Entry.Kind.INTERNAL_NOTE,
            files=[SimpleUploadedFile("estimate.txt", b"3 days")],
        )
    return requirement


def _shape(discussion) -> tuple[list, list]:
    files = [(f.original_name, f.uploaded_by.display_name) for f in discussion.files]
    entries = [
        (e.body, e.kind, e.author.display_name, [f.original_name for f in e.files])
        for e in discussion.entries
    ]
    return files, entries


def test_one_query_reads_the_files_and_the_thread_in_order(cast, requirement):
    with CaptureQueriesContext(connection) as queries:
        discussion = item_discussion_of(target=requirement, internal=True)
    assert len(queries.captured_queries) == 1
    pm, rep = cast.pm.display_name, cast.rep.display_name
    assert _shape(discussion) == (
        [("earlier.txt", rep), ("later.txt", pm)],
        [
            ("Budget is tight", Entry.Kind.INTERNAL_NOTE, pm, ["estimate.txt"]),
            ("Which scanners?", Entry.Kind.REPLY, pm, ["a.txt", "b.txt"]),
            ("Zebra ones.", Entry.Kind.REPLY, rep, []),
        ],
    )
    assert [f.size for f in discussion.entries[1].files] == [1, 2]

    with CaptureQueriesContext(connection) as queries:
        again = item_discussion_of(target=requirement, internal=True)
    assert again is discussion
    assert queries.captured_queries == []


def test_without_internal_the_note_and_its_files_are_left_out(cast, requirement):
    files, entries = _shape(item_discussion_of(target=requirement, internal=False))
    assert [name for name, _ in files] == ["earlier.txt", "later.txt"]
    assert [body for body, *_ in entries] == ["Which scanners?", "Zebra ones."]
    assert "estimate.txt" not in str(entries)


def test_the_pages_show_both_parts_and_the_client_never_the_note(cast, requirement):
    kwargs = {"project_id": cast.project.pk, "requirement_id": requirement.pk}
    staff = logged_in(cast.pm).get(reverse("stakeholders:requirement", kwargs=kwargs))
    portal = logged_in(cast.rep).get(reverse("portal:requirement", kwargs=kwargs))
    staff_page, portal_page = staff.content.decode(), portal.content.decode()
    for page in (staff_page, portal_page):
        assert page.index("earlier.txt") < page.index("later.txt") < page.index("a.txt")
        assert page.index("Which scanners?") < page.index("Zebra ones.")
        assert cast.rep.display_name in page.split('data-testid="attachments"')[1]
    assert "Budget is tight" in staff_page
    assert "estimate.txt" in staff_page
    assert "Budget is tight" not in portal_page
    assert "estimate.txt" not in portal_page
