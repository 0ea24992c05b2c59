"""A risk's mitigation actions: add one, mark it done or not done."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput, NotAllowed
from common.history import set_history_user
from risks.models import MitigationAction, Risk
from risks.permissions import can_complete_action, can_manage_risk
from risks.services.checks import check_owner, lock_risk

if TYPE_CHECKING:
    from accounts.models import User

ACTION_MAX = 300


@transaction.atomic
def mitigation_action_add(
    *,
    actor: User,
    risk: Risk,
    text: str,
    owner: User | None = None,
    due_date: date | None = None,
) -> MitigationAction:
    risk = lock_risk(risk)
    if not can_manage_risk(actor, risk):
        raise NotAllowed()
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("Say what the action is."), field="text")
    if len(text) > ACTION_MAX:
        raise InvalidInput(
            _("The action is too long: at most %(max)d characters.") % {"max": ACTION_MAX},
            field="text",
        )
    check_owner(owner, risk.project, risk.visibility)
    action = MitigationAction(risk=risk, text=text, owner=owner, due_date=due_date)
    set_history_user(action, actor)
    action.save()
    return action


@transaction.atomic
def mitigation_action_set_done(
    *, actor: User, action: MitigationAction, done: bool = True
) -> MitigationAction:
    action = (
        MitigationAction.objects.select_for_update(of=("self",))
        .select_related("risk__project")
        .get(pk=action.pk)
    )
    if not can_complete_action(actor, action):
        raise NotAllowed()
    if action.is_done == done:
        return action
    action.is_done = done
    action.done_at = timezone.now() if done else None
    set_history_user(action, actor)
    action.save()
    return action
