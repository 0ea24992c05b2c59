"""What seed_scale may write over: a database holding nothing but an earlier seed_scale set (or
nothing at all). Seeded people have addresses under SEED_DOMAIN, seeded projects codes starting
with SEED_CODE_PREFIX, and a seeded organisation has seeded people only."""

from __future__ import annotations

from django.db import connection
from django.db.models import Exists, OuterRef

from accounts.models import Organization, User
from projects.models import Project

SEED_DOMAIN = "scale.test"
SEED_CODE_PREFIX = "SC-"


def foreign_data() -> list[str]:
    """What in the database seed_scale did not write: empty when it may replace it."""
    found = []
    people = User.objects.exclude(email__endswith=f".{SEED_DOMAIN}").count()
    if people:
        found.append(f"{people} people")
    projects = Project.objects.exclude(code__startswith=SEED_CODE_PREFIX).count()
    if projects:
        found.append(f"{projects} projects")
    seeded_person = User.objects.filter(
        organization=OuterRef("pk"), email__endswith=f".{SEED_DOMAIN}"
    )
    organizations = Organization.objects.exclude(Exists(seeded_person)).count()
    if organizations:
        found.append(f"{organizations} organisations")
    return found


def holds_seed() -> bool:
    return User.objects.exists() or Project.objects.exists() or Organization.objects.exists()


def remove_seed() -> None:
    """Empty the tables of people, organisations and projects and every table that refers to
    them (TRUNCATE ... CASCADE: an earlier set of millions of rows goes in a moment). Call only
    once foreign_data() is empty. The survey templates nobody created (the product's default,
    written by a migration) are kept: they are put back after the truncation."""
    with connection.cursor() as cursor:
        # Checks still pending in this transaction run now: TRUNCATE refuses a table with any.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "CREATE TEMP TABLE seed_scale_templates ON COMMIT DROP AS "
            "SELECT * FROM feedback_surveytemplate WHERE created_by_id IS NULL"
        )
        cursor.execute(
            "CREATE TEMP TABLE seed_scale_questions ON COMMIT DROP AS "
            "SELECT * FROM feedback_surveyquestion "
            "WHERE template_id IN (SELECT id FROM seed_scale_templates)"
        )
        cursor.execute(
            "TRUNCATE accounts_organization, accounts_user, projects_project, "
            "feedback_surveytemplate CASCADE"
        )
        cursor.execute("INSERT INTO feedback_surveytemplate SELECT * FROM seed_scale_templates")
        cursor.execute("INSERT INTO feedback_surveyquestion SELECT * FROM seed_scale_questions")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
