"""Who acts, said where the action would be: a person who may not take a step sees a sentence
naming who does (never someone who can act, and only while the step is open)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from stakeholders.services.changes import (
    change_request_approve,
    change_request_assess,
    change_request_create,
)
from tests.helpers import logged_in
from tests.portal.conftest import clarified_requirement

HINT = 'data-testid="who-acts"'
CLIENT_ADMIN_DECIDES = "Your client admin approves change requests."
PM_DECIDES = "The project manager assesses and approves change requests."


def _assessed(cast):
    cr = change_request_create(actor=cast.rep, project=cast.project, title="Barcode scanners")
    return change_request_assess(
        actor=cast.pm,
        change_request=cr,
        scope_impact="Two more screens",
        cost_impact=Decimal("12500.00"),
        schedule={},
        internal_note="",
        visibility="client",
    )


def _portal_cr(user, cr) -> str:
    url = reverse("portal:change_request", args=[cr.project_id, cr.pk])
    response = logged_in(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def _staff_cr(user, cr) -> str:
    url = reverse("stakeholders:change_request", args=[cr.project_id, cr.pk])
    response = logged_in(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ["rep", "viewer"])
def test_a_rep_or_viewer_is_told_the_client_admin_decides_a_change_request(cast, name):
    cr = _assessed(cast)
    html = _portal_cr(getattr(cast, name), cr)
    assert CLIENT_ADMIN_DECIDES in html
    assert 'data-testid="cr-decision-form"' not in html


def test_the_client_admin_sees_the_decision_and_no_hint(cast):
    html = _portal_cr(cast.client_admin, _assessed(cast))
    assert 'data-testid="cr-decision-form"' in html
    assert HINT not in html


def test_no_hint_once_the_client_side_has_approved(cast):
    cr = change_request_approve(actor=cast.client_admin, change_request=_assessed(cast))
    assert HINT not in _portal_cr(cast.rep, cr)


def test_a_viewer_is_told_who_asks_for_changes_and_a_rep_gets_the_form(cast):
    url = reverse("portal:change_requests", args=[cast.project.pk])
    viewer_html = logged_in(cast.viewer).get(url).content.decode()
    assert "Your client admin or customer representative asks for changes." in viewer_html
    assert 'data-testid="change-request-form"' not in viewer_html
    rep_html = logged_in(cast.rep).get(url).content.decode()
    assert 'data-testid="change-request-form"' in rep_html
    assert HINT not in rep_html


def test_a_viewer_is_told_who_confirms_a_requirement(cast):
    requirement = clarified_requirement(cast, "Scan at the dock")
    url = reverse("portal:requirement", args=[cast.project.pk, requirement.pk])
    viewer_html = logged_in(cast.viewer).get(url).content.decode()
    assert "Your client admin or customer representative confirms requirements." in viewer_html
    assert 'data-testid="step-confirm"' not in viewer_html
    rep_html = logged_in(cast.rep).get(url).content.decode()
    assert 'data-testid="step-confirm"' in rep_html
    assert HINT not in rep_html


def test_a_teammate_is_told_the_pm_decides_a_change_request_and_the_pm_is_not(cast):
    cr = _assessed(cast)
    html = _staff_cr(cast.teammate, cr)
    assert PM_DECIDES in html
    assert 'data-testid="cr-decision-form"' not in html
    pm_html = _staff_cr(cast.pm, cr)
    assert 'data-testid="cr-decision-form"' in pm_html
    assert PM_DECIDES not in pm_html


def test_no_staff_hint_once_the_provider_side_has_approved(cast):
    cr = change_request_approve(actor=cast.pm, change_request=_assessed(cast))
    assert PM_DECIDES not in _staff_cr(cast.teammate, cr)


def test_a_teammate_is_told_the_pm_approves_time_entries(cast):
    url = reverse("projects:costs", args=[cast.project.pk])
    html = logged_in(cast.teammate).get(url).content.decode()
    assert "The project manager approves time entries." in html
    assert 'data-testid="approval-form"' not in html
    pm_html = logged_in(cast.pm).get(url).content.decode()
    assert 'data-testid="approval-form"' in pm_html
    assert "The project manager approves time entries." not in pm_html


def test_a_teammate_is_told_the_pm_passes_the_phase_gate(cast):
    url = reverse("projects:detail", args=[cast.project.pk])
    hint = "The project manager moves the project to its next phase after a gate review."
    html = logged_in(cast.teammate).get(url).content.decode()
    assert hint in html
    pm_html = logged_in(cast.pm).get(url).content.decode()
    assert 'data-testid="gate-form"' in pm_html
    assert hint not in pm_html


def test_a_rep_is_told_the_client_admin_manages_people(cast):
    url = reverse("portal:project_members", args=[cast.project.pk])
    hint = "Your client admin invites people of your organisation and changes their roles."
    assert hint in logged_in(cast.rep).get(url).content.decode()
    assert hint not in logged_in(cast.client_admin).get(url).content.decode()
