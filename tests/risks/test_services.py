"""Risk services against PostgreSQL: numbering, score and level from the project's thresholds,
assessment history, residual risk, client-raised risks, status changes and the issue log."""

from __future__ import annotations

from datetime import date

import pytest

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from notifications.models import Notification, OutboxMessage
from projects.models import Visibility
from risks.models import Assessment, Issue, Level, Risk, RiskSettings, Side
from risks.selectors.portfolio import client_risks_for_report
from risks.selectors.settings import risk_settings_of
from risks.services.actions import mitigation_action_add, mitigation_action_set_done
from risks.services.assessments import risk_assess
from risks.services.issues import issue_resolve
from risks.services.register import risk_create, risk_transition, risk_update
from risks.services.settings import risk_settings_update

pytestmark = pytest.mark.django_db

SCALE = ["", "", "", "", ""]


def test_references_count_per_project(pm, project, other_project, provider):
    first = risk_create(actor=pm, project=project, title="Vendor late")
    second = risk_create(actor=pm, project=project, title="Key developer leaves")
    assert (first.reference, second.reference) == ("RISK-1", "RISK-2")
    assert first.visibility == Visibility.INTERNAL
    assert first.raised_side == Side.PROVIDER


def test_score_and_level_follow_the_default_thresholds(pm, project):
    cases = [
        (1, 4, 4, Level.LOW),
        (1, 5, 5, Level.MEDIUM),
        (2, 5, 10, Level.HIGH),
        (4, 4, 16, Level.CRITICAL),
    ]
    for probability, impact, score, level in cases:
        risk = risk_create(
            actor=pm, project=project, title="r", probability=probability, impact=impact
        )
        assert (risk.score, risk.level) == (score, level)


def test_score_and_level_follow_the_projects_own_thresholds(pm, project):
    risk_settings_update(
        actor=pm,
        project=project,
        probability_scale=SCALE,
        impact_scale=["", "", "", "Up to a month late", ""],
        medium_from=3,
        high_from=6,
        critical_from=12,
        review_tolerance_days=3,
    )
    risk = risk_create(actor=pm, project=project, title="r", probability=3, impact=4)
    assert (risk.score, risk.level) == (12, Level.CRITICAL)
    assert risk_settings_of(project).impact_labels()[3] == "Up to a month late"


def test_changing_thresholds_recomputes_every_risks_level(pm, project):
    risk = risk_create(
        actor=pm,
        project=project,
        title="r",
        probability=3,
        impact=3,
        residual_probability=2,
        residual_impact=2,
    )
    assert (risk.level, risk.residual_level) == (Level.MEDIUM, Level.LOW)
    risk_settings_update(
        actor=pm,
        project=project,
        probability_scale=SCALE,
        impact_scale=SCALE,
        medium_from=2,
        high_from=4,
        critical_from=9,
        review_tolerance_days=7,
    )
    risk.refresh_from_db()
    assert (risk.level, risk.residual_level) == (Level.CRITICAL, Level.HIGH)
    # Past assessments keep the level they had on their day.
    assert list(risk.assessments.values_list("level", flat=True)) == [Level.MEDIUM]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"medium_from": 10, "high_from": 5, "critical_from": 20}, "high_from"),
        ({"medium_from": 1, "high_from": 5, "critical_from": 20}, "high_from"),
        ({"medium_from": 5, "high_from": 10, "critical_from": 26}, "high_from"),
    ],
)
def test_thresholds_must_rise_and_nothing_changes(pm, project, values, field):
    with pytest.raises(InvalidInput) as error:
        risk_settings_update(
            actor=pm,
            project=project,
            probability_scale=SCALE,
            impact_scale=SCALE,
            review_tolerance_days=7,
            **values,
        )
    assert error.value.field == field
    assert not RiskSettings.objects.filter(project=project).exists()


def test_scale_descriptions_too_long_are_refused_not_cut(pm, project):
    with pytest.raises(InvalidInput) as error:
        risk_settings_update(
            actor=pm,
            project=project,
            probability_scale=["x" * 201, "", "", "", ""],
            impact_scale=SCALE,
            medium_from=5,
            high_from=10,
            critical_from=16,
            review_tolerance_days=7,
        )
    assert error.value.field == "probability_scale"


