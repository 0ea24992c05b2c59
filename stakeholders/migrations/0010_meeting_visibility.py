from django.db import migrations, models

CLIENT_ROLES = ("client_admin", "customer_rep", "client_viewer")


def existing_meetings_keep_what_clients_saw(apps, schema_editor):
    """Meetings were all shown to the client before they had a visibility of their own.

    A meeting the client took part in (a client member or client-visible stakeholder attending, or
    a client member owning one of its action items) or whose minutes were shared stays
    client-visible; the rest were the team's own and become internal.
    """
    Meeting = apps.get_model("stakeholders", "Meeting")
    Membership = apps.get_model("projects", "Membership")
    ActionItem = apps.get_model("stakeholders", "ActionItem")
    for meeting in Meeting.objects.all().iterator():
        client_user_ids = Membership.objects.filter(
            project_id=meeting.project_id, role__in=CLIENT_ROLES
        ).values_list("user_id", flat=True)
        shared = (
            meeting.minutes_visibility == "client"
            or meeting.attendees.filter(pk__in=client_user_ids).exists()
            or meeting.stakeholder_attendees.filter(visibility="client").exists()
            or ActionItem.objects.filter(meeting=meeting, owner_id__in=client_user_ids).exists()
        )
        if shared:
            Meeting.objects.filter(pk=meeting.pk).update(visibility="client")


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0010_merge_costs_search"),
        ("stakeholders", "0009_attachments"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="visibility",
            field=models.CharField(
                choices=[("internal", "Internal"), ("client", "Visible to client")],
                default="internal",
                help_text=(
                    "An internal meeting is never shown to the client; a client-visible one shows "
                    "only its client-visible attendees."
                ),
                max_length=8,
                verbose_name="visible to",
            ),
        ),
        migrations.RunPython(existing_meetings_keep_what_clients_saw, migrations.RunPython.noop),
    ]
