"""The discussion models, moved from the stakeholders app: created in the migration state only,
over the tables that stakeholders' migrations made (and keep: `db_table`)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import discussions.models
import projects.storage


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("projects", "0010_merge_costs_search"),
        ("stakeholders", "0011_requirement_version_content"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.CreateModel(
            name="Thread",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField()),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, to="contenttypes.contenttype"
                    ),
                ),
                (
                    "project",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="threads",
                        to="projects.project",
                        verbose_name="project",
                    ),
                ),
            ],
            options={
                "verbose_name": "discussion",
                "verbose_name_plural": "discussions",
                "db_table": "stakeholders_thread",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("content_type", "object_id"), name="thread_one_per_item"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Entry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("reply", "Reply"), ("internal_note", "Internal note")],
                        default="reply",
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
                (
                    "body",
                    models.TextField(
                        help_text="Markdown; mention people with @name.", verbose_name="text"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("edited_at", models.DateTimeField(blank=True, null=True, verbose_name="edited")),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="discussion_entries",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="author",
                    ),
                ),
                (
                    "mentions",
                    models.ManyToManyField(
                        blank=True,
                        related_name="discussion_mentions",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="mentioned",
                    ),
                ),
                (
                    "thread",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="entries",
                        to="discussions.thread",
                        verbose_name="discussion",
                    ),
                ),
            ],
            options={
                "verbose_name": "discussion entry",
                "verbose_name_plural": "discussion entries",
                "ordering": ["created_at", "pk"],
                "db_table": "stakeholders_entry",
                "indexes": [
                    models.Index(
                        fields=["thread", "kind", "created_at"],
                        name="stakeholder_thread__180685_idx",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Attachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "file",
                    models.FileField(
                        max_length=200,
                        storage=projects.storage.DocumentStorage(),
                        upload_to=discussions.models.attachment_upload_to,
                        verbose_name="file",
                    ),
                ),
                ("original_name", models.CharField(max_length=255, verbose_name="file name")),
                ("size", models.PositiveBigIntegerField(verbose_name="size")),
                ("media_type", models.CharField(max_length=120, verbose_name="type")),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("uploaded_at", models.DateTimeField(auto_now_add=True, verbose_name="uploaded")),
                (
                    "entry",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="discussions.entry",
                        verbose_name="discussion entry",
                    ),
                ),
                (
                    "thread",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attachments",
                        to="discussions.thread",
                        verbose_name="discussion",
                    ),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "attachment",
                "verbose_name_plural": "attachments",
                "ordering": ["uploaded_at", "pk"],
                "db_table": "stakeholders_attachment",
            },
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[], state_operations=state_operations
        )
    ]
