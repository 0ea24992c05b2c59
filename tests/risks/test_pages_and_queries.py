"""Risk pages and API in use, bad input, and constant query counts with 5 and 50 risks."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from projects.models import Visibility
from risks.models import Level, Risk, RiskSettings
from risks.services.actions import mitigation_action_add
from risks.services.assessments import risk_assess
from risks.services.register import risk_create
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def _fill(cast, count: int) -> None:
    for n in range(count):
        risk = risk_create(
            actor=cast.pm,
            project=cast.project,
            title=f"Risk {n}",
            probability=n % 5 + 1,
            impact=(n * 2) % 5 + 1,
            owner=cast.teammate,
            visibility=Visibility.CLIENT if n % 2 else Visibility.INTERNAL,
            next_review_date=date(2026, 1, 1),
        )
        mitigation_action_add(actor=cast.pm, risk=risk, text="Act", owner=cast.teammate)
        risk_assess(actor=cast.pm, risk=risk, probability=3, impact=n % 5 + 1)


@pytest.mark.parametrize(
    ("person", "url_name", "api"),
    [
        ("pm", "risks:register", False),
        ("rep", "risks:portal_register", False),
        ("pm", "risks:export", False),
        ("pm", "risks:export_xlsx", False),
        ("rep", "risks:portal_export_xlsx", False),
        ("pm", None, "risks/"),
        ("rep", None, "risks/"),
        ("pm", None, "risks/heat-map/"),
        ("pm", None, "risk-issues/"),
        ("pm", "projects:detail", False),
        ("pm", "projects:list", False),
    ],
)
def test_query_counts_do_not_grow_with_the_register(cast, client, person, url_name, api):
    client.force_login(getattr(cast, person))
    if api:
        url = f"/api/v1/projects/{cast.project.pk}/{api}"
    elif url_name == "projects:list":
        url = reverse(url_name)
    else:
        url = reverse(url_name, args=[cast.project.pk])
    _fill(cast, 5)
    few = count_queries(client, url, warm=True)
    _fill(cast, 45)
    many = count_queries(client, url, warm=True)
    assert few == many, f"{url}: {few} queries with 5 risks, {many} with 50"


def test_pm_raises_and_assesses_on_the_pages(cast, client):
    client.force_login(cast.pm)
    url = reverse("risks:register", args=[cast.project.pk])
    response = client.post(
        url,
        {
            "title": "Scanner vendor late",
            "category": "schedule",
            "visibility": "internal",
            "probability": "4",
            "impact": "5",
            "owner": str(cast.teammate.pk),
            "strategy": "mitigate",
        },
    )
    risk = Risk.objects.get()
    assert response.status_code == 302
    assert (risk.score, risk.level, risk.owner) == (20, Level.CRITICAL, cast.teammate)
    detail = reverse("risks:risk", args=[cast.project.pk, risk.pk])
    page = client.get(detail).content.decode()
    assert "RISK-1" in page
    assert 'data-testid="top-risks"' not in page
    overview = client.get(reverse("projects:detail", args=[cast.project.pk])).content.decode()
    assert "Scanner vendor late" in overview
    portfolio = client.get(reverse("projects:list")).content.decode()
    assert "RISK-1" in portfolio
    assess = reverse("risks:risk_assess", args=[cast.project.pk, risk.pk])
    response = client.post(assess, {"probability": "2", "impact": "2"})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.score, risk.assessments.count()) == (4, 2)


def test_bad_input_on_the_pages_is_a_clear_error_and_changes_nothing(cast, client):
    client.force_login(cast.pm)
    risk = risk_create(actor=cast.pm, project=cast.project, title="r", probability=2, impact=2)
    assess = reverse("risks:risk_assess", args=[cast.project.pk, risk.pk])
    response = client.post(assess, {"probability": "9", "impact": "2"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    transition = reverse("risks:risk_transition", args=[cast.project.pk, risk.pk])
    response = client.post(transition, {"status": "closed", "reason": ""})
    assert response.status_code == 400
    assert "Say why the risk is closed." in response.content.decode()
    risk.refresh_from_db()
    assert (risk.score, risk.status) == (4, Risk.Status.OPEN)
    response = client.post(reverse("risks:register", args=[cast.project.pk]), {"title": "x" * 201})
    assert response.status_code == 400
    assert Risk.objects.count() == 1


def test_representative_raises_a_risk_in_the_portal(cast, client):
    client.force_login(cast.rep)
    url = reverse("risks:portal_register", args=[cast.project.pk])
    response = client.post(url, {"title": "Night shift cannot use it", "category": "scope"})
    assert response.status_code == 302
    risk = Risk.objects.get()
    assert (risk.visibility, risk.raised_side, risk.score) == ("client", "client", None)
    page = client.get(response["Location"]).content.decode()
    assert "Awaiting assessment" in page
    client.force_login(cast.viewer)
    assert client.post(url, {"title": "x", "category": "scope"}).status_code == 403
    assert Risk.objects.count() == 1


def test_pm_changes_the_settings_page(cast, client):
    client.force_login(cast.pm)
    url = reverse("risks:settings", args=[cast.project.pk])
    data = {
        "medium_from": "4",
        "high_from": "8",
        "critical_from": "12",
        "review_tolerance_days": "3",
        "impact_4": "A month late",
    }
    assert client.post(url, data).status_code == 302
    settings = RiskSettings.objects.get(project=cast.project)
    assert (settings.critical_from, settings.impact_labels()[3]) == (12, "A month late")
    bad = client.post(url, {**data, "high_from": "20"})
    assert bad.status_code == 400
    settings.refresh_from_db()
    assert settings.high_from == 8


def test_heat_map_cell_shows_its_risks(cast, client):
    risk_create(actor=cast.pm, project=cast.project, title="Alpha", probability=5, impact=4)
    risk_create(actor=cast.pm, project=cast.project, title="Beta", probability=1, impact=1)
    client.force_login(cast.pm)
    url = reverse("risks:register", args=[cast.project.pk])
    page = client.get(url, {"probability": 5, "impact": 4}).content.decode()
    assert "Alpha" in page
    assert "Beta" not in page


def test_filters_on_the_register(cast, client):
    risk_create(
        actor=cast.pm,
        project=cast.project,
        title="Late review",
        next_review_date=date(2020, 1, 1),
        category="cost",
    )
    risk_create(actor=cast.pm, project=cast.project, title="Fine", category="technical")
    client.force_login(cast.pm)
    url = reverse("risks:register", args=[cast.project.pk])
    overdue = client.get(url, {"overdue_review": "1"}).content.decode()
    assert "Late review" in overdue
    assert "Fine" not in overdue
    technical = client.get(url, {"category": "technical"}).content.decode()
    assert "Fine" in technical
    assert "Late review" not in technical


def test_api_refuses_bad_filters_and_bad_input_with_the_field(cast, client):
    client.force_login(cast.pm)
    base = f"/api/v1/projects/{cast.project.pk}/risks/"
    response = client.get(base, {"level": "huge"})
    assert response.status_code == 400
    assert response.json()["level"] == ["Unknown value: huge."]
    response = client.post(
        base, {"title": "r", "probability": 7, "impact": 2}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "probability" in response.json()
    assert not Risk.objects.exists()


def test_api_raise_assess_and_csv_formula_safety(cast, client):
    client.force_login(cast.pm)
    base = f"/api/v1/projects/{cast.project.pk}/risks/"
    created = client.post(
        base,
        {"title": '=HYPERLINK("http://evil")', "probability": 3, "impact": 3},
        content_type="application/json",
    )
    assert created.status_code == 201
    risk_id = created.json()["id"]
    assessed = client.post(
        f"{base}{risk_id}/assess/",
        {"probability": 4, "impact": 4, "note": "worse"},
        content_type="application/json",
    )
    assert assessed.json()["level"] == "critical"
    assert [a["score"] for a in assessed.json()["assessments"]] == [9, 16]
    response = client.get(reverse("risks:export", args=[cast.project.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'


def test_the_risk_page_lists_its_links_in_each_kinds_order(cast, client):
    from projects.services.milestones import milestone_create
    from stakeholders.services.changes import change_request_create
    from stakeholders.services.requirements import requirement_create

    requirements = [
        requirement_create(actor=cast.pm, project=cast.project, title=f"Need {n}") for n in (1, 2)
    ]
    late = milestone_create(
        actor=cast.pm, project=cast.project, name="Go-live", due_date=date(2031, 5, 1)
    )
    early = milestone_create(
        actor=cast.pm, project=cast.project, name="Pilot", due_date=date(2031, 2, 1)
    )
    change = change_request_create(actor=cast.pm, project=cast.project, title="More scanners")
    risk = risk_create(
        actor=cast.pm,
        project=cast.project,
        title="Scanners late",
        requirements=requirements[::-1],
        milestones=[late, early],
        change_requests=[change],
    )
    client.force_login(cast.pm)
    url = reverse("risks:risk", kwargs={"project_id": cast.project.pk, "risk_id": risk.pk})

    page = client.get(url).content.decode()

    shown = [
        "REQ-1 Need 1",
        "REQ-2 Need 2",
        "Milestone: Pilot",
        "Milestone: Go-live",
        f"CR-{change.number} More scanners",
    ]
    positions = [page.index(text) for text in shown]
    assert positions == sorted(positions)
    assert f'/requirements/{requirements[0].pk}/"' in page
    assert f'/change-requests/{change.pk}/"' in page
    # Not shown to the client, whose risk page has no links.
    client.force_login(cast.rep)
    risk.visibility = Visibility.CLIENT
    risk.save(update_fields=["visibility"])
    portal = client.get(
        reverse("risks:portal_risk", kwargs={"project_id": cast.project.pk, "risk_id": risk.pk})
    ).content.decode()
    assert "Need 1" not in portal
    assert "Pilot" not in portal


def test_the_owner_choices_come_with_the_links_and_offer_the_active_members_by_name(
    cast, client, django_assert_num_queries
):
    from accounts.models import User
    from risks.selectors.register import owner_candidates, risk_links_for

    risk = risk_create(actor=cast.pm, project=cast.project, title="Scanners late")
    User.objects.filter(pk=cast.viewer.pk).update(is_active=False)
    with django_assert_num_queries(1):
        links = risk_links_for(user=cast.pm, risk=risk, with_owners=True)
    expected = [(u.pk, u.display_name) for u in owner_candidates(cast.project)]
    assert [(owner.pk, owner.name) for owner in links["owners"]] == expected
    names = [name for _pk, name in expected]
    assert names == sorted(names)
    assert cast.viewer.pk not in {pk for pk, _name in expected}
    assert cast.other_client_rep.pk not in {pk for pk, _name in expected}
    assert risk_links_for(user=cast.pm, risk=risk)["owners"] == []

    client.force_login(cast.pm)
    page = client.get(
        reverse("risks:risk", kwargs={"project_id": cast.project.pk, "risk_id": risk.pk})
    ).content.decode()
    owner_select = page.split('name="owner"')[1].split("</select>")[0]
    offered = [pk for pk, _name in expected if f'value="{pk}"' in owner_select]
    assert offered == [pk for pk, _name in expected]
    assert f'value="{cast.viewer.pk}"' not in owner_select


def test_the_register_counts_open_actions_and_flags_overdue_reviews(cast, client):
    from risks.selectors.register import risk_list_for
    from risks.services.actions import mitigation_action_set_done

    today = date(2030, 1, 7)
    late = risk_create(
        actor=cast.pm, project=cast.project, title="Late review", next_review_date=date(2030, 1, 6)
    )
    due = risk_create(
        actor=cast.pm, project=cast.project, title="Due today", next_review_date=today
    )
    risk_create(actor=cast.pm, project=cast.project, title="No review day")
    for text in ("First", "Second", "Third"):
        mitigation_action_add(actor=cast.pm, risk=late, text=text, owner=cast.teammate)
    done = mitigation_action_add(actor=cast.pm, risk=due, text="Done", owner=cast.teammate)
    mitigation_action_set_done(actor=cast.pm, action=done, done=True)
    closed = risk_create(
        actor=cast.pm, project=cast.project, title="Closed", next_review_date=date(2029, 1, 1)
    )
    Risk.objects.filter(pk=closed.pk).update(status=Risk.Status.CLOSED, closed_reason="Gone")

    rows = {
        risk.title: (risk.open_action_count, risk.is_review_overdue)
        for risk in risk_list_for(user=cast.pm, project=cast.project, today=today)
    }

    assert rows == {
        "Late review": (3, 1),
        "Due today": (0, 0),
        "No review day": (0, 0),
        "Closed": (0, 0),
    }