def test_only_the_pm_changes_settings(am, project):
    with pytest.raises(NotAllowed):
        risk_settings_update(
            actor=am,
            project=project,
            probability_scale=SCALE,
            impact_scale=SCALE,
            medium_from=5,
            high_from=10,
            critical_from=16,
            review_tolerance_days=7,
        )


def test_every_reassessment_is_kept_with_its_note(pm, project):
    risk = risk_create(actor=pm, project=project, title="r", probability=2, impact=2, note="first")
    risk_assess(actor=pm, risk=risk, probability=4, impact=3, note="vendor slipped")
    risk_assess(
        actor=pm,
        risk=risk,
        probability=3,
        impact=3,
        residual_probability=1,
        residual_impact=3,
        note="second vendor found",
    )
    rows = list(
        Assessment.objects.filter(risk=risk).values_list(
            "probability", "impact", "score", "level", "residual_score", "note"
        )
    )
    assert rows == [
        (2, 2, 4, Level.LOW, None, "first"),
        (4, 3, 12, Level.HIGH, None, "vendor slipped"),
        (3, 3, 9, Level.MEDIUM, 3, "second vendor found"),
    ]
    risk.refresh_from_db()
    assert (risk.score, risk.residual_score, risk.residual_level) == (9, 3, Level.LOW)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"probability": 0, "impact": 3}, "probability"),
        ({"probability": 3, "impact": 6}, "impact"),
        ({"probability": 3, "impact": 3, "residual_probability": 2}, "residual_impact"),
    ],
)
def test_bad_assessment_is_refused_and_changes_nothing(pm, project, values, field):
    risk = risk_create(actor=pm, project=project, title="r", probability=2, impact=2)
    with pytest.raises(InvalidInput) as error:
        risk_assess(actor=pm, risk=risk, **values)
    assert error.value.field == field
    risk.refresh_from_db()
    assert (risk.score, risk.assessments.count()) == (4, 1)


def test_title_too_long_is_refused(pm, project):
    with pytest.raises(InvalidInput) as error:
        risk_create(actor=pm, project=project, title="x" * 201)
    assert error.value.field == "title"
    assert not Risk.objects.exists()


def test_client_raised_risk_is_client_visible_unassessed_and_tells_the_pm(rep, pm, project):
    risk = risk_create(
        actor=rep,
        project=project,
        title="The new screens do not fit our night shift",
        category="scope",
        probability=5,
        impact=5,
        visibility=Visibility.INTERNAL,
        internal_note="sneaky",
    )
    assert risk.raised_side == Side.CLIENT
    assert risk.visibility == Visibility.CLIENT
    assert (risk.score, risk.level, risk.internal_note) == (None, "", "")
    notification = Notification.objects.get(user=pm)
    assert "RISK-1" in notification.title
    message = OutboxMessage.objects.get(to_email=pm.email)
    assert "awaits your assessment" in message.subject
    # The PM assesses it.
    risk_assess(actor=pm, risk=risk, probability=3, impact=4)
    risk.refresh_from_db()
    assert (risk.score, risk.level) == (12, Level.HIGH)


def test_viewer_cannot_raise_a_risk(viewer, project):
    with pytest.raises(NotAllowed):
        risk_create(actor=viewer, project=project, title="r")


def test_client_cannot_assess_even_a_client_visible_risk(pm, rep, project):
    risk = risk_create(actor=pm, project=project, title="r", visibility=Visibility.CLIENT)
    with pytest.raises(NotAllowed):
        risk_assess(actor=rep, risk=risk, probability=1, impact=1)


def test_client_raised_risk_cannot_be_made_internal(pm, rep, project):
    risk = risk_create(actor=rep, project=project, title="r")
    with pytest.raises(InvalidInput) as error:
        risk_update(actor=pm, risk=risk, visibility=Visibility.INTERNAL)
    assert error.value.field == "visibility"


def test_client_member_owns_only_a_client_visible_risk(pm, rep, project):
    with pytest.raises(InvalidInput) as error:
        risk_create(actor=pm, project=project, title="r", owner=rep)
    assert error.value.field == "owner"
    risk = risk_create(
        actor=pm, project=project, title="r", owner=rep, visibility=Visibility.CLIENT
    )
    assert risk.owner == rep


def test_owner_from_another_project_is_refused(pm, project, other_client_rep):
    with pytest.raises(InvalidInput):
        risk_create(
            actor=pm,
            project=project,
            title="r",
            owner=other_client_rep,
            visibility=Visibility.CLIENT,
        )


