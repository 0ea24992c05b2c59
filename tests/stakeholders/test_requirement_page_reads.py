"""What the requirement and change request pages read in one query each: a requirement's
versions with its confirmations, its trace choices (the project's milestones and
deliverables), and a change request's requirement choices, each marked whether it is linked."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.models import Deliverable, Milestone, Visibility
from projects.services.deliverables import deliverable_create
from projects.services.milestones import milestone_create
from stakeholders.models import Confirmation, Requirement, RequirementVersion
from stakeholders.selectors.requirements import (
    requirement_get_for,
    requirement_link_choices,
    requirement_texts_for,
    requirement_trace_choices,
)
from stakeholders.services.changes import change_request_create
from stakeholders.services.requirements import (
    requirement_confirm,
    requirement_create,
    requirement_transition,
    requirement_update,
)
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db


def _confirmed(cast, requirement: Requirement, hour: int) -> None:
    with time_machine.travel(datetime(2026, 4, 1, hour, tzinfo=UTC), tick=False):
        requirement.refresh_from_db()
        if requirement.status != Requirement.Status.CLARIFIED:
            requirement_transition(actor=cast.pm, requirement=requirement, to="clarify")
            requirement.refresh_from_db()
        requirement_confirm(actor=cast.rep, requirement=requirement, version=requirement.version)
        requirement.refresh_from_db()


@pytest.fixture
def requirement(cast):
    """Two internal drafts, then two client-visible versions, each confirmed by the client."""
    requirement = requirement_create(
        actor=cast.pm, project=cast.project, title="Team wording", visibility=Visibility.INTERNAL
    )
    requirement_update(actor=cast.pm, requirement=requirement, title="Team wording, reworded")
    requirement_update(
        actor=cast.pm, requirement=requirement, title="Scan", visibility=Visibility.CLIENT
    )
    _confirmed(cast, requirement, 9)
    requirement_update(actor=cast.pm, requirement=requirement, description="Every pallet")
    _confirmed(cast, requirement, 10)
    return requirement


@pytest.mark.parametrize("reader", ["pm", "rep"])
def test_versions_and_confirmations_in_one_query(cast, requirement, reader):
    person = getattr(cast, reader)
    loaded = requirement_get_for(
        user=person, project=cast.project, requirement_id=requirement.pk, with_texts=False
    )
    with CaptureQueriesContext(connection) as queries:
        versions, confirmations = requirement_texts_for(user=person, requirement=loaded)
    assert len(queries.captured_queries) == 1

    expected = RequirementVersion.objects.filter(requirement=requirement).order_by("-number")
    if reader == "rep":
        expected = expected.filter(visibility=Visibility.CLIENT)
    assert [(v.number, v.title, v.description, v.visibility) for v in versions] == [
        (v.number, v.title, v.description, v.visibility) for v in expected
    ]
    assert [v.created_by.display_name for v in versions] == [
        v.created_by.display_name for v in expected
    ]
    if reader == "rep":
        assert not {v.title for v in versions} & {"Team wording", "Team wording, reworded"}
    assert len(versions) == (4 if reader == "pm" else 2)
    assert [(c.version, c.description, c.confirmed_by.display_name) for c in confirmations] == [
        (c.version, c.description, c.confirmed_by.display_name)
        for c in Confirmation.objects.filter(requirement=requirement).order_by("-confirmed_at")
    ]
    assert [c.version for c in confirmations] == [4, 3]


def test_the_pages_show_the_versions_each_reader_may_read(cast, requirement):
    kwargs = {"project_id": cast.project.pk, "requirement_id": requirement.pk}
    staff = logged_in(cast.pm).get(reverse("stakeholders:requirement", kwargs=kwargs))
    portal = logged_in(cast.rep).get(reverse("portal:requirement", kwargs=kwargs))
    assert "Team wording, reworded" in staff.content.decode()
    page = portal.content.decode()
    assert "Team wording" not in page
    assert page.count("Version 4 confirmed by") == 1
    assert "Version 3 confirmed by" in page


def test_trace_choices_come_in_one_query_in_the_models_order(cast):
    pilot = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2031, 3, 1)
    )
    kickoff = milestone_create(
        actor=cast.pm, project=cast.project, name="Kick-off", due_date=date(2031, 1, 1)
    )
    manual = deliverable_create(actor=cast.pm, milestone=pilot, name="Manual", criteria=["Read"])
    plan = deliverable_create(actor=cast.pm, milestone=kickoff, name="Plan", criteria=["Set"])
    Deliverable.objects.filter(pk=manual.pk).update(due_date=None)
    requirement = requirement_create(
        actor=cast.pm, project=cast.project, title="Trace", milestones=[pilot], deliverables=[plan]
    )
    with CaptureQueriesContext(connection) as queries:
        milestones, deliverables = requirement_trace_choices(requirement=requirement)
    assert len(queries.captured_queries) == 1
    assert [(m.name, m.linked) for m in milestones] == [
        (m.name, m.pk == pilot.pk)
        for m in Milestone.objects.filter(project=cast.project).order_by("due_date", "position")
    ]
    assert [(d.name, d.linked, d.get_status_display()) for d in deliverables] == [
        ("Plan", True, plan.get_status_display()),
        ("Manual", False, manual.get_status_display()),
    ]


def test_a_change_requests_choices_mark_what_it_links_and_hide_the_internal(cast):
    shared = requirement_create(actor=cast.rep, project=cast.project, title="Shared one")
    other = requirement_create(actor=cast.rep, project=cast.project, title="Other one")
    internal = requirement_create(
        actor=cast.pm, project=cast.project, title="Team only", visibility=Visibility.INTERNAL
    )
    cr = change_request_create(
        actor=cast.pm,
        project=cast.project,
        title="Add SSO",
        reason="Security",
        requirements=[shared.pk, internal.pk],
    )
    with CaptureQueriesContext(connection) as queries:
        rows = requirement_link_choices(user=cast.pm, project=cast.project, change_request=cr)
    assert len(queries.captured_queries) == 1
    assert [(r.title, r.linked) for r in rows] == [
        ("Shared one", True),
        ("Other one", False),
        ("Team only", True),
    ]
    client_rows = requirement_link_choices(user=cast.rep, project=cast.project, change_request=cr)
    assert [(r.title, r.linked) for r in client_rows] == [
        ("Shared one", True),
        ("Other one", False),
    ]

    kwargs = {"project_id": cast.project.pk, "cr_id": cr.pk}
    staff = logged_in(cast.pm).get(reverse("stakeholders:change_request", kwargs=kwargs))
    linked = staff.content.decode().split('data-testid="linked-requirements"')[1].split("</ul>")[0]
    assert "Shared one" in linked
    assert "Team only" in linked
    assert "Other one" not in linked
    checkboxes = {
        pk: staff.content.decode().split(f'name="requirements" value="{pk}"')[1].split(">")[0]
        for pk in (shared.pk, other.pk, internal.pk)
    }
    assert {pk: "checked" in rest for pk, rest in checkboxes.items()} == {
        shared.pk: True,
        other.pk: False,
        internal.pk: True,
    }
    assert cr.visibility == Visibility.CLIENT
    portal = logged_in(cast.rep).get(reverse("portal:change_request", kwargs=kwargs))
    listed = portal.content.decode().split('data-testid="linked-requirements"')[1]
    assert "Shared one" in listed.split("</ul>")[0]
    assert "Team only" not in portal.content.decode()
