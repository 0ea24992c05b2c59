"""Who reads which scorecard, page and API, by status and by content: a person their own; the
account managers of a PM's projects that PM's; staff admins all of them and the team view;
clients never (the staff pages send them to the portal, the API answers 404, the team view
403). Internal item titles carry SECRET: a client never reads it, the people allowed on an
items page do. Bad input is refused naming the field."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone

from projects.models import Role
from tests.factories import add_member
from tests.helpers import logged_in
from tests.scorecards.world import NOW, SECRET, build_world, staff_person

pytestmark = pytest.mark.django_db

CLIENTS = ("client_admin", "rep", "viewer")
PROVIDERS = ("pm", "am", "teammate", "staff_admin", "unrelated")
ROLES = (*PROVIDERS, *CLIENTS)
PORTAL = "redirect:/portal/"


@pytest.fixture(autouse=True)
def _clock(time_machine):
    """The pages measure up to today: 15 June 2031, the world's."""
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def world(cast):
    built = build_world(cast)
    # Another project's PM, with nothing to do with Paula's projects nor Adam's.
    unrelated = staff_person("uma@provider.test", "Uma Unrelated")
    add_member(cast.other_project, unrelated, Role.PM)
    built.items["unrelated"] = unrelated
    built.items["cast"] = cast
    return built


def person(world, role_name):
    if role_name == "unrelated":
        return world.items["unrelated"]
    return getattr(world.items["cast"], role_name)


def urls(world):
    pm, am = world.pm.pk, world.am.pk
    return {
        "index": "/scorecards/",
        "team": "/scorecards/team/",
        "pm_card": f"/scorecards/people/{pm}/pm/",
        "pm_items": f"/scorecards/people/{pm}/pm/milestones/2031Q1/",
        "am_card": f"/scorecards/people/{am}/am/",
        "am_items": f"/scorecards/people/{am}/am/opportunities/2031Q1/",
        "api_list": "/api/v1/scorecards/",
        "api_team": "/api/v1/scorecards/team/",
        "api_pm_card": f"/api/v1/scorecards/{pm}/pm/",
        "api_pm_items": f"/api/v1/scorecards/{pm}/pm/milestones/2031Q1/",
        "api_am_card": f"/api/v1/scorecards/{am}/am/",
        "api_am_items": f"/api/v1/scorecards/{am}/am/opportunities/2031Q1/",
    }


def expect(default, **overrides):
    table = dict.fromkeys(ROLES, default)
    table.update(overrides)
    return table


OWN_PM_CARD = expect(404, pm=200, am=200, staff_admin=200, **dict.fromkeys(CLIENTS, PORTAL))
OWN_AM_CARD = expect(404, am=200, staff_admin=200, **dict.fromkeys(CLIENTS, PORTAL))
EXPECTED = {
    # Every PM and AM (the team member holds neither role), and staff admins.
    "index": expect(200, teammate=403, **dict.fromkeys(CLIENTS, PORTAL)),
    "team": expect(403, staff_admin=200, **dict.fromkeys(CLIENTS, PORTAL)),
    "pm_card": OWN_PM_CARD,
    "pm_items": OWN_PM_CARD,
    "am_card": OWN_AM_CARD,
    "am_items": OWN_AM_CARD,
    "api_list": expect(404, pm=200, am=200, staff_admin=200, unrelated=200),
    "api_team": expect(403, staff_admin=200),
    "api_pm_card": expect(404, pm=200, am=200, staff_admin=200),
    "api_pm_items": expect(404, pm=200, am=200, staff_admin=200),
    "api_am_card": expect(404, am=200, staff_admin=200),
    "api_am_items": expect(404, am=200, staff_admin=200),
}


def outcome(response):
    if response.status_code in (301, 302):
        return f"redirect:{response['Location']}"
    return response.status_code


