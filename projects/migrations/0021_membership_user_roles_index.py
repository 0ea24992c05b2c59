import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from common.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    # The index is built concurrently: the membership table takes writes while it builds. The
    # person's own index goes once the new one, which starts with the person, is there.
    atomic = False

    dependencies = [
        ("accounts", "0007_calendar_feed"),
        ("projects", "0020_project_name_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="membership",
            index=models.Index(
                fields=["user", "project", "role", "project_client"],
                name="membership_user_roles_idx",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to=settings.AUTH_USER_MODEL,
                verbose_name="user",
            ),
        ),
    ]
