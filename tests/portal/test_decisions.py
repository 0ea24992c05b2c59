""" "What needs my decision" (portal.decisions): one list from every source, oldest first, only
what this person decides, single-click actions in place (htmx and without JavaScript), the
navigation badge, the API, and a constant number of queries."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from feedback.models import FeedbackTicket, TicketStatus
from portal.decisions import waiting_items_for
from stakeholders.models import ActionItem, Confirmation, Requirement
from tests.helpers import count_queries, logged_in
from tests.portal.conftest import clarified_requirement, open_action_item, resolved_ticket

pytestmark = pytest.mark.django_db


def _act_url(project, kind, pk):
    return reverse(
        "portal:decision_act", kwargs={"project_id": project.pk, "kind": kind, "item_id": pk}
    )


def test_the_list_gathers_every_source_oldest_first(cast):
    requirement = clarified_requirement(cast, "Scan barcodes")
    ticket = resolved_ticket(cast, "Slow search")
    item = open_action_item(cast, "Send the data", due=date(2026, 12, 1))
    Requirement.objects.filter(pk=requirement.pk).update(
        updated_at=datetime(2026, 11, 10, tzinfo=UTC)
    )
    FeedbackTicket.objects.filter(pk=ticket.pk).update(
        resolved_at=datetime(2026, 11, 1, tzinfo=UTC)
    )

    items = waiting_items_for(user=cast.rep)

    assert [i.key for i in items] == [
        f"ticket:{ticket.pk}",
        f"action_item:{item.pk}",  # the meeting of 2 November 10:00
        f"requirement:{requirement.pk}",
    ]
    assert items[1].due == date(2026, 12, 1)
    assert all(i.project == cast.project for i in items)


def test_only_what_the_person_decides(cast):
    clarified_requirement(cast, "Scan barcodes")
    resolved_ticket(cast, "Slow search")
    open_action_item(cast, "Send the data", owner=cast.rep)

    # The viewer decides nothing; the client admin confirms but has no action item; the other
    # client sees nothing of client A; the provider side has no portal list.
    assert waiting_items_for(user=cast.viewer) == []
    assert {i.kind for i in waiting_items_for(user=cast.client_admin)} == {
        "requirement",
        "ticket",
    }
    assert waiting_items_for(user=cast.other_client_rep) == []
    assert waiting_items_for(user=cast.pm) == []


def test_internal_requirements_never_wait_for_the_client(cast):
    clarified_requirement(cast, "Internal refactoring", visibility="internal")

    assert waiting_items_for(user=cast.rep) == []
    page = logged_in(cast.rep).get(reverse("portal:home")).content.decode()
    assert "Internal refactoring" not in page
    assert 'data-waiting-count="0"' in page


def test_home_page_lists_the_items_with_actions_and_links(cast, rep_client):
    requirement = clarified_requirement(cast, "Scan barcodes")
    open_action_item(cast, "Send the data", due=date(2026, 12, 1))

    page = rep_client.get(reverse("portal:home")).content.decode()

    assert page.count('data-testid="decision"') == 2
    assert f"Confirm {requirement.reference}: Scan barcodes" in page
    assert _act_url(cast.project, "requirement", requirement.pk) in page
    assert 'data-testid="decision-due"' in page
    assert 'data-testid="waiting-badge" data-waiting-count="2"' in page


def test_confirming_in_place_with_htmx_removes_the_item_and_updates_the_badge(cast, rep_client):
    requirement = clarified_requirement(cast, "Scan barcodes")
    clarified_requirement(cast, "Print labels")

    response = rep_client.post(
        _act_url(cast.project, "requirement", requirement.pk), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert 'hx-swap-oob="true"' in body
    assert 'data-waiting-count="1"' in body
    assert "Scan barcodes" not in body
    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.CONFIRMED
    confirmation = Confirmation.objects.get(requirement=requirement)
    assert (confirmation.confirmed_by, confirmation.version) == (cast.rep, requirement.version)
    assert [i.title for i in waiting_items_for(user=cast.rep)] == ["Confirm REQ-2: Print labels"]


def test_the_actions_work_without_javascript(cast, rep_client):
    ticket = resolved_ticket(cast, "Slow search")
    item = open_action_item(cast, "Send the data")

    response = rep_client.post(_act_url(cast.project, "ticket", ticket.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    response = rep_client.post(_act_url(cast.project, "action_item", item.pk), follow=True)

    assert "Done: it is off your list." in response.content.decode()
    ticket.refresh_from_db()
    item.refresh_from_db()
    assert ticket.status == TicketStatus.CONFIRMED
    assert ticket.confirmed_by == cast.rep
    assert item.is_done is True
    assert waiting_items_for(user=cast.rep) == []


def test_a_viewer_cannot_act_and_nothing_changes(cast):
    requirement = clarified_requirement(cast, "Scan barcodes")

    response = logged_in(cast.viewer).post(
        _act_url(cast.project, "requirement", requirement.pk), follow=True
    )

    assert "You are not allowed to do this." in response.content.decode()
    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.CLARIFIED
    assert not Confirmation.objects.exists()


def test_an_item_already_decided_gets_a_clear_message_in_place(cast, rep_client):
    requirement = clarified_requirement(cast, "Scan barcodes")
    rep_client.post(_act_url(cast.project, "requirement", requirement.pk))

    response = rep_client.post(
        _act_url(cast.project, "requirement", requirement.pk), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response["HX-Reswap"] == "beforeend"
    assert 'data-testid="decision-error"' in response.content.decode()
    assert Confirmation.objects.count() == 1


def test_someone_elses_action_item_cannot_be_ticked(cast):
    item = open_action_item(cast, "Send the data", owner=cast.rep)

    response = logged_in(cast.client_admin).post(_act_url(cast.project, "action_item", item.pk))

    assert response.status_code == 404
    assert ActionItem.objects.get(pk=item.pk).is_done is False


def test_another_clients_items_are_not_found(cast):
    requirement = clarified_requirement(cast, "Scan barcodes")
    other = logged_in(cast.other_client_rep)

    # Through their own project or through client A's: nothing to find either way.
    for project in (cast.other_project, cast.project):
        response = other.post(_act_url(project, "requirement", requirement.pk))
        assert response.status_code == 404
    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.CLARIFIED


def test_an_unknown_kind_or_a_kind_without_action_is_not_found(cast, rep_client):
    requirement = clarified_requirement(cast, "Scan barcodes")
    for kind in ("nonsense", "deliverable", "change_request"):
        assert rep_client.post(_act_url(cast.project, kind, requirement.pk)).status_code == 404
    assert Confirmation.objects.count() == 0


def test_while_nothing_waits_the_page_says_so(cast, rep_client):
    page = rep_client.get(reverse("portal:home")).content.decode()

    assert "Nothing waits for you." in page
    assert 'data-waiting-count="0"' in page


def _waiting(cast, count: int) -> None:
    for index in range(count):
        clarified_requirement(cast, f"Requirement {index}")
        resolved_ticket(cast, f"Complaint {index}")
        open_action_item(cast, f"Action {index}", due=date(2026, 12, 1) + timedelta(days=index))


@pytest.mark.parametrize("url_name", ["portal:home", "portal:project_list"])
def test_portal_pages_cost_the_same_with_5_and_50_waiting_items(cast, rep_client, url_name):
    url = reverse(url_name)
    _waiting(cast, 2)  # 6 items
    # Warm: the client's working calendar is cached after the first GET (one query before).
    few = count_queries(rep_client, url, warm=True)
    assert len(waiting_items_for(user=cast.rep)) == 6
    _waiting(cast, 15)  # 51 items
    assert len(waiting_items_for(user=cast.rep)) == 51

    assert count_queries(rep_client, url, warm=True) == few


def test_the_list_is_counted_and_sorted_before_its_items_are_made(cast, monkeypatch):
    """51 items waiting: counting them makes none, the oldest 20 make 20 (their projects in
    one query), and every item is where its made `since`, due day and key place it."""
    from portal import decisions

    _waiting(cast, 17)
    made: list[str] = []
    real = decisions.WaitingItems._make

    def counting(self, positions):
        made.extend(str(position) for position in positions if position not in self._made)
        return real(self, positions)

    monkeypatch.setattr(decisions.WaitingItems, "_make", counting)
    items = waiting_items_for(user=cast.rep)

    assert len(items) == 51
    assert made == []
    assert len(items[:20]) == 20
    assert len(made) == 20
    every = list(items)
    assert len(made) == 51
    assert every[:20] == items[:20]
    assert every == sorted(every, key=lambda item: (item.since, item.due or date.max, item.key))
    assert {item.kind for item in every} == {"requirement", "ticket", "action_item"}
    assert items[-1] == every[-1]
    with pytest.raises(IndexError):
        items[51]


def test_the_home_page_lists_the_oldest_items_and_all_of_them_on_request(cast, rep_client):
    """25 items: the home page lists the oldest 20 and says so; ?all=1 lists all 25, in the
    same order; the badge counts all 25 either way. With 3, both show all 3 and no link."""
    from portal.views import HOME_WAITING_ITEMS

    _waiting(cast, 1)  # 3 items: all shown, neither link
    for query in ({}, {"all": "1"}):
        few = rep_client.get(reverse("portal:home"), query).content.decode()
        assert few.count('data-testid="waiting-item"') == 3
        assert 'data-testid="waiting-more"' not in few
        assert 'data-testid="waiting-fewer"' not in few
    _waiting(cast, 7)  # 24 items
    clarified_requirement(cast, "The newest")
    every = [item.key for item in waiting_items_for(user=cast.rep)]
    assert len(every) == 25

    home = rep_client.get(reverse("portal:home")).content.decode()
    keys = re.findall(r'id="waiting-([a-z_]+)-(\d+)"', home)
    assert HOME_WAITING_ITEMS == 20
    assert [f"{kind}:{pk}" for kind, pk in keys] == every[:20]
    assert "The newest" not in home
    assert "The oldest 20 of 25 are shown." in home
    assert 'href="?all=1"' in home
    assert "Show all 25" in home
    assert 'data-testid="waiting-badge" data-waiting-count="25"' in home

    everything = rep_client.get(reverse("portal:home"), {"all": "1"}).content.decode()
    keys = re.findall(r'id="waiting-([a-z_]+)-(\d+)"', everything)
    assert [f"{kind}:{pk}" for kind, pk in keys] == every
    assert 'data-testid="waiting-more"' not in everything
    assert 'data-testid="waiting-fewer"' in everything


# --- API ----------------------------------------------------------------------------------------


def test_api_lists_ones_own_waiting_items(cast):
    requirement = clarified_requirement(cast, "Scan barcodes")
    resolved_ticket(cast, "Slow search")

    rows = logged_in(cast.rep).get("/api/v1/portal/waiting/").json()

    assert [(row["kind"], row["has_action"]) for row in rows] == [
        ("requirement", True),
        ("ticket", True),
    ]
    assert rows[0]["id"] == requirement.pk
    assert rows[0]["project"] == cast.project.pk
    assert logged_in(cast.other_client_rep).get("/api/v1/portal/waiting/").json() == []
    assert logged_in(cast.viewer).get("/api/v1/portal/waiting/").json() == []


def test_api_action_confirms_and_answers_what_remains(cast):
    requirement = clarified_requirement(cast, "Scan barcodes")
    resolved_ticket(cast, "Slow search")

    response = logged_in(cast.rep).post(
        "/api/v1/portal/waiting/act/",
        {"project": cast.project.pk, "kind": "requirement", "id": requirement.pk},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json() == {"remaining": 1}
    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.CONFIRMED


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "requirement", "id": 1}, "project"),
        ({"project": 1, "kind": "deliverable", "id": 1}, "kind"),
        ({"project": 1, "kind": "requirement", "id": 0}, "id"),
        ({"project": 1, "kind": "requirement", "id": "x"}, "id"),
    ],
)
def test_api_action_refuses_bad_input_with_the_field(cast, body, field):
    requirement = clarified_requirement(cast, "Scan barcodes")

    response = logged_in(cast.rep).post(
        "/api/v1/portal/waiting/act/", body, content_type="application/json"
    )

    assert response.status_code == 400
    assert field in response.json()
    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.CLARIFIED


def test_api_action_on_a_foreign_item_is_refused(cast):
    requirement = clarified_requirement(cast, "Scan barcodes")

    for project in (cast.project, cast.other_project):
        response = logged_in(cast.other_client_rep).post(
            "/api/v1/portal/waiting/act/",
            {"project": project.pk, "kind": "requirement", "id": requirement.pk},
            content_type="application/json",
        )
        assert response.status_code == 404
    viewer = logged_in(cast.viewer).post(
        "/api/v1/portal/waiting/act/",
        {"project": cast.project.pk, "kind": "requirement", "id": requirement.pk},
        content_type="application/json",
    )
    assert viewer.status_code == 403
    requirement.refresh_from_db()
    assert requirement.status == Requirement.Status.CLARIFIED


def test_api_list_costs_the_same_with_5_and_50_waiting_items(cast, rep_client):
    _waiting(cast, 2)
    few = count_queries(rep_client, "/api/v1/portal/waiting/")
    _waiting(cast, 15)

    assert len(rep_client.get("/api/v1/portal/waiting/").json()) == 51
    assert count_queries(rep_client, "/api/v1/portal/waiting/") == few


def test_the_badge_counts_in_one_query_what_the_list_shows(cast, django_assert_num_queries):
    from portal.decisions import waiting_count_for

    clarified_requirement(cast, "Scan barcodes")
    resolved_ticket(cast, "Slow search")
    open_action_item(cast, "Send the data")
    open_action_item(cast, "Not mine", owner=cast.client_admin)
    clarified_requirement(cast, "Internal", visibility="internal")

    for person, expected in ((cast.rep, 3), (cast.client_admin, 3), (cast.viewer, 0)):
        assert len(waiting_items_for(user=person)) == expected
        person.project_roles  # noqa: B018 (the roles are cached on the user beforehand)
        with django_assert_num_queries(1):
            assert waiting_count_for(user=person) == expected
    assert waiting_count_for(user=cast.pm) == 0
    assert waiting_count_for(user=cast.other_client_rep) == 0


def test_items_without_a_due_date_show_when_the_team_asks_for_an_answer(cast, rep_client):
    from portal.services import client_response_days_set

    requirement = clarified_requirement(cast, "Scan barcodes")
    Requirement.objects.filter(pk=requirement.pk).update(
        updated_at=datetime(2026, 11, 2, 9, tzinfo=UTC)  # a Monday
    )
    client_response_days_set(actor=cast.pm, project=cast.project, days=3)

    page = rep_client.get(reverse("portal:home")).content.decode()

    assert "answer by Nov 5, 2026" in page  # three business days later, the Thursday


def test_the_list_reads_every_kind_in_one_union_and_their_projects_in_one_query(
    cast, django_assert_num_queries
):
    """Every built-in kind is read in the one UNION (portal.decisions.WaitingQuery), so the
    list costs two queries however many kinds and items wait."""
    from portal.decisions import _SOURCES, WaitingQuery

    assert all(isinstance(source, WaitingQuery) for source in _SOURCES.values())
    clarified_requirement(cast, "Scan barcodes")
    resolved_ticket(cast, "Slow search")
    open_action_item(cast, "Send the data", due=date(2026, 12, 1))
    cast.rep.project_roles  # noqa: B018 (the roles are cached on the user beforehand)
    with django_assert_num_queries(2):
        items = list(waiting_items_for(user=cast.rep))
    assert sorted(i.kind for i in items) == ["action_item", "requirement", "ticket"]
    titles = {i.kind: i.title for i in items}
    assert titles["requirement"].startswith("Confirm REQ-")
    assert titles["requirement"].endswith(": Scan barcodes")
    assert titles["ticket"].startswith("Confirm the resolution of FB-")
    assert titles["action_item"].endswith(": Send the data")
    assert all(i.project == cast.project for i in items)
    assert all(i.project.name == cast.project.name for i in items)


def _fresh_items(person, moment):
    """The items as the union built for `person` reads them (not compiled)."""
    from portal.decisions import _SOURCES, WaitingQuery, _items, _union

    queries = {i: s for i, s in enumerate(_SOURCES.values()) if isinstance(s, WaitingQuery)}
    return list(_items(queries, list(_union(queries, person, moment))))


def test_the_compiled_list_is_each_client_s_own_at_each_moment(cast):
    """The union is compiled once for every client person and read with their id and the
    moment: for each person it lists what the union built for them lists, and a client task's
    start and a survey's close are judged at the moment given, not the one it was compiled at."""
    from feedback.models import SurveyInvitation
    from portal.decisions import _SOURCES, Moment, WaitingQuery, _client_items_of
    from projects.models import Task, Visibility
    from projects.services.tasks import task_create
    from tests.feedback.surveys.helpers import make_template, send_campaign

    clarified_requirement(cast, "Scan barcodes")
    resolved_ticket(cast, "Slow search")
    open_action_item(cast, "Send the data", due=date(2026, 12, 1))
    open_action_item(cast, "The admin's", owner=cast.client_admin)
    starts = date(2031, 3, 20)
    task = task_create(
        actor=cast.pm,
        project=cast.project,
        name="Provide the data",
        owner_side=Task.OwnerSide.CLIENT,
        visibility=Visibility.CLIENT,
        assignee=cast.rep,
        start_date=starts,
        due_date=starts + timedelta(days=2),
    )
    campaign = send_campaign(cast.pm, cast.project, make_template(cast.pm))
    invitation = SurveyInvitation.objects.get(campaign=campaign, person=cast.rep)
    closes = campaign.closes_at
    queries = {i: s for i, s in enumerate(_SOURCES.values()) if isinstance(s, WaitingQuery)}
    early = Moment(closes - timedelta(days=1), starts - timedelta(days=1))
    late = Moment(closes + timedelta(days=1), starts)

    people = [cast.rep, cast.client_admin, cast.viewer, cast.other_client_rep]
    for moment in (early, late, early):
        for person in people:
            compiled = list(_client_items_of(queries, person, moment))
            assert compiled == _fresh_items(person, moment), person
    keys = {
        moment: {i.key for i in _client_items_of(queries, cast.rep, moment)}
        for moment in (early, late)
    }
    assert f"client_task:{task.pk}" in keys[late] - keys[early]
    assert keys[early] - keys[late] == {f"survey:{invitation.pk}"}
    assert len(_client_items_of(queries, cast.other_client_rep, late)) == 0
    assert len({i.key for i in _client_items_of(queries, cast.client_admin, late)}) >= 2


def test_a_union_that_reads_the_database_while_it_is_built_is_refused(cast, monkeypatch):
    """A source whose rows would read the person's own data in Python (their roles, say) would
    have that data compiled into every client's list: building the union may not query."""
    from django.core.exceptions import ImproperlyConfigured

    from portal import decisions
    from projects.models import Project

    def reads_roles(user, moment):
        ids = list(Project.objects.filter(memberships__user=user).values_list("pk", flat=True))
        return decisions._requirement_rows(user, moment).filter(project_id__in=ids)

    source = decisions.WaitingQuery(reads_roles, decisions._requirement)
    with pytest.raises(ImproperlyConfigured, match="read the database"):
        decisions._client_items_of({0: source}, cast.rep, decisions.Moment.current())
