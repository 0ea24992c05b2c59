"""seed_demo gives the scorecards a year of history: the demo PM's and AM's figures in each of
the last four quarters, moving up and down, a team view that ranks the PMs apart, nothing dated
after now (also on the edges of a quarter), and nothing added by a second run."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from accounts.models import Organization, User
from demo.management.commands.seed_demo import ORGANIZATIONS, PEOPLE
from feedback.models import (
    DetractorFollowUp,
    FeedbackTicket,
    Opportunity,
    SurveyResponse,
)
from projects.models import AcceptanceRound, Membership, Milestone, Project, Role
from risks.models import Issue
from scorecards.demo import seed_scorecards
from scorecards.figures import am_figures, pm_figures
from scorecards.periods import recent_periods
from scorecards.selectors import scorecard_of, team_ranking
from stakeholders.models import ChangeRequest
from tests.config.test_seed_demo import seed

pytestmark = pytest.mark.django_db

PM, PM_ZH, AM, ADMIN = (
    "pm@rapport.example",
    "pm.zh@rapport.example",
    "am@rapport.example",
    "admin@rapport.example",
)


def _person(email: str) -> User:
    return User.objects.get(email=email)


def _row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Project,
            Milestone,
            AcceptanceRound,
            ChangeRequest,
            Issue,
            SurveyResponse,
            FeedbackTicket,
            DetractorFollowUp,
            Opportunity,
        )
    }


def _assert_nothing_after(now: datetime) -> None:
    """No fact of the history is dated in the future."""
    dated = {
        Milestone: ("completed_at",),
        AcceptanceRound: ("submitted_at", "decided_at"),
        ChangeRequest: ("requested_at", "applied_at"),
        Issue: ("created_at", "resolved_at"),
        SurveyResponse: ("submitted_at",),
        FeedbackTicket: ("raised_at", "first_responded_at", "resolved_at", "confirmed_at"),
        DetractorFollowUp: ("opened_at", "closed_at"),
        Opportunity: ("won_at",),
    }
    for model, fields in dated.items():
        for field in fields:
            assert not model.objects.filter(**{f"{field}__gt": now}).exists(), (model, field)


def _assert_every_quarter_has_figures(periods) -> None:
    pm, am = _person(PM), _person(AM)
    pm_cells = pm_figures([pm.pk], periods)[pm.pk]
    am_cells = am_figures([am.pk], periods)[am.pk]
    for period, cell in zip(periods, pm_cells, strict=True):
        assert cell["milestones_due"] >= 1, period.key
        assert cell["accepted"] >= 1, period.key
        assert cell["responses"] >= 1, period.key
    for period, cell in zip(periods, am_cells, strict=True):
        assert cell["responses"] >= 1, period.key
        assert cell["complaints"] >= 1, period.key


def test_the_demo_scorecards_show_a_year_of_history_that_moves():
    seed()
    periods = recent_periods()
    pm, pm_zh, am, admin = (_person(email) for email in (PM, PM_ZH, AM, ADMIN))

    _assert_every_quarter_has_figures(periods)
    _assert_nothing_after(timezone.now())
    # The two projects that carry the history, each with its PM and the demo AM.
    for code, manager in (("ACME-CLINICS", pm), ("HX-SPC", pm_zh)):
        project = Project.objects.get(code=code)
        assert set(
            Membership.objects.filter(project=project, role__in=(Role.PM, Role.AM)).values_list(
                "user__email", flat=True
            )
        ) == {manager.email, AM}
        assert project.phase == "execution"

    paula = pm_figures([pm.pk], periods)[pm.pk]
    adam = am_figures([am.pk], periods)[am.pk]
    # Over the year: a late milestone, a deliverable accepted after a rejection, an issue that
    # was not in the risk register, a follow-up closed late, business won with its value, and
    # a closed project whose client's retention is decided.
    assert any(cell["milestones_on_time"] < cell["milestones_due"] for cell in paula)
    assert sum(cell["accepted_after_rejection"] for cell in paula) >= 1
    assert sum(cell["issues_unregistered"] for cell in paula) >= 1
    assert sum(cell["changes"] for cell in paula) >= 1
    assert sum(cell["follow_ups_late"] for cell in adam) >= 1
    assert sum(cell["won"] for cell in adam) >= 1
    assert any(amount > 0 for cell in adam for _, amount in cell["won_value"])
    assert sum(cell["closings"] - cell["retention_pending"] for cell in adam) >= 1
    # Movement: the scorecards show trends both ways.
    for person, role in ((pm, Role.PM), (am, Role.AM)):
        card = scorecard_of(person=person, role=role, periods=periods)
        trends = {cell.trend for line in card.lines for cell in line.cells}
        assert {"better", "worse"} <= trends, role
    on_time = [cell["on_time_rate"] for cell in paula]
    assert len(set(on_time)) >= 3, on_time

    # The team view of the running quarter ranks the two PMs apart, and shows the AM.
    current = periods[-1]
    pm_rows = team_ranking(viewer=admin, role=Role.PM, period=current, sort="on_time_rate")
    rates = {row.person.email: row.raw["on_time_rate"] for row in pm_rows}
    assert {PM, PM_ZH} <= set(rates)
    assert rates[PM] is not None
    assert rates[PM] != rates[PM_ZH]
    am_rows = team_ranking(viewer=admin, role=Role.AM, period=current)
    assert [row.person.email for row in am_rows] == [AM]
    assert am_rows[0].raw["complaints"] >= 1
    assert am_rows[0].raw["responses"] >= 1

    # Once: a second run adds nothing.
    counts = _row_counts()
    people = {user.email: user for user in User.objects.all()}
    organizations = {organization.name: organization for organization in Organization.objects.all()}
    assert seed_scorecards(people=people, organizations=organizations) == 0
    assert _row_counts() == counts


def _demo_cast() -> tuple[dict[str, User], dict[str, Organization]]:
    """The demo's organisations and people, without the rest of the demo."""
    organizations = {
        name: Organization.objects.create(
            name=name, kind=kind, language=language, time_zone=time_zone
        )
        for name, kind, language, time_zone in ORGANIZATIONS
    }
    people = {
        email: User.objects.create_user(
            email=email,
            password="correct-horse-battery-staple",
            display_name=display_name,
            organization=organizations[organization],
            language=language,
            time_zone=time_zone,
            is_staff=is_admin,
            is_superuser=is_admin,
        )
        for email, display_name, organization, language, time_zone, is_admin in PEOPLE
    }
    return people, organizations


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2027, 4, 1, 0, 20, tzinfo=UTC),  # the first minutes of a quarter
        datetime(2027, 4, 2, 0, 0, 30, tzinfo=UTC),  # just after midnight on its second day
        datetime(2027, 6, 30, 23, 50, tzinfo=UTC),  # the last minutes of a quarter
        datetime(2028, 2, 29, 12, tzinfo=UTC),  # a leap day
    ],
)
def test_the_history_fits_any_day_of_a_quarter(time_machine, moment):
    time_machine.move_to(moment, tick=False)
    people, organizations = _demo_cast()

    created = seed_scorecards(people=people, organizations=organizations)

    assert created > 100
    periods = recent_periods()
    assert periods[-1].start <= moment.date() < periods[-1].end
    _assert_every_quarter_has_figures(periods)
    _assert_nothing_after(moment)
    pm, pm_zh = people[PM], people[PM_ZH]
    cells = pm_figures([pm.pk, pm_zh.pk], periods)
    assert cells[pm.pk][-1]["on_time_rate"] is not None
    # On a quarter's first day nothing can be late yet: 王芳 has no figure, Paula has one.
    assert cells[pm.pk][-1]["on_time_rate"] != cells[pm_zh.pk][-1]["on_time_rate"]
    assert seed_scorecards(people=people, organizations=organizations) == 0
