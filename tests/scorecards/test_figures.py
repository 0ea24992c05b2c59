"""The scorecards' figures on a worked example: the world of tests/scorecards/world.py, every
figure of its PM and AM computed by hand below, for the first two quarters of 2031 (the second
one running: today is 15 June 2031), and the items behind each figure.

Definitions: scorecards/figures.py (its docstring); earned value: projects/earned_value.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from scorecards.figures import Moment, am_figures, pm_figures
from scorecards.items import figure_items
from scorecards.periods import period_from_key, recent_periods
from tests.scorecards.world import LATER_NOW, LATER_TODAY, NOW, SECRET, TODAY, build_world

pytestmark = pytest.mark.django_db

MOMENT = Moment(today=TODAY, now=NOW)
Q1, Q2 = period_from_key("2031Q1"), period_from_key("2031Q2")
D = Decimal


@pytest.fixture
def world(cast):
    return build_world(cast)


def _periods():
    periods = recent_periods(kind="quarter", count=4, today=TODAY)
    assert [p.key for p in periods] == ["2030Q3", "2030Q4", "2031Q1", "2031Q2"]
    return periods


# --- The project manager -------------------------------------------------------------------
#
# Milestones (target = baseline due date, else the due date; counted once the target passed or
# once completed; on time when completed on or before the target):
#   Q1: Design signed (target 15 Feb, done 14 Feb: on time), Build done (10 Mar, done 20 Mar:
#       late although before its moved due date of 25 Mar), the internal pilot (28 Mar, not
#       done), Beta's Portal live (31 Jan, done 3 Feb: late), Beta's Cutover (baseline 30 Mar,
#       moved to 15 Apr, done 10 Apr: late, and in Q1 by its baseline)  -> 1 / 5 = 20.0 %
#   Q2: Rollout (10 May, done 10 May 23:30: on time), Training (30 Jun, done early 12 Jun: on
#       time), Data migration (20 Apr, not done), Beta's Go-live (15 May, done 15 May: on
#       time); Handover (25 Jun, not done) is not due yet                  -> 3 / 4 = 75.0 %
#   Gamma's milestone is another PM's.
#
# Earned value (PV = BAC * planned %, EV = BAC * earned %, AC = approved hours * rate + costs,
# up to the status date; SPI = EV / PV, CPI = EV / AC, each rounded to 2 places; the scorecard
# shows the mean of the projects' indices, rounded half up):
#   Alpha, BAC 10,000 EUR, leaf tasks Design 100 h (1 Jan - 31 Mar, 90 days) and Develop 100 h
#   (1 Apr - 29 Jun, 90 days); the parent's 999 h and the unestimated kick-off do not count.
#   - Q1, status 31 Mar: planned 100 + 0 = 100 / 200 -> PV 5,000. Earned from the history at
#     the end of 31 Mar: Design 80 %, Develop 0 % -> 8,000 / 100 / 200 = 40 % -> EV 4,000.
#     AC: 8 h + 8 h at the team rate 100 (1,600) + the PM's 4 h at their own rate 150 (600) +
#     a cost of 400 = 2,600 (the submitted 8 h never count).
#     SPI 4,000 / 5,000 = 0.80; CPI 4,000 / 2,600 = 1.538 -> 1.54.
#   - Q2, status today 15 Jun: Develop planned 100 * 76 / 90 = 84.44 h -> PV = 10,000 *
#     184.44 / 200 = 9,222.22. Earned now: Design 100 %, Develop 50 % -> 75 % -> EV 7,500.
#     AC 2,600 + 8 h + 8 h at 100 = 4,200 (the entry and cost of 20 Jun are after today).
#     SPI 7,500 / 9,222.22 = 0.813 -> 0.81; CPI 7,500 / 4,200 = 1.786 -> 1.79.
#   Beta, BAC 8,000 USD, Portal design 40 h (15 Jan - 13 Feb, 30 days) and Portal build 60 h
#   (1 Mar - 29 May, 90 days); closed on 20 May.
#   - Q1, status 31 Mar: planned 40 + 60 * 31 / 90 = 60.67 h -> PV 4,853.33. Earned: 100 % and
#     10 % -> 4,600 / 100 / 100 = 46 % -> EV 3,680. AC 10 h + 10 h at 80 = 1,600.
#     SPI 3,680 / 4,853.33 = 0.758 -> 0.76; CPI 3,680 / 1,600 = 2.30.
#   - Q2, status its closing day 20 May: planned 40 + 60 * 81 / 90 = 94 h -> PV 7,520.
#     Earned from the history at the end of 20 May: 100 % and 90 % (the 100 % of 25 May is
#     after the closing) -> 94 % -> EV 7,520. AC 1,600 + 10 h at 80 = 2,400 (not 25 May's).
#     SPI 1.00; CPI 7,520 / 2,400 = 3.133 -> 3.13.
#   Means: Q1 SPI (0.80 + 0.76) / 2 = 0.78, CPI (1.54 + 2.30) / 2 = 1.92;
#          Q2 SPI (0.81 + 1.00) / 2 = 0.905 -> 0.91, CPI (1.79 + 3.13) / 2 = 2.46.
#
# Scope churn (approved change requests by the day they were applied, cost per currency):
#   Q1: Alpha CR-1 +1,200 EUR, Alpha CR-2 -200 EUR, Beta CR-1 +800.50 USD
#       -> 3 changes; EUR 1,000.00, USD 800.50
#   Q2: Alpha CR-3 0 EUR, Beta CR-2 +2,500 USD -> 2 changes; USD 2,500.00 (a zero total is not
#       shown). Assessed and rejected requests, and Gamma's, never count.
#
# Deliverables accepted (by the day of the accepting round):
#   Q1: Spec (first round), Data model (rejected 20 Feb, accepted 5 Mar) -> 1 first time, 1
#       after a rejection.
#   Q2: Reports (rejected in Q1, accepted 8 Apr: after a rejection), Runbook (deemed accepted),
#       Portal (first round) -> 2 first time, 1 after a rejection. Portal guide awaits.
#
# Issues (by the day raised; unregistered: no risk behind it):
#   Q1: Scanner outage (RISK-1), the server room flood (none) -> 2 issues, 1 unregistered
#   Q2: Login failures (none), Vendor delay (Beta's RISK-1), Label printer jam (none) -> 3, 2
#
# Satisfaction (responses on their projects: NPS = % promoters 9-10 - % detractors 0-6 of the
# NPS answers; CSAT = % of 4-5 among the CSAT answers):
#   Q1: NPS 10, 9, 6, 9, 4; CSAT 5, 4, 2 -> (3 - 2) / 5 = 20.0; 2 / 3 = 66.7 (5 responses)
#   Q2: NPS 3, 10, 2, 5 (one response gave only CSAT); CSAT 1, 3, 5, 2
#       -> (1 - 3) / 4 = -50.0; 1 / 4 = 25.0 (5 responses)


def test_the_project_managers_figures_by_hand(world):
    figures = pm_figures([world.pm.pk, world.other_pm.pk], _periods(), MOMENT)
    q3, q4, q1, q2 = figures[world.pm.pk]

    assert {k: q1[k] for k in PM_KEYS} == {
        "milestones_due": 5,
        "milestones_on_time": 1,
        "on_time_rate": D("20.0"),
        "spi": D("0.78"),
        "cpi": D("1.92"),
        "changes": 3,
        "change_cost": [("EUR", D("1000.00")), ("USD", D("800.50"))],
        "accepted": 2,
        "accepted_first_time": 1,
        "accepted_after_rejection": 1,
        "first_time_rate": D("50.0"),
        "issues": 2,
        "issues_unregistered": 1,
        "responses": 5,
        "nps": D("20.0"),
        "csat": D("66.7"),
    }
    assert {k: q2[k] for k in PM_KEYS} == {
        "milestones_due": 4,
        "milestones_on_time": 3,
        "on_time_rate": D("75.0"),
        "spi": D("0.91"),
        "cpi": D("2.46"),
        "changes": 2,
        "change_cost": [("USD", D("2500.00"))],
        "accepted": 3,
        "accepted_first_time": 2,
        "accepted_after_rejection": 1,
        "first_time_rate": D("66.7"),
        "issues": 3,
        "issues_unregistered": 2,
        "responses": 5,
        "nps": D("-50.0"),
        "csat": D("25.0"),
    }
    # Each project's indices behind the means.
    assert _indices(q1) == {"A One": (D("0.80"), D("1.54")), "Beta": (D("0.76"), D("2.30"))}
    assert _indices(q2) == {"A One": (D("0.81"), D("1.79")), "Beta": (D("1.00"), D("3.13"))}
    assert [ev.status_date for _, ev in q2["ev_projects"]] == [
        TODAY,
        TODAY.replace(month=5, day=20),
    ]
    assert [(ev.pv, ev.ev, ev.ac) for _, ev in q1["ev_projects"]] == [
        (D("5000.00"), D("4000.00"), D("2600.00")),
        (D("4853.33"), D("3680.00"), D("1600.00")),
    ]
    assert [(ev.pv, ev.ev, ev.ac) for _, ev in q2["ev_projects"]] == [
        (D("9222.22"), D("7500.00"), D("4200.00")),
        (D("7520.00"), D("7520.00"), D("2400.00")),
    ]
    # Before 2031 nothing of theirs had begun.
    for empty in (q3, q4):
        assert (empty["milestones_due"], empty["changes"], empty["accepted"]) == (0, 0, 0)
        assert (empty["on_time_rate"], empty["spi"], empty["cpi"], empty["nps"]) == (None,) * 4
        assert empty["change_cost"] == []
    # The other PM is measured on Gamma (and Delta, D Old) only.
    other_q1 = figures[world.other_pm.pk][2]
    assert (other_q1["milestones_due"], other_q1["changes"], other_q1["issues"]) == (1, 1, 1)
    assert other_q1["change_cost"] == [("EUR", D("100.00"))]
    assert (other_q1["responses"], other_q1["nps"]) == (2, D("-50.0"))  # Gamma 0, Delta 7


PM_KEYS = (
    "milestones_due",
    "milestones_on_time",
    "on_time_rate",
    "spi",
    "cpi",
    "changes",
    "change_cost",
    "accepted",
    "accepted_first_time",
    "accepted_after_rejection",
    "first_time_rate",
    "issues",
    "issues_unregistered",
    "responses",
    "nps",
    "csat",
)


def _indices(cell):
    return {project.name: (ev.spi, ev.cpi) for project, ev in cell["ev_projects"]}


# --- The account manager -------------------------------------------------------------------
#
# Satisfaction on their projects: Alpha, Beta and Delta (Delta's PM is another person).
#   Q1: NPS 10, 9, 6, 9, 4 and Delta's 7; CSAT 5, 4, 2 and Delta's 3
#       -> (3 - 2) / 6 = 16.67 -> 16.7; 2 / 4 = 50.0 (6 responses)
#   Q2: as the PM's -> -50.0; 25.0 (5 responses)
#
# Complaints (by the moment raised; times are wall-clock; a breach is a first response or a
# resolution after its target, or an open one past it):
#   Q1: Alpha FB-1 (first response 2 h, resolved in 48 h), Alpha FB-2 (6 h, two hours past its
#       target: the breach; 96 h), Delta FB-1 (4 h, on the minute of its target; 24 h)
#       -> 3 complaints, median first response 4 h, median resolution 48 h, 1 breach
#   Q2: Beta FB-1 (1 h; 48 h), Beta FB-2 (3 h; open, due 20 Jun: not yet breaking); Beta's
#       suggestion FB-3 is not a complaint
#       -> 2 complaints, median first response (1 h + 3 h) / 2 = 2 h, median resolution 48 h,
#       0 breaches
#
# Detractor follow-ups (by the moment opened; in time: closed within 5 days; late: closed
# later, or open past the 5 days):
#   Q1: 15 Mar closed 18 Mar (in time), 28 Mar closed 5 Apr (late) -> 2: 1 in time, 1 late
#   Q2: 5 Apr still open (late), 20 Apr closed 25 Apr at the same hour (exactly 5 days: in
#       time), 12 Jun open (3 days: neither yet) -> 3: 1 in time, 1 late
#   The other AM's follow-up on Gamma never counts.
#
# Retention (their clients' projects closed in the period, by the accepted closure request):
#   Q1: Delta closed 10 Feb; client D's only other project began before Delta -> 1 closing,
#       0 retained, 1 pending (the 12 months run until February 2032)
#   Q2: Beta closed 20 May (an earlier refused request does not close it); client A started
#       Gamma on 1 Jun -> 1 closing, 1 retained, 0 pending
#
# Opportunities they own, won in the period (value per currency):
#   Q1: Phase 2 50,000 EUR, Support contract 12,000.50 USD -> 2 won
#   Q2: Extension 7,000 EUR, Pilot licences (no value) -> 2 won, EUR 7,000.00
#   The lost and open ones, and the other AM's, never count.


AM_KEYS = (
    "responses",
    "nps",
    "csat",
    "complaints",
    "median_first",
    "median_resolution",
    "breaches",
    "follow_ups",
    "follow_ups_in_time",
    "follow_ups_late",
    "follow_up_rate",
    "closings",
    "retained",
    "retention_pending",
    "retention_rate",
    "won",
    "won_value",
)


def test_the_account_managers_figures_by_hand(world):
    figures = am_figures([world.am.pk, world.other_am.pk], _periods(), MOMENT)
    q3, q4, q1, q2 = figures[world.am.pk]

    assert {k: q1[k] for k in AM_KEYS} == {
        "responses": 6,
        "nps": D("16.7"),
        "csat": D("50.0"),
        "complaints": 3,
        "median_first": timedelta(hours=4),
        "median_resolution": timedelta(hours=48),
        "breaches": 1,
        "follow_ups": 2,
        "follow_ups_in_time": 1,
        "follow_ups_late": 1,
        "follow_up_rate": D("50.0"),
        "closings": 1,
        "retained": 0,
        "retention_pending": 1,
        "retention_rate": None,  # nothing decided yet
        "won": 2,
        "won_value": [("EUR", D("50000.00")), ("USD", D("12000.50"))],
    }
    assert {k: q2[k] for k in AM_KEYS} == {
        "responses": 5,
        "nps": D("-50.0"),
        "csat": D("25.0"),
        "complaints": 2,
        "median_first": timedelta(hours=2),
        "median_resolution": timedelta(hours=48),
        "breaches": 0,
        "follow_ups": 3,
        "follow_ups_in_time": 1,
        "follow_ups_late": 1,
        "follow_up_rate": D("33.3"),
        "closings": 1,
        "retained": 1,
        "retention_pending": 0,
        "retention_rate": D("100.0"),
        "won": 2,
        "won_value": [("EUR", D("7000.00"))],
    }
    for empty in (q3, q4):
        assert (empty["complaints"], empty["follow_ups"], empty["closings"], empty["won"]) == (
            0,
            0,
            0,
            0,
        )
        assert (empty["median_first"], empty["nps"], empty["retention_rate"]) == (None,) * 3
        assert empty["won_value"] == []
    # The other AM: Gamma's follow-up (open since February: late) and deal.
    other_q1, other_q2 = figures[world.other_am.pk][2:]
    assert (other_q1["follow_ups"], other_q1["follow_ups_late"], other_q1["complaints"]) == (
        1,
        1,
        0,
    )
    assert (other_q2["won"], other_q2["won_value"]) == (1, [("EUR", D("9999.00"))])


# Nine months later (1 March 2032), for the same world:
#   PM, Q2 has ended: Handover (25 Jun, never done) is now due -> 3 / 5 = 60.0 %.
#   Alpha's earned value stands at 30 Jun: both tasks fully planned -> PV 10,000; earned
#   100 % and 50 % as recorded by then -> EV 7,500; AC 4,200 + 8 h at 100 + 500 of costs on
#   20 Jun = 5,500 -> SPI 0.75, CPI 1.364 -> 1.36. Beta unchanged (closed): 1.00 and 3.13.
#   Means: SPI (0.75 + 1.00) / 2 = 0.875 -> 0.88; CPI (1.36 + 3.13) / 2 = 2.245 -> 2.25.
#   AM: Delta's 12 months ran out without a new project of client D: decided, not retained
#   -> Q1 retention 0 / 1 = 0.0 %. The follow-up opened 12 Jun is still open: late too -> Q2
#   2 late. Beta FB-2 is still open past its resolution target of 20 Jun -> Q2 1 breach.


def test_the_figures_age_with_the_moment(world):
    later = Moment(today=LATER_TODAY, now=LATER_NOW)
    pm_q2 = pm_figures([world.pm.pk], [Q2], later)[world.pm.pk][0]
    assert (pm_q2["milestones_due"], pm_q2["milestones_on_time"], pm_q2["on_time_rate"]) == (
        5,
        3,
        D("60.0"),
    )
    assert _indices(pm_q2) == {"A One": (D("0.75"), D("1.36")), "Beta": (D("1.00"), D("3.13"))}
    assert (pm_q2["spi"], pm_q2["cpi"]) == (D("0.88"), D("2.25"))

    am_q1, am_q2 = am_figures([world.am.pk], [Q1, Q2], later)[world.am.pk]
    assert (am_q1["closings"], am_q1["retained"], am_q1["retention_pending"]) == (1, 0, 0)
    assert am_q1["retention_rate"] == D("0.0")
    assert (am_q2["follow_ups_in_time"], am_q2["follow_ups_late"]) == (1, 2)
    assert am_q2["breaches"] == 1


# --- The items behind each figure ----------------------------------------------------------


def _items(role, person, group, period):
    return [
        (item.label, item.project, item.when, item.outcome, item.good)
        for item in figure_items(
            role=role, person=person.pk, group=group, period=period, moment=MOMENT
        )
    ]


def test_the_pm_items_are_exactly_the_rows_counted(world):
    pm = world.pm
    figures = pm_figures([pm.pk], [Q1, Q2], MOMENT)[pm.pk]
    assert _items("pm", pm, "milestones", Q1) == [
        ("Portal live", "Beta", "Jan 31, 2031", "Completed late Feb 3, 2031", False),
        ("Design signed", "A One", "Feb 15, 2031", "Completed on time Feb 14, 2031", True),
        ("Build done", "A One", "Mar 10, 2031", "Completed late Mar 20, 2031", False),
        (f"Internal pilot {SECRET}", "A One", "Mar 28, 2031", "Not completed", False),
        ("Cutover", "Beta", "Mar 30, 2031", "Completed late Apr 10, 2031", False),
    ]
    assert _items("pm", pm, "milestones", Q2) == [
        ("Data migration", "A One", "Apr 20, 2031", "Not completed", False),
        ("Rollout", "A One", "May 10, 2031", "Completed on time May 10, 2031", True),
        ("Go-live", "Beta", "May 15, 2031", "Completed on time May 15, 2031", True),
        ("Training", "A One", "Jun 30, 2031", "Completed on time Jun 12, 2031", True),
    ]
    assert _items("pm", pm, "earned_value", Q1) == [
        ("A One", "Client A", "Mar 31, 2031", "SPI 0.80 · CPI 1.54", False),
        ("Beta", "Client A", "Mar 31, 2031", "SPI 0.76 · CPI 2.30", False),
    ]
    assert _items("pm", pm, "earned_value", Q2) == [
        ("A One", "Client A", "Jun 15, 2031", "SPI 0.81 · CPI 1.79", False),
        ("Beta", "Client A", "May 20, 2031", "SPI 1.00 · CPI 3.13", True),
    ]
    assert _items("pm", pm, "changes", Q1) == [
        ("CR-1 More scanners", "A One", "Feb 5, 2031", "€1,200.00", None),
        ("CR-1 Second portal language", "Beta", "Mar 12, 2031", "$800.50", None),
        (f"CR-2 Drop a report {SECRET}", "A One", "Mar 30, 2031", "-€200.00", None),
    ]
    assert _items("pm", pm, "changes", Q2) == [
        ("CR-3 Rename screens", "A One", "Apr 20, 2031", "€0.00", None),
        ("CR-2 Mobile view", "Beta", "May 2, 2031", "$2,500.00", None),
    ]
    assert _items("pm", pm, "acceptance", Q1) == [
        ("Spec", "A One", "Feb 10, 2031", "Accepted the first time", True),
        ("Data model", "A One", "Mar 5, 2031", "Accepted after a rejection (round 2)", False),
    ]
    assert _items("pm", pm, "acceptance", Q2) == [
        ("Reports", "A One", "Apr 8, 2031", "Accepted after a rejection (round 2)", False),
        ("Portal", "Beta", "May 5, 2031", "Accepted the first time", True),
        ("Runbook", "A One", "May 12, 2031", "Accepted the first time", True),
    ]
    assert _items("pm", pm, "issues", Q1) == [
        ("ISS-1 Scanner outage", "A One", "Jan 20, 2031", "Registered as RISK-1", True),
        (f"ISS-2 Server room flood {SECRET}", "A One", "Mar 2, 2031", NOT_REGISTERED, False),
    ]
    assert _items("pm", pm, "issues", Q2) == [
        ("ISS-1 Login failures", "Beta", "Apr 14, 2031", NOT_REGISTERED, False),
        ("ISS-2 Vendor delay", "Beta", "May 30, 2031", "Registered as RISK-1", True),
        ("ISS-3 Label printer jam", "A One", "Jun 5, 2031", NOT_REGISTERED, False),
    ]
    assert _items("pm", pm, "satisfaction", Q1) == [
        ("Rory Rep", "A One", "Feb 1, 2031", "NPS 10 · CSAT 5", True),
        ("Clara Admin", "A One", "Mar 1, 2031", "NPS 9 · CSAT 4", True),
        ("Rory Rep", "Beta", "Mar 15, 2031", "NPS 6 · CSAT 2", False),
        ("Clara Admin", "Beta", "Mar 20, 2031", "NPS 9", True),
        ("Rory Rep", "A One", "Mar 28, 2031", "NPS 4", False),
    ]
    assert _items("pm", pm, "satisfaction", Q2) == [
        ("Rory Rep", "A One", "Apr 5, 2031", "NPS 3 · CSAT 1", False),
        ("Rory Rep", "Beta", "Apr 20, 2031", "NPS 5", False),
        ("Clara Admin", "A One", "May 1, 2031", "CSAT 3", None),
        ("Clara Admin", "Beta", "May 10, 2031", "NPS 10 · CSAT 5", True),
        ("Rory Rep", "Beta", "Jun 12, 2031", "NPS 2 · CSAT 2", False),
    ]
    # As many items as the figure counted.
    for group, key in (
        ("milestones", "milestones_due"),
        ("changes", "changes"),
        ("acceptance", "accepted"),
        ("issues", "issues"),
        ("satisfaction", "responses"),
    ):
        for index, period in enumerate((Q1, Q2)):
            assert len(_items("pm", pm, group, period)) == figures[index][key], (group, period)
    # Each item links to its row.
    [first] = figure_items(role="pm", person=pm.pk, group="changes", period=Q2, moment=MOMENT)[:1]
    assert first.url.startswith(f"/projects/{world.alpha.pk}/change-requests/")


NOT_REGISTERED = "Not registered as a risk"


def test_the_am_items_are_exactly_the_rows_counted(world):
    am = world.am
    figures = am_figures([am.pk], [Q1, Q2], MOMENT)[am.pk]
    assert _items("am", am, "satisfaction", Q1)[0] == (
        "Dora D-Rep",
        "Delta",
        "Jan 25, 2031",
        "NPS 7 · CSAT 3",
        False,
    )
    assert _items("am", am, "complaints", Q1) == [
        ("FB-1 Late deliveries", "Delta", "Jan 10, 2031", WITHIN, True),
        ("FB-1 Slow pick lists", "A One", "Feb 2, 2031", WITHIN, True),
        (f"FB-2 Wrong invoices {SECRET}", "A One", "Mar 3, 2031", "Service level broken", False),
    ]
    assert _items("am", am, "complaints", Q2) == [
        ("FB-1 Portal down", "Beta", "Apr 7, 2031", WITHIN, True),
        ("FB-2 Slow search", "Beta", "Jun 1, 2031", WITHIN, True),
    ]
    ids = {key: world.items[key].pk for key in world.items if key.startswith("f_")}
    assert _items("am", am, "follow_ups", Q1) == [
        (f"Detractor follow-up #{ids['f_in_time']}", "Beta", "Mar 15, 2031", IN_TIME_18, True),
        (
            f"Detractor follow-up #{ids['f_late']}",
            "A One",
            "Mar 28, 2031",
            "Closed late Apr 5, 2031",
            False,
        ),
    ]
    q2_follow_ups = _items("am", am, "follow_ups", Q2)
    assert [item[:4] for item in q2_follow_ups] == [
        (f"Detractor follow-up #{ids['f_open_late']}", "A One", "Apr 5, 2031", "Still open"),
        (f"Detractor follow-up #{ids['f_exactly']}", "Beta", "Apr 20, 2031", IN_TIME_25),
        (f"Detractor follow-up #{ids['f_open']}", "Beta", "Jun 12, 2031", "Still open"),
    ]
    # The late one counts against them, the one closed in time for them. (The one opened three
    # days ago is neither on the scorecard.)
    assert [item[4] for item in q2_follow_ups[:2]] == [False, True]
    assert _items("am", am, "retention", Q1) == [
        ("Delta", "Client D", "Feb 10, 2031", "Within the 12 months: no new project yet", None)
    ]
    assert _items("am", am, "retention", Q2) == [
        ("Beta", "Client A", "May 20, 2031", "The client started another project", True)
    ]
    assert _items("am", am, "opportunities", Q1) == [
        (f"Phase 2 {SECRET}", "Client A", "Feb 14, 2031", "€50,000.00", True),
        ("Support contract", "Client D", "Mar 30, 2031", "$12,000.50", True),
    ]
    assert _items("am", am, "opportunities", Q2) == [
        ("Extension", "Client A", "May 5, 2031", "€7,000.00", True),
        ("Pilot licences", "Client A", "Jun 1, 2031", "No value given", True),
    ]
    for group, key in (
        ("satisfaction", "responses"),
        ("complaints", "complaints"),
        ("follow_ups", "follow_ups"),
        ("retention", "closings"),
        ("opportunities", "won"),
    ):
        for index, period in enumerate((Q1, Q2)):
            assert len(_items("am", am, group, period)) == figures[index][key], (group, period)


WITHIN = "Within the service level"
IN_TIME_18 = "Closed in time Mar 18, 2031"
IN_TIME_25 = "Closed in time Apr 25, 2031"
