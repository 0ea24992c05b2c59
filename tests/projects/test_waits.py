"""The client's share of the delay (projects.waits), worked by hand on a seeded project.

Both sides work Monday to Friday (no calendar set); the agreed response time is 5 working days
(the default). March 2027: Monday 1, 8, 15 and 22.

Waiting on the client:
- the deliverable "Data migration", submitted Mon 1 March: due 5 working days later, Mon 8;
  accepted Fri 12: late on Tue 9, Wed 10, Thu 11, Fri 12 (4 days);
- CR-1, assessed Wed 3 March: due Wed 10; approved by the client Wed 17: late on Thu 11, Fri 12,
  Mon 15, Tue 16, Wed 17 (5 days);
- the requirement REQ-1, awaiting confirmation since Mon 15 March: due Mon 22; today is
  Thu 25: late on Tue 23, Wed 24, Thu 25 (3 days, still open).
Days lost on the client: the distinct late days 9, 10, 11, 12, 15, 16, 17, 23, 24, 25 = 10
(Thu 11 and Fri 12 count once though two items were late).

Waiting on the team:
- CR-1 was raised by the client on Mon 1 March and assessed Wed 3: within 5 days, not late;
- an action item of the team due Fri 5 March, done Wed 10: late on Mon 8, Tue 9, Wed 10 (3 days);
- an internal meeting's action item of the team due Mon 1 March, done Tue 2: 1 day, which the
  client's view leaves out.
Days lost on the team: 8, 9, 10 and 2 = 4 (3 in the client's view).

The client's share: 10 of 14 days, 71 %; in the client's view 10 of 13, 77 %.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
import time_machine
from django.utils import timezone

from projects.models import AcceptanceRound, Deliverable, Milestone, QualityReview, Visibility
from projects.waits import Party, delay_share_for, delay_shares_for
from stakeholders.models import ActionItem, ChangeRequest, Meeting, Requirement

TODAY = date(2027, 3, 25)


def moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@pytest.fixture
def seeded(cast):
    project = cast.project
    milestone = Milestone.objects.create(project=project, name="Go-live", due_date=date(2027, 4, 1))
    deliverable = Deliverable.objects.create(
        project=project, milestone=milestone, name="Data migration", visibility=Visibility.CLIENT
    )
    review = QualityReview.objects.create(deliverable=deliverable, reviewer=cast.pm, passed=True)
    round_ = AcceptanceRound.objects.create(
        deliverable=deliverable,
        number=1,
        quality_review=review,
        submitted_by=cast.pm,
        decision=AcceptanceRound.Decision.ACCEPTED,
        decided_by=cast.client_admin,
        decided_at=moment(date(2027, 3, 12)),
    )
    AcceptanceRound.objects.filter(pk=round_.pk).update(submitted_at=moment(date(2027, 3, 1)))
    cr = ChangeRequest.objects.create(
        project=project,
        number=1,
        title="Barcode scanners",
        requested_by=cast.rep,
        requested_side=ChangeRequest.Side.CLIENT,
        status=ChangeRequest.Status.APPROVED,
        assessed_by=cast.pm,
        assessed_at=moment(date(2027, 3, 3)),
        client_approved_by=cast.client_admin,
        client_approved_at=moment(date(2027, 3, 17)),
        visibility=Visibility.CLIENT,
    )
    ChangeRequest.objects.filter(pk=cr.pk).update(requested_at=moment(date(2027, 3, 1)))
    requirement = Requirement.objects.create(
        project=project,
        number=1,
        title="Scan at the dock",
        status=Requirement.Status.CLARIFIED,
        visibility=Visibility.CLIENT,
    )
    Requirement.objects.filter(pk=requirement.pk).update(updated_at=moment(date(2027, 3, 15)))
    kickoff = Meeting.objects.create(
        project=project,
        title="Weekly",
        starts_at=moment(date(2027, 3, 1)),
        created_by=cast.pm,
        visibility=Visibility.CLIENT,
        minutes_visibility=Visibility.CLIENT,
    )
    ActionItem.objects.create(
        meeting=kickoff,
        text="Send the scanner specs",
        owner=cast.teammate,
        due_date=date(2027, 3, 5),
        is_done=True,
        done_at=moment(date(2027, 3, 10)),
    )
    internal = Meeting.objects.create(
        project=project,
        title="Team only",
        starts_at=moment(date(2027, 2, 26)),
        created_by=cast.pm,
        visibility=Visibility.INTERNAL,
    )
    ActionItem.objects.create(
        meeting=internal,
        text="Check the margin",
        owner=cast.pm,
        due_date=date(2027, 3, 1),
        is_done=True,
        done_at=moment(date(2027, 3, 2)),
    )
    return cast


def test_the_worked_example(seeded):
    share = delay_share_for(seeded.project, today=TODAY)
    assert (share.client_days, share.team_days) == (10, 4)
    assert (share.client_percent, share.team_percent) == (71, 29)
    client = {(item.wait.label, item.due, item.days_late) for item in share.client_late()}
    assert client == {
        ("CR-1 Barcode scanners", date(2027, 3, 10), 5),
        ("Data migration (round 1)", date(2027, 3, 8), 4),
        ("REQ-1 Scan at the dock", date(2027, 3, 22), 3),
    }
    team = {(item.wait.label, item.days_late) for item in share.team_late()}
    assert team == {("Send the scanner specs", 3), ("Check the margin", 1)}
    assert [item.is_open for item in share.late if item.wait.label.startswith("REQ")] == [True]


def test_the_clients_view_leaves_internal_items_out(seeded):
    share = delay_share_for(seeded.project, today=TODAY, client_view=True)
    assert (share.client_days, share.team_days, share.client_percent) == (10, 3, 77)
    assert "Check the margin" not in {item.wait.label for item in share.late}


def test_a_holiday_of_the_client_is_not_a_late_day(seeded):
    from accounts.calendars import calendars_changed
    from accounts.models import CalendarDay, WorkingCalendar

    calendar = WorkingCalendar.objects.create(organization=seeded.project.client)
    CalendarDay.objects.create(calendar=calendar, date=date(2027, 3, 9), name="Closed")
    calendars_changed()
    share = delay_share_for(seeded.project, today=TODAY)
    # Tue 9 March is off for the client. The deliverable is still due Mon 8 (Tue 2, Wed 3,
    # Thu 4, Fri 5, Mon 8 are its 5 working days) and late on Wed 10, Thu 11, Fri 12 only; CR-1,
    # assessed Wed 3, is now due Thu 11 (Thu 4, Fri 5, Mon 8, Wed 10, Thu 11) and late on
    # Fri 12, Mon 15, Tue 16, Wed 17. Days lost: 10, 11, 12, 15, 16, 17, 23, 24, 25 = 9.
    late = {item.wait.label: item.days_late for item in share.client_late()}
    assert late["Data migration (round 1)"] == 3
    assert share.client_days == 9
    assert share.team_days == 4  # the team's calendar is the provider's: 9 March is worked


def test_nothing_late_gives_no_share(cast):
    share = delay_share_for(cast.project, today=TODAY)
    assert (share.client_days, share.team_days, share.client_percent, share.late) == (
        0,
        0,
        None,
        [],
    )


def test_many_projects_cost_a_fixed_number_of_queries(seeded, django_assert_num_queries):
    from accounts.calendars import calendar_for_organization_id, provider_calendar

    projects = [seeded.project, seeded.other_project]
    provider_calendar(around=TODAY)
    for project in projects:
        calendar_for_organization_id(project.client_id, around=TODAY)
    # Every source and the response times in one union (the provider's calendar is cached).
    with django_assert_num_queries(1):
        shares = delay_shares_for(projects, today=TODAY)
    assert shares[seeded.other_project.pk].total_days == 0
    assert Party.CLIENT == "client"


def test_the_overview_shows_the_share_to_the_team_and_politely_to_the_client(seeded):
    from django.urls import reverse

    from tests.helpers import logged_in

    project = seeded.project
    with time_machine.travel(moment(TODAY), tick=False):
        staff = logged_in(seeded.pm).get(reverse("projects:detail", args=(project.pk,)))
        portal = logged_in(seeded.rep).get(reverse("portal:project", args=(project.pk,)))
    html = staff.content.decode()
    assert "Days lost waiting" in html
    assert "Waiting on the client" in html
    assert "10 days (71 %)" in html
    assert "Check the margin" in html
    html = portal.content.decode()
    assert "Answers that took longer than agreed" in html
    assert "Waiting on your side" in html
    assert "Check the margin" not in html
    assert "Send the scanner specs" in html


def test_the_pms_scorecard_counts_the_days_lost_in_each_period(seeded):
    from scorecards.figures import Moment, pm_figures, waiting_items
    from scorecards.periods import MONTH, Period

    february = Period(MONTH, date(2027, 2, 1), date(2027, 3, 1))
    march = Period(MONTH, date(2027, 3, 1), date(2027, 4, 1))
    moment = Moment(today=TODAY, now=moment_at(TODAY))
    cells = pm_figures([seeded.pm.pk], [february, march], moment)[seeded.pm.pk]
    assert [(c["client_wait_days"], c["team_wait_days"]) for c in cells] == [(0, 0), (10, 4)]
    assert len(waiting_items(seeded.pm.pk, march, moment)) == 5
    assert waiting_items(seeded.pm.pk, february, moment) == []


def moment_at(day: date) -> datetime:
    return moment(day)


def test_the_response_times_come_in_the_waits_union_and_count(seeded, django_assert_num_queries):
    """A project's own response time (the portal's setting) is read in the same query as the
    waits, and the days late are counted with it; a project without one has the default."""
    from accounts.calendars import calendar_for_organization_id, provider_calendar
    from portal.services import client_response_days_set

    projects = [seeded.project, seeded.other_project]
    before = delay_shares_for(projects, today=TODAY)[seeded.project.pk]
    client_response_days_set(actor=seeded.pm, project=seeded.project, days=1)
    provider_calendar(around=TODAY)
    for project in projects:
        calendar_for_organization_id(project.client_id, around=TODAY)
    with django_assert_num_queries(1):
        shares = delay_shares_for(projects, today=TODAY)
    assert (before.response_days, shares[seeded.project.pk].response_days) == (5, 1)
    assert shares[seeded.other_project.pk].response_days == 5
    # Due sooner, the same waits are late on more days.
    assert shares[seeded.project.pk].client_days > before.client_days