def test_who_gets_which_page_and_api_answer(world):
    failures = {}
    for name, url in urls(world).items():
        for role_name in ROLES:
            got = outcome(logged_in(person(world, role_name)).get(url))
            if got != EXPECTED[name][role_name]:
                failures[(name, role_name)] = f"expected {EXPECTED[name][role_name]}, got {got}"
    assert failures == {}


# Words of a scorecard: the people it measures, the figures and the items behind them.
SCORECARD_WORDS = (
    SECRET,
    "Paula PM",
    "Adam AM",
    "On time against the baseline",
    "20.0",
    "75.0",
    "SPI",
    "Phase 2",
    "Design signed",
    "milestones_due",
)


@pytest.mark.parametrize("role_name", CLIENTS)
def test_a_client_reads_nothing_of_a_scorecard(world, role_name):
    client = logged_in(person(world, role_name))
    read = {}
    for name, url in urls(world).items():
        for query in ("", "?by=month&periods=8"):
            response = client.get(url + query)
            body = response.content.decode()
            read[(name, query)] = [word for word in SCORECARD_WORDS if word in body]
            if response.status_code in (301, 302):
                assert response["Location"] == "/portal/", url
                assert body == ""
            elif response.status_code == 400:
                # An API address that takes no period refuses the parameters by name, before
                # reading anything.
                assert name.startswith("api_"), url
                assert query, url
                assert response.json() == {
                    "by": ["This query parameter is not known here."],
                    "periods": ["This query parameter is not known here."],
                    "code": "unknown_input",
                }
            else:
                assert response.status_code in (403, 404), (url, response.status_code)
    assert {key: found for key, found in read.items() if found} == {}
    assert len(read) == 2 * len(urls(world))


def test_the_pm_reads_their_scorecard_and_its_internal_items(world):
    client = logged_in(world.pm)
    page = client.get(urls(world)["pm_card"]).content.decode()
    assert "Paula PM" in page
    assert _heads(page) == ["Q3 2030", "Q4 2030", "Q1 2031", "Q2 2031"]
    assert _row(page, "on_time_rate") == ["—", "—", "20.0% (1/5)", "75.0% (3/4)"]
    assert _row(page, "spi") == ["—", "—", "0.78", "0.91"]
    items = client.get(urls(world)["pm_items"]).content.decode()
    assert f"Internal pilot {SECRET}" in items
    assert items.count('data-testid="item"') == 5

    data = client.get(urls(world)["api_pm_card"]).json()
    assert (data["person_id"], data["name"], data["role"]) == (world.pm.pk, "Paula PM", "pm")
    measures = {measure["key"]: measure for measure in data["measures"]}
    assert measures["on_time_rate"]["values"] == [None, None, "20.0", "75.0"]
    assert measures["change_cost"]["values"][2] == [
        {"currency": "EUR", "amount": "1000.00"},
        {"currency": "USD", "amount": "800.50"},
    ]
    assert measures["milestones_due"]["items"][2] == urls(world)["api_pm_items"]
    listed = client.get(urls(world)["api_pm_items"]).json()
    assert [item["label"] for item in listed] == [
        "Portal live",
        "Design signed",
        "Build done",
        f"Internal pilot {SECRET}",
        "Cutover",
    ]


