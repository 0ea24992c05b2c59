import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0010_merge_costs_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="deliverable",
            name="internally_accepted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="accepted internally"),
        ),
        migrations.AddField(
            model_name="deliverable",
            name="internally_accepted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="accepted internally by",
            ),
        ),
        migrations.AddField(
            model_name="historicaldeliverable",
            name="internally_accepted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="accepted internally"),
        ),
        migrations.AddField(
            model_name="historicaldeliverable",
            name="internally_accepted_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="accepted internally by",
            ),
        ),
    ]