def test_provider_side_owner_manages_their_risk(pm, teammate, am, project):
    risk = risk_create(actor=pm, project=project, title="r", owner=teammate)
    risk_assess(actor=teammate, risk=risk, probability=2, impact=3)
    with pytest.raises(NotAllowed):
        risk_assess(actor=am, risk=risk, probability=2, impact=3)


def test_occurred_risk_becomes_an_issue_with_its_impact(pm, teammate, project):
    risk = risk_create(
        actor=pm, project=project, title="Vendor late", owner=teammate, probability=3, impact=3
    )
    with pytest.raises(InvalidInput) as error:
        risk_transition(actor=pm, risk=risk, status=Risk.Status.OCCURRED)
    assert error.value.field == "impact"
    assert not Issue.objects.exists()
    risk_transition(
        actor=pm, risk=risk, status=Risk.Status.OCCURRED, impact="Go-live moved by 5 days."
    )
    issue = Issue.objects.get()
    assert (issue.reference, issue.risk, issue.impact, issue.owner) == (
        "ISS-1",
        risk,
        "Go-live moved by 5 days.",
        teammate,
    )
    with pytest.raises(InvalidTransition):
        risk_transition(actor=pm, risk=risk, status=Risk.Status.OPEN)
    issue_resolve(actor=pm, issue=issue, resolution="Second vendor delivered.")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.RESOLVED


def test_closing_needs_a_reason_and_a_closed_risk_reopens(pm, project):
    risk = risk_create(actor=pm, project=project, title="r")
    with pytest.raises(InvalidInput):
        risk_transition(actor=pm, risk=risk, status=Risk.Status.CLOSED)
    risk_transition(actor=pm, risk=risk, status=Risk.Status.CLOSED, reason="Vendor delivered.")
    risk.refresh_from_db()
    assert (risk.status, risk.closed_reason) == (Risk.Status.CLOSED, "Vendor delivered.")
    risk_transition(actor=pm, risk=risk, status=Risk.Status.OPEN)
    risk.refresh_from_db()
    assert (risk.status, risk.closed_reason, risk.closed_at) == (Risk.Status.OPEN, "", None)


def test_action_owner_ticks_their_action_done(pm, teammate, am, project):
    risk = risk_create(actor=pm, project=project, title="r")
    action = mitigation_action_add(
        actor=pm, risk=risk, text="Find a second vendor", owner=teammate, due_date=date(2027, 1, 4)
    )
    with pytest.raises(NotAllowed):
        mitigation_action_set_done(actor=am, action=action)
    action = mitigation_action_set_done(actor=teammate, action=action)
    assert action.is_done
    assert action.done_at is not None


def test_history_names_who_changed_what(pm, project):
    from risks.selectors.history import risk_timeline

    risk = risk_create(actor=pm, project=project, title="r", probability=1, impact=1)
    risk_update(actor=pm, risk=risk, strategy="mitigate", internal_note="secret margin", owner=pm)
    timeline = risk_timeline(risk=risk)
    assert timeline[0].kind == "created"
    labels = [change for entry in timeline[1:] for change in entry.changes]
    assert ("response strategy", "—", "Mitigate") in labels
    assert ("owner", "—", "Paula PM") in labels
    assert all("secret" not in str(change) for change in labels)


def test_report_selector_gives_client_visible_active_risks_without_notes(pm, rep, project):
    shared = risk_create(
        actor=pm,
        project=project,
        title="Data migration",
        probability=4,
        impact=4,
        strategy="mitigate",
        owner=pm,
        visibility=Visibility.CLIENT,
        internal_note="we underquoted",
    )
    risk_create(actor=pm, project=project, title="Internal margin", probability=5, impact=5)
    closed = risk_create(actor=pm, project=project, title="Old", visibility=Visibility.CLIENT)
    risk_transition(actor=pm, risk=closed, status=Risk.Status.CLOSED, reason="gone")
    rows = client_risks_for_report(project)
    assert [row["reference"] for row in rows] == [shared.reference]
    row = rows[0]
    assert (row["level"], row["strategy"], row["owner"]) == ("critical", "mitigate", "Paula PM")
    assert "we underquoted" not in str(rows)
    assert "internal_note" not in row
