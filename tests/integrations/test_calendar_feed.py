"""Calendar feeds: a person's secret, revocable iCalendar address, and one item's .ics.

The files are parsed as a calendar app would (icalendar), and what a client's file holds is
checked by content: the internal milestone, deliverable and meeting of the same project, and
everything of another client's project, are absent."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import CalendarFeed
from accounts.services import (
    calendar_feed_create,
    calendar_feed_owner,
    calendar_feed_revoke,
    credentials_revoke,
)
from projects.models import Visibility
from projects.services.deliverables import (
    deliverable_create,
    deliverable_submit,
    quality_review_record,
)
from projects.services.milestones import milestone_create
from reports.models import Cadence, Weekday
from reports.services.schedules import schedule_save
from stakeholders.services.meetings import action_item_create, meeting_create
from tests.factories import add_member
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db


def _days(n: int) -> date:
    return timezone.localdate() + timedelta(days=n)


@pytest.fixture
def plan(cast, django_capture_on_commit_callbacks):
    """Client A's project with client-visible and internal items, and client B's project."""
    project, pm = cast.project, cast.pm
    shared = milestone_create(actor=pm, project=project, name="Go-live shared", due_date=_days(30))
    secret = milestone_create(
        actor=pm,
        project=project,
        name="Margin review SECRET",
        due_date=_days(20),
        visibility=Visibility.INTERNAL,
    )
    manual = deliverable_create(
        actor=pm, milestone=shared, name="User manual", criteria=["Complete"], due_date=_days(25)
    )
    hidden = deliverable_create(
        actor=pm,
        milestone=shared,
        name="Cost model SECRET",
        criteria=["Right"],
        due_date=_days(26),
        visibility=Visibility.INTERNAL,
    )
    project.deemed_acceptance_days = 5
    project.save(update_fields=["deemed_acceptance_days"])
    quality_review_record(actor=pm, deliverable=manual, passed=True)
    with django_capture_on_commit_callbacks(execute=False):
        deliverable_submit(actor=pm, deliverable=manual)
    starts = datetime.combine(_days(3), datetime.min.time(), tzinfo=UTC).replace(hour=6)
    steering = meeting_create(
        actor=pm,
        project=project,
        title="Steering committee",
        starts_at=starts,
        location="Room 4",
        attendees=[pm, cast.rep],
        visibility=Visibility.CLIENT,
    )
    internal_meeting = meeting_create(
        actor=pm,
        project=project,
        title="Pricing huddle SECRET",
        starts_at=starts + timedelta(hours=3),
        attendees=[pm, cast.teammate],
    )
    action_item_create(
        actor=pm, meeting=steering, text="Send the test data", owner=cast.rep, due_date=_days(5)
    )
    action_item_create(
        actor=pm,
        meeting=internal_meeting,
        text="Lower the day rate SECRET",
        owner=cast.pm,
        due_date=_days(6),
    )
    schedule_save(
        actor=pm,
        project=project,
        cadence=Cadence.WEEKLY,
        weekday=Weekday.FRIDAY,
        day_of_month=1,
        hour=9,
        recipient_roles=["customer_rep"],
        is_active=True,
    )
    other = milestone_create(
        actor=_pm_of(cast.other_project, cast),
        project=cast.other_project,
        name="Other client milestone",
        due_date=_days(15),
    )
    return {
        "shared": shared,
        "secret": secret,
        "manual": manual,
        "hidden": hidden,
        "steering": steering,
        "internal_meeting": internal_meeting,
        "other": other,
    }


def _pm_of(project, cast):
    """The PM of client A's project made PM of `project` too (a fresh object: roles are cached)."""
    add_member(project, cast.pm, "pm")
    return type(cast.pm).objects.get(pk=cast.pm.pk)


