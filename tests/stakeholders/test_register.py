"""The stakeholder register, the communication plan and the RACI: who edits, who sees what."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from common.errors import InvalidInput, NotAllowed, NotFound
from projects.models import Visibility
from stakeholders.models import CommunicationItem, RaciAssignment, RaciLetter, Stakeholder
from stakeholders.selectors.register import (
    communication_plan_for,
    raci_for,
    stakeholder_grid,
    stakeholder_list_for,
)
from stakeholders.services.register import (
    communication_item_create,
    raci_assign,
    stakeholder_create,
)


def test_pm_adds_a_stakeholder_internal_by_default(cast):
    stakeholder = stakeholder_create(
        actor=cast.pm,
        project=cast.project,
        name="Wang Wei",
        organisation="Client A",
        influence=5,
        interest=2,
        attitude="resistant",
    )

    stakeholder.refresh_from_db()
    assert stakeholder.visibility == Visibility.INTERNAL
    assert (stakeholder.influence, stakeholder.interest) == (5, 2)


@pytest.mark.parametrize(
    ("role_name", "error"),
    [
        ("am", NotAllowed),
        ("teammate", NotAllowed),
        ("client_admin", NotFound),
        ("rep", NotFound),
        ("viewer", NotFound),
        ("other_client_rep", NotFound),
        ("outsider", NotFound),
    ],
)
def test_only_the_pm_edits_the_register(cast, role_name, error):
    actor = cast.by_name(role_name)
    expected = NotAllowed if role_name in {"client_admin", "rep", "viewer"} else error

    with pytest.raises(expected):
        stakeholder_create(actor=actor, project=cast.project, name="X")
    with pytest.raises(expected):
        communication_item_create(actor=actor, project=cast.project, what="Weekly report")
    with pytest.raises(expected):
        raci_assign(
            actor=actor,
            project=cast.project,
            work_area="Testing",
            user=cast.pm,
            letter=RaciLetter.ACCOUNTABLE,
        )

    assert Stakeholder.objects.count() == 0
    assert CommunicationItem.objects.count() == 0
    assert RaciAssignment.objects.count() == 0


def test_scores_are_1_to_5_in_the_service_and_the_database(cast):
    with pytest.raises(InvalidInput):
        stakeholder_create(actor=cast.pm, project=cast.project, name="X", influence=6)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stakeholder.objects.create(project=cast.project, name="X", interest=0)
    assert Stakeholder.objects.count() == 0


def test_a_raci_row_starts_with_its_a(cast):
    with pytest.raises(InvalidInput):
        raci_assign(
            actor=cast.pm,
            project=cast.project,
            work_area="Testing",
            user=cast.teammate,
            letter=RaciLetter.RESPONSIBLE,
        )
    assert RaciAssignment.objects.count() == 0


def test_a_raci_row_keeps_exactly_one_a(cast):
    client_contact = stakeholder_create(
        actor=cast.pm, project=cast.project, name="Li Na", visibility=Visibility.CLIENT
    )
    raci_assign(actor=cast.pm, project=cast.project, work_area="Testing", user=cast.pm, letter="A")
    raci_assign(
        actor=cast.pm, project=cast.project, work_area="Testing", user=cast.teammate, letter="R"
    )
    raci_assign(
        actor=cast.pm,
        project=cast.project,
        work_area="Testing",
        stakeholder=client_contact,
        letter="A",
    )

    letters = dict(
        RaciAssignment.objects.filter(work_area="Testing").values_list("user_id", "letter")
    )
    assert RaciAssignment.objects.filter(work_area="Testing", letter="A").count() == 1
    assert RaciAssignment.objects.get(work_area="Testing", letter="A").stakeholder == client_contact
    assert letters[cast.pm.pk] == "R"
    assert letters[cast.teammate.pk] == "R"
    rows, _people, cells = raci_for(user=cast.rep, project=cast.project)
    assert rows == ["Testing"]
    assert cells[("Testing", "Li Na")] == "A"


def test_a_raci_person_must_be_a_member_or_in_the_register(cast):
    with pytest.raises(InvalidInput):
        raci_assign(
            actor=cast.pm,
            project=cast.project,
            work_area="Testing",
            user=cast.other_client_rep,
            letter="A",
        )
    assert RaciAssignment.objects.count() == 0


def test_clients_see_only_client_visible_register_entries_and_plan(cast):
    stakeholder_create(actor=cast.pm, project=cast.project, name="Secret Skeptic")
    sponsor = stakeholder_create(
        actor=cast.pm, project=cast.project, name="Open Sponsor", visibility=Visibility.CLIENT
    )
    communication_item_create(
        actor=cast.pm, project=cast.project, what="Status report", recipients=[sponsor]
    )
    communication_item_create(
        actor=cast.pm,
        project=cast.project,
        what="Escalation notes",
        visibility=Visibility.INTERNAL,
    )

    assert [s.name for s in stakeholder_list_for(user=cast.rep, project=cast.project)] == [
        "Open Sponsor"
    ]
    assert len(stakeholder_list_for(user=cast.teammate, project=cast.project)) == 2
    assert [i.what for i in communication_plan_for(user=cast.viewer, project=cast.project)] == [
        "Status report"
    ]
    with pytest.raises(NotFound):
        stakeholder_list_for(user=cast.other_client_rep, project=cast.project)


def test_register_page_shows_the_grid_and_the_portal_hides_the_register(cast, client):
    stakeholder_create(
        actor=cast.pm,
        project=cast.project,
        name="Secret Skeptic",
        influence=5,
        interest=1,
        attitude="resistant",
    )
    grid = stakeholder_grid(list(stakeholder_list_for(user=cast.pm, project=cast.project)))
    assert [s.name for s in grid[0][0]] == ["Secret Skeptic"]

    client.force_login(cast.teammate)
    page = client.get(reverse("stakeholders:register", args=(cast.project.pk,)))
    assert page.status_code == 200
    assert "Secret Skeptic" in page.content.decode()

    client.force_login(cast.rep)
    portal = client.get(reverse("stakeholders:portal_engagement", args=(cast.project.pk,)))
    assert portal.status_code == 200
    assert "Secret Skeptic" not in portal.content.decode()


def test_team_member_cannot_post_to_the_register_page(cast, client):
    client.force_login(cast.teammate)
    response = client.post(
        reverse("stakeholders:stakeholder_add", args=(cast.project.pk,)),
        {"name": "X", "influence": 3, "interest": 3},
    )
    assert response.status_code == 403
    assert Stakeholder.objects.count() == 0


def test_api_keeps_one_a_per_row_and_refuses_others(cast, client):
    url = f"/api/v1/projects/{cast.project.pk}/raci/"
    client.force_login(cast.pm)
    refused = client.post(
        url, {"work_area": "Go-live", "user": cast.teammate.pk, "letter": "R"}, "application/json"
    )
    assert refused.status_code == 400
    assert RaciAssignment.objects.count() == 0
    created = client.post(
        url, {"work_area": "Go-live", "user": cast.pm.pk, "letter": "A"}, "application/json"
    )
    assert created.status_code == 201
    assert created.json()["letter"] == "A"

    client.force_login(cast.teammate)
    forbidden = client.post(
        url, {"work_area": "Go-live", "user": cast.teammate.pk, "letter": "A"}, "application/json"
    )
    assert forbidden.status_code == 403
    assert list(RaciAssignment.objects.values_list("user_id", "letter")) == [(cast.pm.pk, "A")]
