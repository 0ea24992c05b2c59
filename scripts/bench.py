"""`make bench`: page and API timings on a large generated data set.

Builds (once) a data set in its own PostgreSQL database (BENCH_DATABASE_URL, default
rapport_bench next to the test database): 60 clients, 1,500 projects, 4,000 people and
30,000 memberships; then times the busiest pages and API lists (and the search) for a PM, an
AM, a staff admin and a customer representative, and prints median and 95th-percentile times
and query counts.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

test_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rapport")
parts = urlsplit(test_url)
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", urlunsplit(parts._replace(path="/rapport_bench"))
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ["RAPPORT_STAFF_MFA_REQUIRED"] = "false"

import django  # noqa: E402

django.setup()

import psycopg2  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

settings.RAPPORT_STAFF_MFA_REQUIRED = False
settings.ALLOWED_HOSTS = ["*"]

CLIENTS = 60
PROJECTS_PER_CLIENT = 25
PEOPLE_PER_CLIENT = 60
PROVIDER_PEOPLE = 400
ROUNDS = 20


def ensure_database() -> None:
    db = settings.DATABASES["default"]
    admin = psycopg2.connect(
        dbname="postgres", user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
    admin.close()
    call_command("migrate", verbosity=0)


@transaction.atomic
def generate() -> None:
    from accounts.models import Organization, User
    from projects.models import Membership, Project, Role

    if Project.objects.filter(code__startswith="bench-").exists():
        from projects.models import Milestone

        if not Milestone.objects.filter(project__code__startswith="bench-").exists():
            generate_plans()
        return
    print("Generating the data set ...", flush=True)
    provider, _ = Organization.objects.get_or_create(
        kind=Organization.Kind.PROVIDER, defaults={"name": "Bench Provider"}
    )
    staff = [
        User(
            email=f"staff{index}@bench.test",
            display_name=f"Staff {index}",
            organization=provider,
            side="provider",
            is_staff=index == 0,
        )
        for index in range(PROVIDER_PEOPLE)
    ]
    User.objects.bulk_create(staff)
    staff = list(User.objects.filter(email__endswith="@bench.test", side="provider"))
    memberships = []
    for client_index in range(CLIENTS):
        client = Organization.objects.create(name=f"Bench client {client_index}")
        people = User.objects.bulk_create(
            User(
                email=f"c{client_index}p{index}@bench-client.test",
                display_name=f"Client {client_index} person {index}",
                organization=client,
                side="client",
            )
            for index in range(PEOPLE_PER_CLIENT)
        )
        projects = Project.objects.bulk_create(
            Project(client=client, code=f"bench-{client_index}-{index}", name=f"Project {index}")
            for index in range(PROJECTS_PER_CLIENT)
        )
        for project_index, project in enumerate(projects):
            team = [
                staff[(client_index * 7 + project_index * 3 + k) % PROVIDER_PEOPLE]
                for k in range(5)
            ]
            roles = [Role.PM, Role.AM, Role.TEAM_MEMBER, Role.TEAM_MEMBER, Role.TEAM_MEMBER]
            seen = set()
            for user, role in zip(team, roles, strict=True):
                if user.pk in seen:
                    continue
                seen.add(user.pk)
                memberships.append(
                    Membership(
                        project=project,
                        user=user,
                        role=role,
                        member_organization_id=provider.pk,
                        member_side="provider",
                        project_client_id=client.pk,
                    )
                )
            for k in range(15):
                person = people[(project_index * 2 + k) % PEOPLE_PER_CLIENT]
                memberships.append(
                    Membership(
                        project=project,
                        user=person,
                        role=[Role.CLIENT_ADMIN, Role.CUSTOMER_REP, Role.CLIENT_VIEWER][k % 3],
                        member_organization_id=client.pk,
                        member_side="client",
                        project_client_id=client.pk,
                    )
                )
    Membership.objects.bulk_create(memberships, batch_size=5000)
    generate_plans()


def generate_plans() -> None:
    """Three milestones of four deliverables (two criteria each) per project, a third of the
    deliverables submitted and awaiting the client."""
    from datetime import date, timedelta

    from django.utils import timezone

    from projects.models import AcceptanceCriterion, Deliverable, Milestone, Project

    projects = list(Project.objects.filter(code__startswith="bench-"))
    milestones = Milestone.objects.bulk_create(
        Milestone(
            project=project,
            name=f"Milestone {index}",
            due_date=date(2027, 1, 1) + timedelta(days=30 * index),
            baseline_due_date=date(2027, 1, 1) + timedelta(days=30 * index),
            position=index,
        )
        for project in projects
        for index in range(3)
    )
    now = timezone.now()
    deliverables = Deliverable.objects.bulk_create(
        (
            Deliverable(
                project_id=milestone.project_id,
                milestone=milestone,
                name=f"Deliverable {milestone.position}.{index}",
                status="submitted" if index % 3 == 0 else "in_progress",
                submitted_at=now if index % 3 == 0 else None,
            )
            for milestone in milestones
            for index in range(4)
        ),
        batch_size=5000,
    )
    AcceptanceCriterion.objects.bulk_create(
        (
            AcceptanceCriterion(deliverable=deliverable, text=f"Criterion {index}", position=index)
            for deliverable in deliverables
            for index in range(2)
        ),
        batch_size=5000,
    )


@transaction.atomic
def generate_conversation() -> None:
    """Per project: 20 requirements (every third internal, half of the rest awaiting the
    client), 3 change requests linked to a requirement, 12 risks on a 5 x 5 spread, and a thread
    of 6 entries (one an internal note) on each of the first 5 requirements. Once."""
    from django.contrib.contenttypes.models import ContentType

    from discussions.models import Entry, Thread
    from projects.models import Membership, Project, Role
    from risks.models import Risk
    from stakeholders.models import ChangeRequest, Requirement

    if Requirement.objects.filter(project__code__startswith="bench-").exists():
        return
    projects = list(Project.objects.filter(code__startswith="bench-"))
    pms = dict(
        Membership.objects.filter(project__in=projects, role=Role.PM).values_list(
            "project_id", "user_id"
        )
    )
    requirements = Requirement.objects.bulk_create(
        (
            Requirement(
                project=project,
                number=index + 1,
                title=f"Requirement {index} of {project.code}",
                description="The system **shall** do this, measured so.",
                source="client" if index % 2 else "internal",
                priority=("must", "should", "could", "wont")[index % 4],
                visibility="internal" if index % 3 == 0 else "client",
                status="clarified" if index % 3 == 1 else "confirmed",
                created_by_id=pms.get(project.pk),
            )
            for project in projects
            for index in range(20)
        ),
        batch_size=5000,
    )
    changes = ChangeRequest.objects.bulk_create(
        (
            ChangeRequest(
                project=project,
                number=index + 1,
                title=f"Change {index} of {project.code}",
                requested_by_id=pms[project.pk],
                requested_side="provider",
                status=("submitted", "assessed", "approved")[index],
                visibility="client",
            )
            for project in projects
            if project.pk in pms
            for index in range(3)
        ),
        batch_size=5000,
    )
    first_requirement = {}
    for requirement in requirements:
        first_requirement.setdefault(requirement.project_id, requirement)
    ChangeRequest.requirements.through.objects.bulk_create(
        (
            ChangeRequest.requirements.through(
                changerequest_id=change.pk, requirement_id=first_requirement[change.project_id].pk
            )
            for change in changes
        ),
        batch_size=5000,
    )
    risks = []
    for project in projects:
        if project.pk not in pms:
            continue
        for index in range(12):
            probability, impact = index % 5 + 1, (index * 2) % 5 + 1
            score = probability * impact
            level = next(
                name
                for floor, name in ((16, "critical"), (10, "high"), (5, "medium"), (0, "low"))
                if score >= floor
            )
            risks.append(
                Risk(
                    project=project,
                    number=index + 1,
                    title=f"Risk {index} of {project.code}",
                    category="schedule",
                    probability=probability,
                    impact=impact,
                    score=score,
                    level=level,
                    strategy="mitigate",
                    status="open",
                    visibility="internal" if index % 2 else "client",
                    owner_id=pms[project.pk],
                    raised_by_id=pms[project.pk],
                    raised_side="provider",
                )
            )
    Risk.objects.bulk_create(risks, batch_size=5000)
    requirement_type = ContentType.objects.get_for_model(Requirement)
    threads = Thread.objects.bulk_create(
        (
            Thread(project_id=r.project_id, content_type=requirement_type, object_id=r.pk)
            for r in requirements
            if r.number <= 5 and r.project_id in pms
        ),
        batch_size=5000,
    )
    Entry.objects.bulk_create(
        (
            Entry(
                thread=thread,
                author_id=pms[thread.project_id],
                kind="internal_note" if index == 5 else "reply",
                body=f"Entry {index}: which columns does the export need?",
            )
            for thread in threads
            for index in range(6)
        ),
        batch_size=5000,
    )


def measure(client: Client, url: str) -> tuple[float, float, int, int]:
    timings = []
    queries = 0
    status = 0
    for _ in range(ROUNDS):
        with CaptureQueriesContext(connection) as context:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(context.captured_queries)
        status = response.status_code
    timings.sort()
    p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
    return statistics.median(timings), p95, queries, status


def main() -> None:
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)
    from accounts.models import User
    from projects.models import Membership, Project, Role

    ensure_database()
    generate()
    generate_conversation()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as autovacuum keeps them in production
    from projects.models import Deliverable

    print(
        f"Data set: {Project.objects.count()} projects, {User.objects.count()} people, "
        f"{Membership.objects.count()} memberships, {Deliverable.objects.count()} deliverables"
    )
    busiest_pm = (
        Membership.objects.filter(role=Role.PM)
        .values("user")
        .order_by()
        .annotate(n=django.db.models.Count("id"))
        .order_by("-n")
        .first()
    )
    pm = User.objects.get(pk=busiest_pm["user"])
    am = User.objects.filter(memberships__role=Role.AM).distinct().first()
    admin = User.objects.get(email="staff0@bench.test")
    project = Project.objects.filter(memberships__user=pm).first()
    rep = User.objects.filter(
        memberships__role=Role.CUSTOMER_REP, memberships__project=project
    ).first()
    cases = [
        (pm, "/projects/"),
        (pm, f"/projects/{project.pk}/"),
        (pm, f"/projects/{project.pk}/members/"),
        (pm, f"/projects/{project.pk}/plan/"),
        (rep, f"/portal/projects/{project.pk}/"),
        (am, "/clients/"),
        (admin, "/projects/"),
        (rep, "/portal/"),
        (pm, "/api/v1/projects/"),
        (admin, "/api/v1/projects/?page_size=200"),
        (admin, "/api/v1/organizations/"),
        (rep, f"/api/v1/projects/{project.pk}/members/"),
        (rep, f"/api/v1/projects/{project.pk}/deliverables/"),
        # The conversation with the client and the risk register (20 requirements, 3 change
        # requests, 12 risks and threads per project).
        (pm, f"/projects/{project.pk}/requirements/"),
        (pm, f"/projects/{project.pk}/requirements/traceability/"),
        (pm, f"/projects/{project.pk}/change-requests/"),
        (pm, f"/projects/{project.pk}/decisions/"),
        (pm, f"/projects/{project.pk}/risks/"),
        (rep, f"/portal/projects/{project.pk}/requirements/"),
        (rep, f"/portal/projects/{project.pk}/risks/"),
        (pm, f"/api/v1/projects/{project.pk}/requirements/"),
        (pm, f"/api/v1/projects/{project.pk}/risks/"),
        (pm, "/search/?q=columns"),
        (rep, "/portal/search/?q=columns"),
        # Search over the whole data set: a common word (every milestone and deliverable
        # matches) and a rare one, for the busiest PM, a staff admin (all 1,500 projects) and a
        # customer representative; one query per kind, through the GIN indexes.
        (pm, "/search/?q=deliverable"),
        (admin, "/search/?q=deliverable"),
        (admin, f"/search/?q={project.code}"),
        (rep, "/portal/search/?q=milestone"),
        (admin, "/api/v1/search/?q=deliverable"),
    ]
    print(f"\n{'who':<22} {'url':<42} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'status':>7}")
    for user, url in cases:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        median, p95, queries, status = measure(client, url)
        who = f"{user.email.split('@')[0]} ({len(user.project_roles)} proj.)"
        print(f"{who:<22} {url:<42} {median:>10.1f} {p95:>8.1f} {queries:>8} {status:>7}")


if __name__ == "__main__":
    main()
