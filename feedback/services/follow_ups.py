"""The account manager's follow-up of a detractor: opened by a low score, closed with a note."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.errors import InvalidTransition, NotAllowed
from common.text import clean_text
from feedback.models import (
    DetractorFollowUp,
    SurveyResponse,
)
from feedback.permissions import can_close_follow_up
from notifications.services.notifications import notify
from projects.models import Membership, Role

if TYPE_CHECKING:
    from accounts.models import User


NOTE_MAX = 5000


def follow_up_open(response: SurveyResponse, *, now: datetime) -> DetractorFollowUp | None:
    if DetractorFollowUp.objects.filter(response=response).exists():
        return None
    managers = list(
        Membership.objects.filter(
            project_id=response.project_id, role=Role.AM, user__is_active=True
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )
    if not managers:
        managers = list(
            Membership.objects.filter(
                project_id=response.project_id, role=Role.PM, user__is_active=True
            )
            .select_related("user")
            .order_by("created_at", "pk")
        )
    follow_up = DetractorFollowUp.objects.create(
        response=response,
        project_id=response.project_id,
        owner=managers[0].user if managers else None,
        opened_at=now,
    )
    url = reverse("feedback:follow_up", kwargs={"follow_up_id": follow_up.pk})
    project = response.project
    for membership in managers:
        person = membership.user
        with translation.override(person.language):
            title = _("%(client)s gave a low score on %(project)s: follow it up") % {
                "client": response.respondent.display_name,
                "project": project.name,
            }
        notify(
            user=person,
            kind="survey",
            title=title,
            url=url,
            email_template="feedback/surveys/email/follow_up",
            context={"project": project, "response": response, "follow_up": follow_up},
            dedupe_key=f"survey-follow-up:{follow_up.pk}:{person.pk}",
        )
    return follow_up


@transaction.atomic
def follow_up_close(*, actor: User, follow_up: DetractorFollowUp, note: str) -> DetractorFollowUp:
    """The AM (or PM) closes the follow-up with a note of what was done; it stops counting on
    the dashboard. The note is internal."""
    follow_up = (
        DetractorFollowUp.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=follow_up.pk)
    )
    if not can_close_follow_up(actor, follow_up):
        raise NotAllowed()
    if follow_up.status == DetractorFollowUp.Status.CLOSED:
        raise InvalidTransition(_("This follow-up is already closed."))
    note = clean_text(note, field="note", label=_("The note"), max_length=NOTE_MAX)
    follow_up.status = DetractorFollowUp.Status.CLOSED
    follow_up.note = note
    follow_up.closed_at = timezone.now()
    follow_up.closed_by = actor
    follow_up.save(update_fields=["status", "note", "closed_at", "closed_by"])
    return follow_up
