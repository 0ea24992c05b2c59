"""The account page: projects, contacts, complaints, interactions with reminders (once),
opportunities; the AM's and staff admins' only."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from common.errors import InvalidInput, NotAllowed
from feedback.models import Interaction, Opportunity
from feedback.services.account import (
    interaction_record,
    interaction_reminders_send,
    opportunity_create,
    opportunity_update,
)
from notifications.models import Notification, OutboxMessage
from tests.feedback.tickets.helpers import a_complaint, an_internal_complaint
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def test_account_page_shows_the_clients_world(cast, client):
    a_complaint(cast.rep, cast.project)
    an_internal_complaint(cast.teammate, cast.project)
    client.force_login(cast.am)
    html = client.get(reverse("feedback:account", args=(cast.project.client_id,))).content.decode()
    assert cast.project.name in html
    assert cast.rep.display_name in html  # a contact, with their role
    assert "Customer representative" in html
    assert "The pick lists print twice" in html
    assert "<!-- satisfaction history -->" in html
    assert cast.other_client_rep.display_name not in html


def test_each_contact_lists_their_projects_by_name_with_their_role(cast, client):
    from projects.models import Role
    from tests.factories import ProjectFactory, UserFactory, add_member

    second = ProjectFactory(client=cast.project.client, code="a-0", name="A Before")
    add_member(second, cast.rep, Role.CLIENT_VIEWER)
    UserFactory(email="new@a.test", display_name="Nora New", organization=cast.project.client)
    client.force_login(cast.am)
    url = reverse("feedback:account", args=(cast.project.client_id,))

    section = client.get(url).content.decode().split('data-testid="contacts"')[1].split("</ul>")[0]
    rows = {
        name: section.split(name)[1].split("</li>")[0]
        for name in (cast.rep.display_name, "Nora New")
    }
    assert "A Before: Client viewer · A One: Customer representative" in rows[cast.rep.display_name]
    assert "No project" in rows["Nora New"]
    assert cast.other_client_rep.display_name not in section
    # In the reader's language.
    type(cast.am).objects.filter(pk=cast.am.pk).update(language="zh-hans")
    with translation.override("zh-hans"):
        label = str(Role.CUSTOMER_REP.label)
    assert label != "Customer representative"
    assert f"A One: {label}" in client.get(url).content.decode()


@pytest.mark.parametrize("role_name", ["pm", "teammate", "outsider"])
def test_other_provider_people_do_not_find_the_account(cast, client, role_name):
    client.force_login(cast.by_name(role_name))
    response = client.get(reverse("feedback:account", args=(cast.project.client_id,)))
    assert response.status_code == 404


def test_log_an_interaction_with_a_reminder_and_bad_input(cast, client):
    client.force_login(cast.am)
    url = reverse("feedback:account", args=(cast.project.client_id,))
    log_url = reverse("feedback:interaction_log", args=(cast.project.client_id,))
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        log_url,
        {
            "kind": "visit",
            "occurred_on": str(timezone.localdate()),
            "people": "Clara Adler, Rory Peters",
            "reminder_on": str(tomorrow),
        },
    )
    assert response.status_code == 400
    assert "Say what the next step is" in response.content.decode()
    assert not Interaction.objects.exists()
    response = client.post(
        log_url,
        {
            "kind": "visit",
            "occurred_on": str(timezone.localdate()),
            "people": "Clara Adler, Rory Peters",
            "notes": "Went through the **go-live** plan.",
            "next_step": "Send the training dates",
            "reminder_on": str(tomorrow),
        },
    )
    assert response.status_code == 302
    interaction = Interaction.objects.get()
    assert interaction.recorded_by == cast.am
    assert "Send the training dates" in client.get(url).content.decode()


def test_reminder_is_sent_on_its_day_once(cast):
    interaction = interaction_record(
        actor=cast.am,
        organization=cast.project.client,
        kind="call",
        occurred_on=date(2026, 11, 20),
        people="Rory",
        next_step="Call back about scanners",
        reminder_on=timezone.localdate() + timedelta(days=3),
    )
    Interaction.objects.filter(pk=interaction.pk).update(reminder_on=date(2026, 11, 24))
    assert interaction_reminders_send(now=datetime(2026, 11, 23, 12, tzinfo=UTC)) == 0
    on_the_day = datetime(2026, 11, 24, 7, tzinfo=UTC)
    assert interaction_reminders_send(now=on_the_day) == 1
    assert interaction_reminders_send(now=on_the_day) == 0
    assert interaction_reminders_send(now=on_the_day + timedelta(hours=5)) == 0
    notification = Notification.objects.get(user=cast.am)
    assert "Call back about scanners" in notification.title
    assert OutboxMessage.objects.filter(to_email=cast.am.email, kind="reminder").count() == 1


def test_reminder_waits_for_the_ams_own_day(cast):
    cast.am.time_zone = "America/New_York"
    cast.am.save()
    interaction = interaction_record(
        actor=cast.am,
        organization=cast.project.client,
        kind="email",
        occurred_on=date(2026, 11, 20),
        people="Clara",
        next_step="Chase the PO",
        reminder_on=timezone.localdate() + timedelta(days=3),
    )
    Interaction.objects.filter(pk=interaction.pk).update(reminder_on=date(2026, 11, 24))
    # 02:00 UTC on the 24th is still the 23rd in New York.
    assert interaction_reminders_send(now=datetime(2026, 11, 24, 2, tzinfo=UTC)) == 0
    assert interaction_reminders_send(now=datetime(2026, 11, 24, 6, tzinfo=UTC)) == 1


def test_only_the_am_records_on_the_account(cast):
    with pytest.raises(NotAllowed):
        interaction_record(
            actor=cast.pm,
            organization=cast.project.client,
            kind="call",
            occurred_on=date(2026, 11, 20),
            people="Rory",
        )
    with pytest.raises(NotAllowed):
        opportunity_create(actor=cast.rep, organization=cast.project.client, title="Upsell")
    assert not Interaction.objects.exists()
    assert not Opportunity.objects.exists()


def test_opportunities_validate_and_keep_history(cast, client):
    with pytest.raises(InvalidInput) as error:
        opportunity_create(
            actor=cast.am, organization=cast.project.client, title="x", currency="euro"
        )
    assert error.value.field == "currency"
    with pytest.raises(InvalidInput) as error:
        opportunity_create(
            actor=cast.am, organization=cast.project.client, title="x", value_estimate=-1
        )
    assert error.value.field == "value_estimate"
    opportunity = opportunity_create(
        actor=cast.am,
        organization=cast.project.client,
        title="Second warehouse",
        value_estimate=120000,
    )
    opportunity = opportunity_update(
        actor=cast.am,
        opportunity=opportunity,
        title=opportunity.title,
        value_estimate=opportunity.value_estimate,
        currency="eur",
        stage="proposal",
        next_step="Send the proposal",
        expected_close_on=date(2027, 2, 1),
    )
    assert opportunity.currency == "EUR"
    assert list(opportunity.history.order_by("history_date").values_list("stage", flat=True)) == [
        "lead",
        "proposal",
    ]
    client.force_login(cast.am)
    html = client.get(
        reverse("feedback:opportunity", args=(cast.project.client_id, opportunity.pk))
    ).content.decode()
    assert "Proposal" in html


def test_account_api_for_the_am_only(cast, client):
    client.force_login(cast.am)
    base = f"/api/v1/accounts/{cast.project.client_id}"
    response = client.post(
        f"{base}/opportunities/",
        {"title": "Carrier portal phase 2", "value_estimate": "-5", "currency": "EUR"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "value_estimate" in response.json()
    response = client.post(
        f"{base}/opportunities/",
        {"title": "Carrier portal phase 2", "value_estimate": "50000.00", "stage": "qualified"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["stage"] == "qualified"
    response = client.post(
        f"{base}/interactions/",
        {
            "kind": "call",
            "occurred_on": "2026-11-20",
            "people": "Rory",
            "reminder_on": "2020-01-01",
            "next_step": "x",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "reminder_on" in response.json()
    client.force_login(cast.pm)
    assert client.get(f"{base}/opportunities/").status_code == 404


def _grow(cast, count):
    from tests.factories import UserFactory, add_member
    from tests.feedback.tickets.helpers import a_complaint

    start = Interaction.objects.count()
    for number in range(start, start + count):
        interaction_record(
            actor=cast.am,
            organization=cast.project.client,
            kind="call",
            occurred_on=date(2026, 11, 1),
            people=f"Person {number}",
            notes=f"Note {number}",
        )
        opportunity_create(actor=cast.am, organization=cast.project.client, title=f"Deal {number}")
        a_complaint(cast.rep, cast.project, title=f"Complaint {number}")
        contact = UserFactory(email=f"contact{number}@a.test", organization=cast.project.client)
        add_member(cast.project, contact, "client_viewer")


def test_account_page_keeps_a_constant_number_of_queries(cast, client):
    client.force_login(cast.am)
    url = reverse("feedback:account", args=(cast.project.client_id,))
    _grow(cast, 3)
    few = count_queries(client, url, warm=True)
    _grow(cast, 30)
    assert count_queries(client, url, warm=True) == few


@pytest.mark.parametrize("collection", ["interactions", "opportunities"])
def test_account_api_lists_keep_a_constant_number_of_queries(cast, client, collection):
    client.force_login(cast.am)
    url = f"/api/v1/accounts/{cast.project.client_id}/{collection}/"
    _grow(cast, 3)
    few = count_queries(client, url, warm=True)
    _grow(cast, 30)
    assert count_queries(client, url, warm=True) == few


def test_account_page_lists_the_first_projects_and_latest_complaints_and_says_where_the_rest_are(
    cast, client
):
    """Twelve projects (one archived) and twelve complaints: the page lists ten of each, the
    active projects first by name, the latest complaints first, and says how many there are."""
    from feedback.views.account import ACCOUNT_COMPLAINTS_SHOWN, ACCOUNT_PROJECTS_SHOWN
    from tests.factories import ProjectFactory

    client_org = cast.project.client
    for number in range(10):
        ProjectFactory(client=client_org, code=f"acct-{number:02}", name=f"Z Project {number:02}")
    ProjectFactory(client=client_org, code="acct-old", name="A Archived", is_archived=True)
    for number in range(12):
        a_complaint(cast.rep, cast.project, title=f"Complaint {number:02}")
    client.force_login(cast.am)
    html = client.get(reverse("feedback:account", args=(client_org.pk,))).content.decode()

    projects = html.split('data-testid="account-projects"')[1].split("</section>")[0]
    shown = re.findall(r'href="/projects/\d+/">([^<]+)</a>', projects)
    assert ACCOUNT_PROJECTS_SHOWN == ACCOUNT_COMPLAINTS_SHOWN == 10
    assert shown == [cast.project.name] + [f"Z Project {n:02}" for n in range(9)]
    assert "A Archived" not in projects  # archived ones come last: beyond the first ten
    assert "The first 10 of 12 projects." in projects
    assert f'href="/projects/?client={client_org.pk}"' in projects

    complaints = html.split('data-testid="account-complaints"')[1].split("</section>")[0]
    listed = re.findall(r"Complaint (\d\d)", complaints)
    assert listed == [f"{n:02}" for n in range(11, 1, -1)]
    assert "The latest 10 of 12 complaints" in complaints
