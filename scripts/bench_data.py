"""The data set `make bench` times (scripts/bench.py), in its own PostgreSQL database: clients
with their projects, people and memberships, a plan per project and the conversation with the
client. Built once: a data set already in the database is kept, whatever its size.
"""

from __future__ import annotations

import math

import psycopg2
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

PROJECTS_PER_CLIENT = 25
PEOPLE_PER_CLIENT = 60
PROVIDER_PEOPLE = 400


def ensure_database() -> None:
    """Create the bench database if it is missing, and migrate it."""
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
def generate(project_count: int) -> None:
    """Clients of 25 projects each (the last one fewer), 60 people per client and 400 on the
    provider's side; five provider members and fifteen client members per project. Once."""
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
    for client_index in range(math.ceil(project_count / PROJECTS_PER_CLIENT)):
        count = min(PROJECTS_PER_CLIENT, project_count - client_index * PROJECTS_PER_CLIENT)
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
            for index in range(count)
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
