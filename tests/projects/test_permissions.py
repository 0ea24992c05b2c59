"""The permission predicates against DESIGN.md's table, for every role of the cast."""

from __future__ import annotations

import pytest

from projects import permissions as p
from projects.models import Role
from tests.conftest import ROLE_NAMES

# predicate -> the cast members for whom it is true on `project` (client A's project).
TABLE: dict[str, set[str]] = {
    "can_view_project": {"pm", "am", "teammate", "client_admin", "rep", "viewer", "staff_admin"},
    "can_view_internal_items": {"pm", "am", "teammate", "staff_admin"},
    "can_edit_plan": {"pm"},
    "can_edit_own_tasks": {"pm", "teammate"},
    "can_review_quality": {"pm", "teammate"},
    "can_submit_requirement": {"pm", "am", "teammate", "client_admin", "rep"},
    "can_submit_feedback": {"pm", "am", "teammate", "client_admin", "rep"},
    "can_confirm_requirement": {"client_admin", "rep"},
    "can_approve_change_for_provider": {"pm"},
    "can_approve_change_for_client": {"client_admin"},
    "can_accept_deliverable": {"client_admin", "rep"},
    "can_accept_deliverable_internally": {"pm"},
    "can_raise_risk": {"pm", "am", "teammate", "client_admin", "rep"},
    "can_raise_internal_risk": {"pm", "am", "teammate"},
    "can_manage_members": {"pm", "client_admin"},
    "can_request_phase_gate": {"pm"},
    "can_approve_phase_gate": {"client_admin"},
    "can_view_satisfaction": {"pm", "am"},
    "can_handle_complaints": {"pm", "am"},
    "can_answer_surveys": {"client_admin", "rep", "viewer"},
    "can_receive_status_reports": {"client_admin", "rep", "viewer"},
    "can_upload_document": {"pm", "teammate", "client_admin", "rep"},
    "can_upload_team_document": {"pm", "teammate"},
    "can_manage_documents": {"pm"},
    "can_log_time": {"pm", "teammate"},
    "can_manage_costs": {"pm"},
    "can_view_costs": {"pm", "am", "teammate", "staff_admin"},
    "can_export_costs": {"pm", "am", "staff_admin"},
    "can_resend_project_emails": {"pm", "staff_admin"},
}


def test_table_covers_every_registered_project_permission():
    assert {f"can_{name}" for name in p.PROJECT_PERMISSIONS} == set(TABLE)


@pytest.mark.parametrize("predicate_name", sorted(TABLE))
@pytest.mark.parametrize("role_name", [r for r in ROLE_NAMES if r != "anonymous"])
def test_predicate_matches_design_table(cast, predicate_name, role_name):
    user = cast.by_name(role_name)
    predicate = getattr(p, predicate_name)
    expected = role_name in TABLE[predicate_name]
    assert predicate(user, cast.project) is expected
    assert (
        user.has_perm(f"projects.{predicate_name.removeprefix('can_')}", cast.project) is expected
    )


@pytest.mark.parametrize("predicate_name", sorted(TABLE))
def test_anonymous_has_no_project_permission(cast, predicate_name):
    from django.contrib.auth.models import AnonymousUser

    assert getattr(p, predicate_name)(AnonymousUser(), cast.project) is False


@pytest.mark.parametrize(
    "predicate_name", sorted(set(TABLE) - {"can_view_project", "can_view_internal_items"})
)
def test_no_role_carries_over_to_another_clients_project(cast, predicate_name):
    """Everyone of client A's project, and the outsider, holds nothing on client B's project
    (only staff admins see every project)."""
    for role_name in ["pm", "am", "teammate", "client_admin", "rep", "viewer", "outsider"]:
        assert getattr(p, predicate_name)(cast.by_name(role_name), cast.other_project) is False


def test_inactive_member_has_no_permission(cast):
    cast.rep.is_active = False
    cast.rep.save()
    assert p.can_view_project(cast.rep, cast.project) is False


@pytest.mark.parametrize(
    ("role_name", "allowed"),
    [
        ("pm", set(Role.values)),
        ("client_admin", {Role.CUSTOMER_REP, Role.CLIENT_VIEWER}),
        ("am", set()),
        ("teammate", set()),
        ("rep", set()),
        ("viewer", set()),
        ("other_client_rep", set()),
        ("outsider", set()),
    ],
)
def test_who_may_invite_which_role(cast, role_name, allowed):
    user = cast.by_name(role_name)
    assert {role for role in Role.values if p.can_invite_role(user, cast.project, role)} == allowed


def test_satisfaction_dashboard_permission(cast):
    holders = {
        name
        for name in ROLE_NAMES
        if name != "anonymous" and cast.by_name(name).has_perm("feedback.view_dashboard")
    }
    assert holders == {"pm", "am", "staff_admin"}
