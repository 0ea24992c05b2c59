"""Change requests name the requirements they touch; each side sees only what it may."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from common.errors import InvalidInput
from projects.models import Visibility
from stakeholders.models import ChangeRequest
from stakeholders.services.changes import change_request_assess, change_request_create
from stakeholders.services.requirements import requirement_create
from tests.helpers import logged_in

pytestmark = pytest.mark.django_db

HIDDEN = "Internal: rebuild the billing engine"


@pytest.fixture
def requirements(cast):
    shared = requirement_create(
        actor=cast.rep, project=cast.project, title="Export orders to Excel"
    )
    internal = requirement_create(actor=cast.pm, project=cast.project, title=HIDDEN)
    assert internal.visibility == Visibility.INTERNAL
    foreign = requirement_create(
        actor=cast.other_client_rep, project=cast.other_project, title="Elsewhere"
    )
    return shared, internal, foreign


def test_the_client_links_what_they_see_and_the_pm_adds_internal_ones(cast, requirements):
    shared, internal, _ = requirements
    cr = change_request_create(
        actor=cast.rep, project=cast.project, title="Add CSV too", requirements=[shared.pk]
    )
    assert list(cr.requirements.all()) == [shared]
    change_request_assess(
        actor=cast.pm,
        change_request=cr,
        scope_impact="Two formats",
        cost_impact=Decimal("800"),
        schedule={},
        requirements=[shared.pk, internal.pk],
    )
    assert set(cr.requirements.all()) == {shared, internal}

    detail = reverse("portal:change_request", args=[cast.project.pk, cr.pk])
    page = logged_in(cast.rep).get(detail).content.decode()
    assert shared.title in page
    assert HIDDEN not in page
    api = logged_in(cast.rep).get(f"/api/v1/projects/{cast.project.pk}/change-requests/{cr.pk}/")
    assert [r["reference"] for r in api.json()["requirements"]] == [shared.reference]
    listing = logged_in(cast.rep).get(f"/api/v1/projects/{cast.project.pk}/change-requests/")
    assert HIDDEN not in listing.content.decode()

    staff = logged_in(cast.pm).get(
        reverse("stakeholders:change_request", args=[cast.project.pk, cr.pk])
    )
    assert HIDDEN in staff.content.decode()
    # ... and the requirement shows its change request on both sides.
    requirement_page = logged_in(cast.rep).get(
        reverse("portal:requirement", args=[cast.project.pk, shared.pk])
    )
    assert cr.reference in requirement_page.content.decode()


@pytest.mark.parametrize("which", ["internal", "foreign", "missing"])
def test_a_client_cannot_link_a_hidden_or_foreign_requirement(cast, requirements, which):
    shared, internal, foreign = requirements
    target = {"internal": internal.pk, "foreign": foreign.pk, "missing": 999_999}[which]
    with pytest.raises(InvalidInput) as error:
        change_request_create(
            actor=cast.rep, project=cast.project, title="Sneaky", requirements=[shared.pk, target]
        )
    assert error.value.field == "requirements"
    assert not ChangeRequest.objects.filter(title="Sneaky").exists()

    response = logged_in(cast.rep).post(
        f"/api/v1/projects/{cast.project.pk}/change-requests/",
        {"title": "Sneaky", "requirements": [target]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "requirements" in response.json()
    assert not ChangeRequest.objects.filter(title="Sneaky").exists()


def test_the_portal_form_links_requirements(cast, requirements):
    shared, internal, _ = requirements
    url = reverse("portal:change_requests", args=[cast.project.pk])
    form_page = logged_in(cast.rep).get(url).content.decode()
    assert shared.reference in form_page
    assert HIDDEN not in form_page
    response = logged_in(cast.rep).post(
        url, {"title": "From the form", "requirements": [shared.pk]}
    )
    assert response.status_code == 302
    cr = ChangeRequest.objects.get(title="From the form")
    assert list(cr.requirements.all()) == [shared]

    refused = logged_in(cast.rep).post(url, {"title": "Hidden link", "requirements": [internal.pk]})
    assert refused.status_code == 400
    assert not ChangeRequest.objects.filter(title="Hidden link").exists()


def test_the_pm_relinks_in_the_assessment_form(cast, requirements):
    shared, internal, _ = requirements
    cr = change_request_create(actor=cast.pm, project=cast.project, title="Team change")
    url = reverse("stakeholders:change_request_assess", args=[cast.project.pk, cr.pk])
    response = logged_in(cast.pm).post(
        url,
        {
            "scope_impact": "",
            "cost_impact": "0",
            "internal_note": "",
            "visibility": Visibility.CLIENT,
            "requirements": [shared.pk, internal.pk],
        },
    )
    assert response.status_code == 302
    assert set(cr.requirements.all()) == {shared, internal}
