"""The issue log: resolving an issue (a risk that occurred) with how it was resolved."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from common.history import set_history_user
from risks.models import Issue
from risks.permissions import can_manage_risk_settings

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def issue_resolve(*, actor: User, issue: Issue, resolution: str) -> Issue:
    issue = Issue.objects.select_for_update(of=("self",)).select_related("project").get(pk=issue.pk)
    if not can_manage_risk_settings(actor, issue.project):
        raise NotAllowed()
    if issue.status == Issue.Status.RESOLVED:
        raise InvalidTransition(_("This issue is already resolved."))
    resolution = (resolution or "").strip()
    if not resolution:
        raise InvalidInput(_("Say how the issue was resolved."), field="resolution")
    issue.status, issue.resolution, issue.resolved_at = (
        Issue.Status.RESOLVED,
        resolution,
        timezone.now(),
    )
    set_history_user(issue, actor)
    issue.save()
    return issue
