"""Meetings, their minutes and action items: who records, who ticks, what clients never see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from common.errors import InvalidInput, NotAllowed, NotFound
from projects import search
from projects.models import Visibility
from projects.selectors.portfolio import PortfolioFilters, project_portfolio_for
from stakeholders.models import ActionItem, Meeting, MeetingDecision
from stakeholders.selectors.meetings import meeting_list_for, open_action_items_for
from stakeholders.services.meetings import (
    action_item_create,
    action_item_set_done,
    meeting_create,
    meeting_decision_record,
)
from tests.helpers import count_queries
from tests.stakeholders.helpers import a_meeting, meetings_with_items

SECRET = "Budget overrun hidden from client"


@pytest.mark.parametrize("role_name", ["pm", "teammate"])
def test_pm_and_team_create_meetings(cast, role_name):
    meeting = a_meeting(cast.by_name(role_name), cast.project, attendees=[cast.pm, cast.rep])

    assert set(meeting.attendees.all()) == {cast.pm, cast.rep}
    assert meeting.minutes_visibility == Visibility.INTERNAL


@pytest.mark.parametrize(
    ("role_name", "error"),
    [
        ("am", NotAllowed),
        ("client_admin", NotAllowed),
        ("rep", NotAllowed),
        ("viewer", NotAllowed),
        ("other_client_rep", NotFound),
        ("outsider", NotFound),
    ],
)
def test_others_cannot_create_meetings_or_record_in_them(cast, role_name, error):
    meeting = a_meeting(cast.pm, cast.project)
    actor = cast.by_name(role_name)

    with pytest.raises(error):
        a_meeting(actor, cast.project)
    with pytest.raises(error):
        meeting_decision_record(actor=actor, meeting=meeting, text="Go")
    with pytest.raises(error):
        action_item_create(actor=actor, meeting=meeting, text="Do", owner=cast.rep)

    assert Meeting.objects.count() == 1
    assert MeetingDecision.objects.count() == 0
    assert ActionItem.objects.count() == 0


def test_a_meeting_time_must_be_aware(cast):
    with pytest.raises(InvalidInput):
        meeting_create(
            actor=cast.pm,
            project=cast.project,
            title="X",
            starts_at=datetime(2026, 11, 2, 9),  # noqa: DTZ001
        )
    assert Meeting.objects.count() == 0


def test_the_owner_ticks_their_item_done_and_others_cannot(cast, client):
    meeting = a_meeting(cast.pm, cast.project)
    item = action_item_create(actor=cast.pm, meeting=meeting, text="Send data", owner=cast.rep)

    with pytest.raises(NotAllowed):
        action_item_set_done(actor=cast.viewer, item=item, is_done=True)
    with pytest.raises(NotFound):
        action_item_set_done(actor=cast.other_client_rep, item=item, is_done=True)
    client.force_login(cast.other_client_rep)
    assert client.post(reverse("stakeholders:action_item_done", args=(item.pk,))).status_code == 404
    item.refresh_from_db()
    assert item.is_done is False

    client.force_login(cast.rep)
    response = client.post(reverse("stakeholders:action_item_done", args=(item.pk,)), {"done": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("stakeholders:portal_todo")
    item.refresh_from_db()
    assert item.is_done is True
    assert item.done_at is not None
    assert list(open_action_items_for(user=cast.rep)) == []


def test_internal_minutes_never_reach_clients(cast, client):
    meeting = a_meeting(cast.pm, cast.project, title="Steering", minutes=SECRET)
    meeting_decision_record(actor=cast.pm, meeting=meeting, text="Absorb the overrun")

    shown = meeting_list_for(user=cast.rep, project=cast.project).get()
    assert shown.visible_minutes == ""
    assert list(shown.decisions.all()) == []
    assert meeting_list_for(user=cast.pm, project=cast.project).get().visible_minutes == SECRET

    client.force_login(cast.rep)
    page = client.get(reverse("stakeholders:portal_meeting", args=(cast.project.pk, meeting.pk)))
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    assert "Absorb the overrun" not in page.content.decode()
    api = client.get(f"/api/v1/projects/{cast.project.pk}/meetings/")
    assert api.status_code == 200
    assert SECRET not in api.content.decode()
    assert api.json()["results"][0]["minutes"] == ""

    hits = search.search_queryset(search.searchable_get("meeting"), user=cast.rep, text="overrun")
    assert list(hits) == []
    staff_hits = search.search_queryset(
        search.searchable_get("meeting"), user=cast.pm, text="overrun"
    )
    assert [hit.pk for hit in staff_hits] == [meeting.pk]


def test_client_visible_minutes_reach_clients_as_markdown(cast, client):
    meeting = a_meeting(
        cast.pm, cast.project, minutes="**Agreed** <script>x()</script>", visibility="client"
    )
    client.force_login(cast.rep)
    page = client.get(reverse("stakeholders:portal_meeting", args=(cast.project.pk, meeting.pk)))
    html = page.content.decode()
    assert "<strong>Agreed</strong>" in html
    assert "<script>x()" not in html


def test_meeting_list_splits_upcoming_and_past(cast, client):
    a_meeting(cast.pm, cast.project, title="Past one", starts_at=timezone.now() - timedelta(days=1))
    a_meeting(cast.pm, cast.project, title="Next one", starts_at=timezone.now() + timedelta(days=1))
    client.force_login(cast.teammate)
    response = client.get(reverse("stakeholders:meetings", args=(cast.project.pk,)))
    assert [m.title for m in response.context["upcoming"]] == ["Next one"]
    assert [m.title for m in response.context["past"]] == ["Past one"]


@pytest.mark.parametrize(
    ("url_name", "user_name"),
    [("stakeholders:meetings", "pm"), ("stakeholders:portal_meetings", "rep")],
)
def test_meeting_list_keeps_its_queries_with_5_and_50_meetings(cast, client, url_name, user_name):
    client.force_login(cast.by_name(user_name))
    url = reverse(url_name, args=(cast.project.pk,))
    meetings_with_items(cast.pm, cast.project, cast.rep, 5)
    few = count_queries(client, url)
    meetings_with_items(cast.pm, cast.project, cast.rep, 45)
    assert count_queries(client, url) == few


@pytest.mark.parametrize(
    ("url_name", "user_name"),
    [("stakeholders:todo", "teammate"), ("stakeholders:portal_todo", "rep")],
)
def test_todo_lists_own_open_items_with_constant_queries(cast, client, url_name, user_name):
    owner = cast.by_name(user_name)
    client.force_login(owner)
    meetings_with_items(cast.pm, cast.project, owner, 5)
    meetings_with_items(cast.pm, cast.project, cast.pm, 2)
    few = count_queries(client, reverse(url_name))
    meetings_with_items(cast.pm, cast.project, owner, 45)
    assert count_queries(client, reverse(url_name)) == few
    response = client.get(reverse(url_name))
    assert len(response.context["items"]) == 50
    assert {item.owner_id for item in response.context["items"]} == {owner.pk}


def test_portfolio_counts_overdue_action_items_with_constant_queries(cast, client):
    today = timezone.localdate()
    meeting = a_meeting(cast.pm, cast.project)
    action_item_create(
        actor=cast.pm, meeting=meeting, text="Late", owner=cast.pm, due_date=today - timedelta(1)
    )
    done = action_item_create(
        actor=cast.pm, meeting=meeting, text="Done", owner=cast.pm, due_date=today - timedelta(1)
    )
    action_item_set_done(actor=cast.pm, item=done, is_done=True)
    action_item_create(actor=cast.pm, meeting=meeting, text="Soon", owner=cast.pm, due_date=today)

    rows = project_portfolio_for(user=cast.pm, filters=PortfolioFilters())
    assert [row.overdue_action_item_count for row in rows] == [1]

    client.force_login(cast.pm)
    few = count_queries(client, "/projects/")
    meetings_with_items(cast.pm, cast.project, cast.teammate, 50)
    assert count_queries(client, "/projects/") == few
    page = client.get("/projects/").content.decode()
    assert 'data-testid="overdue-actions">51<' in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN indexes are PostgreSQL only")
def test_the_meeting_search_uses_its_gin_index(cast):
    items = search.search_queryset(
        search.searchable_get("meeting"), user=cast.staff_admin, text="steering"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = items.explain()
    assert "meeting_search_vector_gin" in plan


def test_meeting_in_utc_is_kept_aware(cast):
    meeting = a_meeting(cast.pm, cast.project, starts_at=datetime(2026, 12, 1, 8, tzinfo=UTC))
    meeting.refresh_from_db()
    assert timezone.is_aware(meeting.starts_at)


def test_the_owner_is_notified_of_a_new_action_item(cast):
    from notifications.models import Notification

    meeting = a_meeting(cast.pm, cast.project, title="Steering")
    action_item_create(actor=cast.pm, meeting=meeting, text="Send the data", owner=cast.rep)
    action_item_create(actor=cast.pm, meeting=meeting, text="Book the room", owner=cast.pm)

    notification = Notification.objects.get()
    assert notification.user == cast.rep
    assert notification.title == "New action item from Steering: Send the data"
    assert notification.url == reverse("stakeholders:portal_todo")


def test_api_done_toggle_for_the_owner_only(cast, client):
    meeting = a_meeting(cast.pm, cast.project)
    item = action_item_create(actor=cast.pm, meeting=meeting, text="Send data", owner=cast.rep)
    url = f"/api/v1/projects/{cast.project.pk}/action-items/{item.pk}/done/"

    client.force_login(cast.viewer)
    assert client.post(url, {"is_done": True}, "application/json").status_code == 403
    item.refresh_from_db()
    assert item.is_done is False

    client.force_login(cast.rep)
    response = client.post(url, {"is_done": True}, "application/json")
    assert response.status_code == 200
    assert response.json()["is_done"] is True
    item.refresh_from_db()
    assert item.done_at is not None


def test_team_records_a_meeting_its_decision_and_an_action_item_in_pages(cast, client):
    client.force_login(cast.teammate)
    created = client.post(
        reverse("stakeholders:meetings", args=(cast.project.pk,)),
        {
            "title": "Design review",
            "starts_at": "2026-12-01T10:00",
            "visibility": "client",
        },
    )
    meeting = Meeting.objects.get()
    assert created.status_code == 302
    detail = reverse("stakeholders:meeting", args=(cast.project.pk, meeting.pk))
    form_url = {
        name: reverse(f"stakeholders:{name}", args=(cast.project.pk, meeting.pk))
        for name in ("meeting_decision_add", "action_item_add", "meeting_minutes_save")
    }
    client.post(
        form_url["meeting_decision_add"], {"text": "Use the new scanner", "decided_by": "joint"}
    )
    client.post(form_url["action_item_add"], {"text": "Order scanners", "owner": cast.teammate.pk})
    client.post(
        form_url["meeting_minutes_save"], {"minutes": "Short.", "minutes_visibility": "client"}
    )

    meeting.refresh_from_db()
    assert meeting.minutes == "Short."
    assert list(meeting.decisions.values_list("text", flat=True)) == ["Use the new scanner"]
    assert list(meeting.action_items.values_list("owner_id", flat=True)) == [cast.teammate.pk]
    page = client.get(detail).content.decode()
    assert "Use the new scanner" in page
    edit = reverse("stakeholders:meeting_edit", args=(cast.project.pk, meeting.pk))
    for url in [*form_url.values(), edit]:
        assert f'action="{url}"' in page


def test_am_cannot_post_to_a_meeting_page(cast, client):
    meeting = a_meeting(cast.pm, cast.project)
    client.force_login(cast.am)
    response = client.post(
        reverse("stakeholders:meeting_decision_add", args=(cast.project.pk, meeting.pk)),
        {"text": "Sneak", "decided_by": "joint"},
    )
    assert response.status_code == 403
    assert MeetingDecision.objects.count() == 0
