"""Confirmed requirements and decided change requests join the decision log."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from projects.models import Visibility
from projects.services.milestones import milestone_create
from stakeholders.models import Requirement
from stakeholders.selectors.decisions import decision_log_for
from stakeholders.services.changes import (
    change_request_approve,
    change_request_assess,
    change_request_create,
    change_request_reject,
)
from stakeholders.services.requirements import (
    requirement_confirm,
    requirement_create,
    requirement_transition,
)


@pytest.fixture
def decided(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        requirement = requirement_create(
            actor=cast.pm,
            project=cast.project,
            title="Scan barcodes",
            visibility=Visibility.CLIENT,
        )
        requirement_transition(actor=cast.pm, requirement=requirement, to="submit")
        requirement_transition(actor=cast.pm, requirement=requirement, to="clarify")
        requirement_confirm(actor=cast.rep, requirement=requirement, version=1)
        milestone = milestone_create(
            actor=cast.pm, project=cast.project, name="Go-live", due_date=date(2027, 6, 1)
        )
        approved = change_request_create(
            actor=cast.rep, project=cast.project, title="Two more scanners"
        )
        change_request_assess(
            actor=cast.pm,
            change_request=approved,
            scope_impact="Two devices",
            cost_impact=Decimal("800.00"),
            schedule={milestone.pk: 3},
        )
        change_request_approve(actor=cast.pm, change_request=approved)
        change_request_approve(actor=cast.client_admin, change_request=approved)
        refused = change_request_create(actor=cast.pm, project=cast.project, title="Drop audit")
        change_request_reject(actor=cast.client_admin, change_request=refused, reason="Needed")
    cast.requirement = requirement
    return cast


def test_confirmations_and_decided_changes_are_in_the_log(decided):
    log = decision_log_for(user=decided.pm, project=decided.project)
    texts = {(str(item.kind), item.text, item.decided_by) for item in log}
    assert ("Requirement confirmed", "REQ-1 (v1): Scan barcodes", "Rory Rep") in texts
    assert ("Change request approved", "CR-1: Two more scanners", "Clara Admin") in texts
    assert ("Change request rejected", "CR-2: Drop audit", "Clara Admin") in texts


def test_the_client_part_leaves_out_internal_items(decided):
    Requirement.objects.filter(pk=decided.requirement.pk).update(visibility=Visibility.INTERNAL)
    client_log = decision_log_for(user=decided.rep, project=decided.project)
    assert not any(str(item.kind) == "Requirement confirmed" for item in client_log)
    assert any(str(item.kind) == "Change request approved" for item in client_log)
    assert decision_log_for(user=decided.pm, project=decided.project)
