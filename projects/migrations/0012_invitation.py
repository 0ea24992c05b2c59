"""Invitations come from the accounts app: the model takes over the existing table
(accounts_invitation) and its index, and the content type follows it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import projects.models.invitations


def content_type_to_projects(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="projects", model="invitation").exists():
        content_type.objects.filter(app_label="accounts", model="invitation").update(
            app_label="projects"
        )


def content_type_to_accounts(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    if not content_type.objects.filter(app_label="accounts", model="invitation").exists():
        content_type.objects.filter(app_label="projects", model="invitation").update(
            app_label="accounts"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_invitation_to_projects"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("projects", "0011_deliverable_internal_acceptance"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Invitation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("email", models.EmailField(max_length=254, verbose_name="e-mail address")),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("pm", "Project manager"),
                                    ("am", "Account manager"),
                                    ("team_member", "Team member"),
                                    ("client_admin", "Client admin"),
                                    ("customer_rep", "Customer representative"),
                                    ("client_viewer", "Client viewer"),
                                ],
                                max_length=20,
                                verbose_name="role",
                            ),
                        ),
                        (
                            "nonce",
                            models.CharField(
                                default=projects.models.invitations._new_nonce,
                                editable=False,
                                max_length=64,
                                unique=True,
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="created"),
                        ),
                        ("expires_at", models.DateTimeField(verbose_name="expires")),
                        (
                            "accepted_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="accepted"),
                        ),
                        (
                            "revoked_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="revoked"),
                        ),
                        (
                            "accepted_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="invitations_accepted",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="accepted by",
                            ),
                        ),
                        (
                            "invited_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="invitations_sent",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="invited by",
                            ),
                        ),
                        (
                            "organization",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="invitations",
                                to="accounts.organization",
                                verbose_name="organisation",
                            ),
                        ),
                        (
                            "project",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="invitations",
                                to="projects.project",
                                verbose_name="project",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "invitation",
                        "verbose_name_plural": "invitations",
                        "db_table": "accounts_invitation",
                        "ordering": ["-created_at"],
                        "indexes": [
                            models.Index(
                                fields=["project", "email"], name="accounts_in_project_b699c2_idx"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_projects, content_type_to_accounts),
    ]
