"""The content types (and so the permissions and any generic relation) of the moved models follow
them to the discussions app: their rows are renamed, not recreated, so that their ids stay."""

from django.db import migrations

MODELS = ("thread", "entry", "attachment")


def _relabel(apps, old_label, new_label):
    """Rename each model's row from `old_label` to `new_label`. A row that already has the new
    name while the old one exists was made by post_migrate in between (after a migration back
    and forth): it gives way to the old row, which keeps its id and the permissions granted."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        old = ContentType.objects.filter(app_label=old_label, model=model)
        if not old.exists():
            continue
        ContentType.objects.filter(app_label=new_label, model=model).delete()
        old.update(app_label=new_label)
    ContentType.objects.clear_cache()


def forwards(apps, schema_editor):
    _relabel(apps, "stakeholders", "discussions")


def backwards(apps, schema_editor):
    _relabel(apps, "discussions", "stakeholders")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("discussions", "0001_initial"),
        ("stakeholders", "0012_move_discussions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
