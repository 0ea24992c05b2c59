"""Composite foreign keys that keep the copies on User and Membership equal to the originals.

With them and the check constraints, the database itself refuses a client user in another
client's project, a client user with a provider role and a provider person with a client role,
also when an organisation, a user or a project is changed afterwards (ON UPDATE CASCADE carries
the change to the copies, and the check constraints then refuse it). PostgreSQL only: the
embedded SQLite default relies on the service checks (projects.services.membership_check_side).
"""

from django.db import migrations

CONSTRAINTS = [
    (
        "accounts_user",
        "user_organization_kind_fk",
        "(organization_id, side)",
        "accounts_organization (id, kind)",
    ),
    (
        "projects_membership",
        "membership_member_organization_fk",
        "(user_id, member_organization_id)",
        "accounts_user (id, organization_id)",
    ),
    (
        "projects_membership",
        "membership_member_side_fk",
        "(user_id, member_side)",
        "accounts_user (id, side)",
    ),
    (
        "projects_membership",
        "membership_project_client_fk",
        "(project_id, project_client_id)",
        "projects_project (id, client_id)",
    ),
]


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, columns, target in CONSTRAINTS:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY {columns} "
            f"REFERENCES {target} ON UPDATE CASCADE"
        )


def drop_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _columns, _target in reversed(CONSTRAINTS):
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("projects", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_constraints, drop_constraints)]