def _read_feed(user) -> tuple[icalendar.Calendar, str]:
    token = calendar_feed_create(actor=user)
    response = Client().get(reverse("integrations:calendar_feed", kwargs={"token": token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    return icalendar.Calendar.from_ical(response.content), text


def _summaries(calendar: icalendar.Calendar) -> list[str]:
    return sorted(str(event["SUMMARY"]) for event in calendar.walk("VEVENT"))


def test_the_pm_feed_holds_every_kind_and_the_internal_items(cast, plan):
    calendar, _text = _read_feed(cast.pm)
    summaries = _summaries(calendar)
    code = cast.project.code
    for expected in (
        f"{code} · Milestone: Go-live shared",
        f"{code} · Milestone: Margin review SECRET",
        f"{code} · Deliverable due: User manual",
        f"{code} · Deliverable due: Cost model SECRET",
        f"{code} · Acceptance deadline: User manual",
        f"{code} · Steering committee",
        f"{code} · Pricing huddle SECRET",
        f"{code} · Action: Lower the day rate SECRET",
        f"{code} · Status report",
    ):
        assert expected in summaries, (expected, summaries)
    # A member of client B's project too: its milestone, under its own code.
    assert f"{cast.other_project.code} · Milestone: Other client milestone" in summaries
    # Weekly on Fridays for the next 92 days: 13 or 14 report days.
    reports = [s for s in summaries if s.endswith("Status report")]
    assert 13 <= len(reports) <= 14
    # The rep's action item is the rep's, not the PM's.
    assert f"{code} · Action: Send the test data" not in summaries


@pytest.mark.parametrize("role", ["rep", "client_admin", "viewer"])
def test_a_client_feed_holds_no_internal_item_and_nothing_of_another_client(cast, plan, role):
    user = getattr(cast, role)
    calendar, text = _read_feed(user)
    assert "SECRET" not in text
    assert "Other client" not in text
    summaries = _summaries(calendar)
    code = cast.project.code
    assert f"{code} · Milestone: Go-live shared" in summaries
    assert f"{code} · Deliverable due: User manual" in summaries
    assert f"{code} · Acceptance deadline: User manual" in summaries
    # Links go to the portal, never to the staff app.
    for event in calendar.walk("VEVENT"):
        assert "/portal/" in str(event["URL"]), event["URL"]
    if role == "rep":
        assert f"{code} · Steering committee" in summaries  # an attendee
        assert f"{code} · Action: Send the test data" in summaries
        assert any(s.endswith("Status report") for s in summaries)  # a recipient
    else:
        assert f"{code} · Steering committee" not in summaries
        assert not any(s.endswith("Status report") for s in summaries)


def test_times_are_in_the_person_s_time_zone_and_words_in_their_language(cast, plan):
    rep = cast.rep
    rep.time_zone, rep.language = "Asia/Shanghai", "zh-hans"
    rep.save()
    calendar, text = _read_feed(rep)
    meeting = next(e for e in calendar.walk("VEVENT") if "Steering" in str(e["SUMMARY"]))
    start = meeting["DTSTART"].dt
    assert str(start.tzinfo) == "Asia/Shanghai"
    assert start.hour == 14  # 06:00 UTC
    assert meeting["DURATION"].dt == timedelta(hours=1)
    assert str(meeting["LOCATION"]) == "Room 4"
    assert "TZID:Asia/Shanghai" in text  # the time zone is defined in the file
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    milestone = next(e for e in calendar.walk("VEVENT") if "Go-live" in str(e["SUMMARY"]))
    assert milestone["DTSTART"].dt == plan["shared"].due_date  # an all-day event
    assert milestone["DTEND"].dt == plan["shared"].due_date + timedelta(days=1)
    assert "里程碑" in str(milestone["SUMMARY"])
    report = next(e for e in calendar.walk("VEVENT") if "状态报告" in str(e["SUMMARY"]))
    # 09:00 in the client's time zone (UTC here), shown at 17:00 in Shanghai, on a Friday.
    assert report["DTSTART"].dt.astimezone(zoneinfo.ZoneInfo("UTC")).hour == 9
    assert report["DTSTART"].dt.weekday() == Weekday.FRIDAY


def test_a_feed_address_is_shown_once_stored_as_a_hash_and_revocable(cast, plan):
    token = calendar_feed_create(actor=cast.rep)
    stored = CalendarFeed.objects.get(user=cast.rep)
    assert token not in stored.token_hash
    url = reverse("integrations:calendar_feed", kwargs={"token": token})
    assert Client().get(url).status_code == 200
    stored.refresh_from_db()
    assert stored.last_read_at is not None
    # A new address ends the old one.
    new = calendar_feed_create(actor=cast.rep)
    assert Client().get(url).status_code == 404
    new_url = reverse("integrations:calendar_feed", kwargs={"token": new})
    assert Client().get(new_url).status_code == 200
    # Revoked: gone, like an unknown one.
    assert calendar_feed_revoke(actor=cast.rep) is True
    assert Client().get(new_url).status_code == 404
    assert Client().get(url.replace(token, "x" * 43)).status_code == 404
    assert calendar_feed_revoke(actor=cast.rep) is False


def test_a_new_password_and_a_deactivated_account_end_the_feed(cast, plan):
    token = calendar_feed_create(actor=cast.rep)
    cast.rep.is_active = False
    cast.rep.save()
    assert calendar_feed_owner(token=token) is None
    cast.rep.is_active = True
    cast.rep.save()
    assert calendar_feed_owner(token=token) == cast.rep
    credentials_revoke(user=cast.rep)
    assert calendar_feed_owner(token=token) is None


def test_the_feed_reads_a_constant_number_of_queries(cast, plan):
    def queries() -> int:
        token = calendar_feed_create(actor=cast.pm)
        url = reverse("integrations:calendar_feed", kwargs={"token": token})
        with CaptureQueriesContext(connection) as context:
            assert Client().get(url).status_code == 200
        return len(context.captured_queries)

    before = queries()
    for n in range(5):
        milestone = milestone_create(
            actor=cast.pm, project=cast.project, name=f"More {n}", due_date=_days(40 + n)
        )
        deliverable_create(actor=cast.pm, milestone=milestone, name=f"D {n}", criteria=["x"])
        meeting_create(
            actor=cast.pm,
            project=cast.project,
            title=f"Weekly {n}",
            starts_at=timezone.now() + timedelta(days=n + 1),
            attendees=[cast.pm],
        )
    assert queries() == before


def test_the_profile_makes_shows_once_and_revokes_the_address(cast):
    client = logged_in(cast.rep)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Make a calendar address" in page
    response = client.post(reverse("accounts:calendar_feed_create"), follow=True)
    page = response.content.decode()
    feed_path = reverse("integrations:calendar_feed", kwargs={"token": "TOKEN"}).split("TOKEN")[0]
    assert feed_path in page
    assert "webcal://" in page
    start = page.index(feed_path)
    token = page[start + len(feed_path) :].split(".ics")[0]
    assert calendar_feed_owner(token=token) == cast.rep
    page = client.get(reverse("accounts:profile")).content.decode()
    assert token not in page  # shown once
    assert "Revoke address" in page
    client.post(reverse("accounts:calendar_feed_revoke"))
    assert calendar_feed_owner(token=token) is None


def test_the_api_makes_reads_and_revokes_the_address(cast):
    client = logged_in(cast.viewer)
    url = "/api/v1/me/calendar-feed/"
    assert client.get(url).json() == {"exists": False, "created_at": None, "last_read_at": None}
    made = client.post(url)
    assert made.status_code == 201
    feed_url = made.json()["url"]
    assert Client().get(urlsplit(feed_url).path).status_code == 200
    assert client.get(url).json()["exists"] is True
    assert client.delete(url).status_code == 204
    assert client.get(url).json()["exists"] is False
    assert Client().get(url).status_code in (401, 403)


# --- One item's .ics ---------------------------------------------------------------------------


def test_one_item_downloads_as_ics_for_whoever_sees_it(cast, plan):
    rep, pm = logged_in(cast.rep), logged_in(cast.pm)
    cases = [
        ("integrations:milestone_ics", {"milestone_id": plan["shared"].pk}, "Go-live shared"),
        ("integrations:deliverable_ics", {"deliverable_id": plan["manual"].pk}, "User manual"),
        ("integrations:meeting_ics", {"meeting_id": plan["steering"].pk}, "Steering committee"),
        ("integrations:report_days_ics", {"project_id": cast.project.pk}, "Status report"),
    ]
    for name, kwargs, title in cases:
        for client in (rep, pm):
            response = client.get(reverse(name, kwargs=kwargs))
            assert response.status_code == 200, (name, response.status_code)
            assert response["Content-Disposition"].startswith("attachment;")
            calendar = icalendar.Calendar.from_ical(response.content)
            assert all(title in s for s in _summaries(calendar)), (name, _summaries(calendar))
    # A deliverable awaiting the client: its due date and its acceptance deadline.
    response = rep.get(reverse("integrations:deliverable_ics", args=[plan["manual"].pk]))
    assert len(_summaries(icalendar.Calendar.from_ical(response.content))) == 2


def test_an_internal_item_or_another_client_s_is_not_found_for_a_client(cast, plan):
    hidden = [
        ("integrations:milestone_ics", plan["secret"].pk),
        ("integrations:deliverable_ics", plan["hidden"].pk),
        ("integrations:meeting_ics", plan["internal_meeting"].pk),
        ("integrations:milestone_ics", plan["other"].pk),
    ]
    for role in ("rep", "client_admin", "viewer"):
        client = logged_in(getattr(cast, role))
        for name, pk in hidden:
            assert client.get(reverse(name, args=[pk])).status_code == 404, (role, name)
    other = logged_in(cast.other_client_rep)
    for name, pk in [*hidden[:3], ("integrations:milestone_ics", plan["shared"].pk)]:
        assert other.get(reverse(name, args=[pk])).status_code == 404
    assert (
        other.get(reverse("integrations:report_days_ics", args=[cast.project.pk])).status_code
        == 404
    )
    # The PM opens them all; nobody signed out does.
    pm = logged_in(cast.pm)
    for name, pk in hidden:
        assert pm.get(reverse(name, args=[pk])).status_code == 200
    response = Client().get(reverse("integrations:milestone_ics", args=[plan["shared"].pk]))
    assert response.status_code == 302


def test_an_action_item_downloads_for_its_owner_only(cast, plan):
    item = plan["steering"].action_items.get()
    url = reverse("integrations:action_item_ics", args=[item.pk])
    assert logged_in(cast.rep).get(url).status_code == 200
    assert logged_in(cast.pm).get(url).status_code == 404
    page = logged_in(cast.rep).get(reverse("stakeholders:portal_todo")).content.decode()
    assert url in page


def test_the_pages_link_to_the_item_s_ics(cast, plan):
    pm, rep = logged_in(cast.pm), logged_in(cast.rep)
    project, manual, steering = cast.project, plan["manual"], plan["steering"]
    links = [
        (pm, reverse("projects:plan", args=[project.pk]), "milestone_ics", plan["shared"].pk),
        (rep, reverse("portal:project", args=[project.pk]), "milestone_ics", plan["shared"].pk),
        (
            pm,
            reverse("projects:deliverable", args=[project.pk, manual.pk]),
            "deliverable_ics",
            manual.pk,
        ),
        (
            rep,
            reverse("portal:deliverable", args=[project.pk, manual.pk]),
            "deliverable_ics",
            manual.pk,
        ),
        (
            pm,
            reverse("stakeholders:meeting", args=[project.pk, steering.pk]),
            "meeting_ics",
            steering.pk,
        ),
        (
            rep,
            reverse("stakeholders:portal_meeting", args=[project.pk, steering.pk]),
            "meeting_ics",
            steering.pk,
        ),
        (pm, reverse("reports:project_reports", args=[project.pk]), "report_days_ics", project.pk),
        (rep, reverse("reports:portal_reports", args=[project.pk]), "report_days_ics", project.pk),
    ]
    for client, page, name, pk in links:
        response = client.get(page)
        assert response.status_code == 200, page
        assert reverse(f"integrations:{name}", args=[pk]) in response.content.decode(), page
