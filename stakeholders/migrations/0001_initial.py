"""The first migration of the stakeholders app: empty, so that each subject's migration can
depend on it."""

from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = [("projects", "0010_merge_costs_search")]

    operations = []
