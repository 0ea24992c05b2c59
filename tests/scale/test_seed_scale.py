"""seed_scale builds a small set (six projects, one of them large) on which the app works: the
counts per project, the same names and dates for the same seed, the busiest pages for every kind
of person, a client person confined to their own client's projects, and the guard."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.models import User
from feedback.models import FeedbackTicket, SurveyResponse
from projects.models import Deliverable, Membership, Milestone, Project, Role, Task
from reports.models import Report
from risks.models import Risk
from stakeholders.models import Requirement
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ARGS = ["--projects", "6", "--large-projects", "1", "--large-project-tasks", "500"]
ARGS += ["--report-share", "0.2", "--seed", "7"]
# The rows are rolled back after each test, but ANALYZE's row counts would stay and mislead the
# planner in the tests that follow on the same database.
ARGS += ["--no-analyze"]


def seed(*extra: str) -> str:
    out = io.StringIO()
    call_command("seed_scale", *ARGS, *extra, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(settings) -> None:
    settings.RAPPORT_STAFF_MFA_REQUIRED = False
    seed()


def per_project(model: type, **filters) -> dict[int, int]:
    rows = model.objects.filter(**filters).values("project").annotate(n=Count("id"))
    return {row["project"]: row["n"] for row in rows}


def test_every_project_has_its_share(seeded):
    projects = list(Project.objects.values_list("pk", flat=True))
    assert len(projects) == 6
    for model, expected in [
        (Milestone, 10),
        (Deliverable, 30),
        (Requirement, 15),
        (Risk, 10),
        (SurveyResponse, 20),
        (FeedbackTicket, 5),
    ]:
        assert per_project(model) == dict.fromkeys(projects, expected), model
    assert sorted(per_project(Task).values()) == [100] * 5 + [500]
    for role in (Role.PM, Role.AM, Role.TEAM_MEMBER, Role.CUSTOMER_REP, Role.CLIENT_ADMIN):
        assert set(per_project(Membership, role=role)) == set(projects), role
    assert Task.objects.filter(predecessor_links__isnull=False).exists()
    assert Report.objects.count() == 104
    assert sorted(
        Requirement.objects.filter(project=projects[0]).values_list("number", flat=True)
    ) == list(range(1, 16))
    assert User.objects.filter(is_staff=True).exists()


def fingerprint() -> list[tuple]:
    return [
        *Project.objects.order_by("code").values_list("code", "name", "start_date", "end_date"),
        *User.objects.order_by("email").values_list("email", "display_name"),
        *Task.objects.order_by("project__code", "position").values_list(
            "name", "due_date", "status"
        ),
        *Risk.objects.order_by("project__code", "number").values_list("title", "score"),
    ]


def test_the_same_seed_builds_the_same_data(seeded):
    first = fingerprint()
    output = seed("--replace")
    assert "earlier set removed" in output
    assert fingerprint() == first


def test_it_refuses_to_write_over_other_data(db):
    UserFactory()
    with pytest.raises(CommandError, match="did not write"):
        seed()


def test_it_replaces_an_earlier_set_only_when_asked(seeded):
    with pytest.raises(CommandError, match="--replace"):
        seed()


def cast() -> dict[str, tuple[User, Project]]:
    """A PM, an AM, a staff admin and a customer representative, each with a project."""
    large = Project.objects.annotate(n=Count("tasks")).order_by("-n").first()
    found = {}
    for role in (Role.PM, Role.AM, Role.CUSTOMER_REP):
        found[role] = (Membership.objects.filter(project=large, role=role).first().user, large)
    found["admin"] = (User.objects.filter(is_staff=True).first(), large)
    return found


def test_the_pages_answer_for_every_kind_of_person(seeded, client):
    people = cast()
    pm, project = people[Role.PM]
    am, _ = people[Role.AM]
    admin, _ = people["admin"]
    rep, _ = people[Role.CUSTOMER_REP]
    pages = [
        (pm, "/projects/"),
        (pm, f"/projects/{project.pk}/"),
        (pm, f"/projects/{project.pk}/plan/"),
        (pm, f"/projects/{project.pk}/tasks/"),
        (pm, f"/api/v1/projects/{project.pk}/tasks/"),
        (pm, f"/api/v1/projects/{project.pk}/earned-value/"),
        (pm, f"/projects/{project.pk}/requirements/"),
        (pm, f"/projects/{project.pk}/risks/"),
        (am, "/satisfaction/"),
        (am, "/projects/"),
        (am, f"/projects/{project.pk}/"),
        (admin, "/projects/"),
        (admin, "/portfolio/report/"),
        (admin, f"/projects/{project.pk}/"),
        (admin, "/satisfaction/"),
        (rep, "/portal/"),
        (rep, f"/portal/projects/{project.pk}/"),
        (rep, f"/portal/projects/{project.pk}/requirements/"),
        (rep, f"/portal/projects/{project.pk}/risks/"),
        (rep, f"/api/v1/projects/{project.pk}/tasks/"),
    ]
    failures = []
    for user, url in pages:
        client.force_login(user)
        status = client.get(url).status_code
        if status != 200:
            failures.append((user.email, url, status))
    assert failures == []


def test_a_client_person_sees_only_their_own_clients_projects(seeded, client):
    rep, project = cast()[Role.CUSTOMER_REP]
    own = set(Project.objects.filter(client=rep.organization).values_list("pk", flat=True))
    other = Project.objects.exclude(client=rep.organization).first()
    assert other is not None
    assert set(Project.objects.visible_to(rep).values_list("pk", flat=True)) <= own
    client.force_login(rep)
    listed = {row["id"] for row in client.get("/api/v1/projects/").json()["results"]}
    assert project.pk in listed
    assert listed <= own
    assert client.get(f"/portal/projects/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/projects/{other.pk}/tasks/").status_code == 404
    own_names = set(Project.objects.filter(pk__in=own).values_list("name", flat=True))
    if other.name not in own_names:
        assert other.name.encode() not in client.get("/portal/").content


def test_rows_sent_in_chunks_follow_the_rows_they_point_to(db, monkeypatch):
    # With 10,000 projects the memberships fill a chunk before the projects do; some keys are
    # checked at once (projects.migrations.0002), so the projects must be sent first.
    monkeypatch.setattr("demo.scale.copy.CHUNK_ROWS", 7)
    call_command(
        "seed_scale", "--projects", "3", "--large-project-tasks", "20", stdout=io.StringIO()
    )
    assert Membership.objects.filter(project__in=Project.objects.all()).count() > 7