def test_the_account_manager_reads_the_pms_scorecards_of_their_projects_only(world):
    am = logged_in(world.am)
    index = am.get("/scorecards/").content.decode()
    assert "Adam AM" in index
    assert "Paula PM" in index
    assert "Oscar Other-PM" in index  # the PM of Delta, where Adam is the AM
    assert "Uma Unrelated" not in index
    listed = am.get("/api/v1/scorecards/").json()
    assert sorted((entry["name"], entry["role"]) for entry in listed) == [
        ("Adam AM", "am"),
        ("Oscar Other-PM", "pm"),
        ("Paula PM", "pm"),
    ]
    # Paula's internal milestone, on the items page Adam may open.
    items = am.get(urls(world)["pm_items"]).content.decode()
    assert f"Internal pilot {SECRET}" in items
    own = am.get(urls(world)["am_items"]).content.decode()
    assert f"Phase 2 {SECRET}" in own
    other = world.other_pm.pk
    assert am.get(f"/scorecards/people/{other}/pm/").status_code == 200
    unrelated = world.items["unrelated"].pk
    for url in (
        f"/scorecards/people/{unrelated}/pm/",
        f"/scorecards/people/{unrelated}/pm/milestones/2031Q1/",
        f"/api/v1/scorecards/{unrelated}/pm/",
        f"/api/v1/scorecards/{unrelated}/pm/milestones/2031Q1/",
        # An AM sees no one's AM scorecard but their own, nor the PM's as an AM.
        f"/scorecards/people/{world.pm.pk}/am/",
        f"/api/v1/scorecards/{world.other_am.pk}/am/",
    ):
        response = am.get(url)
        assert response.status_code == 404, url
        assert "Uma Unrelated" not in response.content.decode()


@pytest.mark.parametrize("role_name", ["teammate", "unrelated", "pm"])
def test_providers_refused_read_no_item(world, role_name):
    """The team member and an unrelated PM get 404 on Paula's and Adam's scorecards; Paula on
    Adam's: the internal titles never show."""
    client = logged_in(person(world, role_name))
    found = {}
    for name in ("pm_card", "pm_items", "am_card", "am_items"):
        for prefix in ("", "api_"):
            url = urls(world)[prefix + name]
            response = client.get(url)
            if response.status_code == 200:
                continue
            assert response.status_code == 404, url
            body = response.content.decode()
            found[url] = [word for word in (SECRET, "Phase 2", "Design signed") if word in body]
    assert {url: words for url, words in found.items() if words} == {}
    assert len(found) == (4 if role_name == "pm" else 8)


def test_the_staff_admin_sees_everyone_and_the_team_view(world):
    admin = logged_in(world.items["cast"].staff_admin)
    listed = admin.get("/api/v1/scorecards/").json()
    names = {(entry["name"], entry["role"]) for entry in listed}
    assert {
        ("Paula PM", "pm"),
        ("Oscar Other-PM", "pm"),
        ("Uma Unrelated", "pm"),
        ("Adam AM", "am"),
        ("Olga Other-AM", "am"),
    } <= names
    assert f"Phase 2 {SECRET}" in admin.get(urls(world)["am_items"]).content.decode()
    page = admin.get("/scorecards/team/").content.decode()
    assert page.count('data-testid="team-row"') == 3
    # Ranked by on-time milestones in the running quarter: Paula's 75.0 % first.
    assert page.index("Paula PM") < page.index("Oscar Other-PM")
    assert "75.0% (3/4)" in page
    team = admin.get("/api/v1/scorecards/team/?role=am&sort=won").json()
    assert (team["role"], team["period"]["key"], team["sort"]) == ("am", "2031Q2", "won")
    assert [(row["rank"], row["name"], row["figures"]["won"]) for row in team["rows"]] == [
        (1, "Adam AM", 2),
        (2, "Olga Other-AM", 1),
    ]
    assert team["rows"][0]["figures"]["won_value"] == [{"currency": "EUR", "amount": "7000.00"}]
    q1 = admin.get("/api/v1/scorecards/team/?role=pm&period=2031Q1&sort=changes").json()
    # Fewer changes rank first (lower is better): none, Oscar's one, Paula's three.
    assert [(row["name"], row["figures"]["changes"]) for row in q1["rows"]] == [
        ("Uma Unrelated", 0),
        ("Oscar Other-PM", 1),
        ("Paula PM", 3),
    ]


# --- Bad input -----------------------------------------------------------------------------


