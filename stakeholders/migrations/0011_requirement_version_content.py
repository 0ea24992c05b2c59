"""Requirement versions record the whole signed content (priority and acceptance notes too) and
the visibility the requirement had when each was made; confirmations record the priority and
acceptance notes signed off."""

from django.db import migrations, models


def versions_record_what_stood_when_they_were_made(apps, schema_editor):
    """Each existing version takes the requirement's priority, acceptance notes and visibility
    from the requirement's history: the first historical record at that version number is the
    save that made it. Without history, the requirement's current values stand in. Each
    confirmation then takes the values of the version it signed."""
    Requirement = apps.get_model("stakeholders", "Requirement")
    HistoricalRequirement = apps.get_model("stakeholders", "HistoricalRequirement")
    RequirementVersion = apps.get_model("stakeholders", "RequirementVersion")
    Confirmation = apps.get_model("stakeholders", "Confirmation")
    for requirement in Requirement.objects.all().iterator():
        for version in RequirementVersion.objects.filter(requirement=requirement):
            made = (
                HistoricalRequirement.objects.filter(id=requirement.pk, version=version.number)
                .order_by("history_date", "history_id")
                .first()
            )
            source = made if made is not None else requirement
            version.priority = source.priority
            version.acceptance_notes = source.acceptance_notes
            version.visibility = source.visibility
            version.save(update_fields=["priority", "acceptance_notes", "visibility"])
        signed = {v.number: v for v in RequirementVersion.objects.filter(requirement=requirement)}
        for confirmation in Confirmation.objects.filter(requirement=requirement):
            version = signed.get(confirmation.version)
            source = version if version is not None else requirement
            confirmation.priority = source.priority
            confirmation.acceptance_notes = source.acceptance_notes
            confirmation.save(update_fields=["priority", "acceptance_notes"])


class Migration(migrations.Migration):
    dependencies = [
        ("stakeholders", "0010_meeting_visibility"),
    ]

    operations = [
        migrations.AddField(
            model_name="confirmation",
            name="acceptance_notes",
            field=models.TextField(blank=True, verbose_name="acceptance notes"),
        ),
        migrations.AddField(
            model_name="confirmation",
            name="priority",
            field=models.CharField(
                blank=True,
                choices=[
                    ("must", "Must have"),
                    ("should", "Should have"),
                    ("could", "Could have"),
                    ("wont", "Won't have (this time)"),
                ],
                max_length=8,
                verbose_name="priority",
            ),
        ),
        migrations.AddField(
            model_name="requirementversion",
            name="acceptance_notes",
            field=models.TextField(blank=True, verbose_name="acceptance notes"),
        ),
        migrations.AddField(
            model_name="requirementversion",
            name="priority",
            field=models.CharField(
                choices=[
                    ("must", "Must have"),
                    ("should", "Should have"),
                    ("could", "Could have"),
                    ("wont", "Won't have (this time)"),
                ],
                default="should",
                max_length=8,
                verbose_name="priority",
            ),
        ),
        migrations.AddField(
            model_name="requirementversion",
            name="visibility",
            field=models.CharField(
                choices=[("internal", "Internal"), ("client", "Visible to client")],
                default="internal",
                max_length=8,
                verbose_name="visibility",
            ),
        ),
        migrations.RunPython(
            versions_record_what_stood_when_they_were_made, migrations.RunPython.noop
        ),
    ]