def test_the_scorecard_page_explains_bad_periods_and_falls_back(world):
    client = logged_in(world.pm)
    url = urls(world)["pm_card"]
    page = client.get(url + "?periods=99")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Show between 4 and 8 periods." in body
    assert _heads(body) == ["Q3 2030", "Q4 2030", "Q1 2031", "Q2 2031"]
    body = client.get(url + "?by=week").content.decode()
    assert "Choose quarters or months." in body
    assert _heads(body) == ["Q3 2030", "Q4 2030", "Q1 2031", "Q2 2031"]
    body = client.get(url + "?by=month&periods=6").content.decode()
    assert "Choose quarters or months." not in body
    assert _heads(body) == ["2031-01", "2031-02", "2031-03", "2031-04", "2031-05", "2031-06"]
    assert _row(body, "milestones_due") == ["1", "1", "3", "1", "2", "1"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?periods=99", "periods"),
        ("?periods=3", "periods"),
        ("?periods=x", "periods"),
        ("?by=week", "by"),
    ],
)
def test_the_api_refuses_bad_periods_naming_the_field(world, query, field):
    response = logged_in(world.pm).get(urls(world)["api_pm_card"] + query)
    assert response.status_code == 400
    data = response.json()
    assert list(data) == [field, "code"]
    assert data["code"] == "invalid"
    assert "Paula PM" not in response.content.decode()


def test_items_of_an_unknown_period_or_group(world):
    client = logged_in(world.pm)
    pm = world.pm.pk
    for page in (
        f"/scorecards/people/{pm}/pm/milestones/2031Q5/",
        f"/scorecards/people/{pm}/pm/milestones/31Q1/",
        f"/scorecards/people/{pm}/pm/bogus/2031Q1/",
        f"/scorecards/people/{pm}/pm/complaints/2031Q1/",  # an AM's figure
        f"/scorecards/people/{pm}/xx/",
        f"/scorecards/people/{pm}/xx/milestones/2031Q1/",
    ):
        assert client.get(page).status_code == 404, page
    response = client.get(f"/api/v1/scorecards/{pm}/pm/milestones/2031Q5/")
    assert response.status_code == 400
    assert list(response.json()) == ["period", "code"]
    for api in (
        f"/api/v1/scorecards/{pm}/pm/bogus/2031Q1/",
        f"/api/v1/scorecards/{pm}/pm/complaints/2031Q1/",
        f"/api/v1/scorecards/{pm}/xx/",
    ):
        assert client.get(api).status_code == 404, api
    # A month is a period too.
    month = client.get(f"/api/v1/scorecards/{pm}/pm/milestones/2031-03/").json()
    assert [item["label"] for item in month] == [
        "Build done",
        f"Internal pilot {SECRET}",
        "Cutover",
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?role=xx", "role"),
        ("?sort=bogus", "sort"),
        ("?role=am&sort=spi", "sort"),
        ("?period=2031Q9", "period"),
    ],
)
def test_the_team_api_refuses_bad_input_naming_the_field(world, query, field):
    response = logged_in(world.items["cast"].staff_admin).get("/api/v1/scorecards/team/" + query)
    assert response.status_code == 400
    assert list(response.json()) == [field, "code"]


def test_the_team_page_explains_a_bad_role_and_falls_back(world):
    admin = logged_in(world.items["cast"].staff_admin)
    body = admin.get("/scorecards/team/?role=xx").content.decode()
    assert "Choose project managers or account managers." in body
    assert "Paula PM" in body  # the project managers' ranking
    assert "Adam AM" not in body
    body = admin.get("/scorecards/team/?period=2031Q9").content.decode()
    assert 'data-testid="period-error"' in body
    assert "Q2 2031" in body


# --- Reading the page ----------------------------------------------------------------------


def _heads(body):
    return re.findall(r'data-testid="period-head">([^<]+)<', body)


def _row(body, key):
    row = body.split(f'data-testid="measure-{key}"', 1)[1].split("</tr>", 1)[0]
    return [text.strip() for text in re.findall(r'<a href="[^"]*"[^>]*>([^<]*)</a>', row)]


def test_the_world_is_dated(world):
    """The pages above read the clock: it stands at the world's today."""
    assert timezone.localdate() == date(2031, 6, 15)
