"""Personal access tokens: made, listed and revoked by their owner; read by the API's
authentication (integrations.api_auth).

A token is `rpt_` and 43 random characters; only its SHA-256 is kept, so it is shown once, when
made. Its scope is read (GET only) or write, optionally one project (then only that project's
endpoints and /api/v1/me/), and it expires after the days chosen (at most MAX_DAYS). A new
password, a deactivated account or leaving the project ends what it may do."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.backends import roles_annotation, with_roles
from accounts.models import User
from common.errors import InvalidInput, NotAllowed, NotFound
from integrations.models import AccessToken
from projects.permissions import can_view_project

if TYPE_CHECKING:
    from projects.models import Project

PREFIX = "rpt_"
MAX_TOKENS = 20
EXPIRY_DAYS = (7, 30, 90, 365)
MAX_DAYS = 365
# The last use is written at most this often (a script may call many times a second).
USE_NOTED_EVERY = timedelta(minutes=5)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: AccessToken
    secret: str  # shown once


def access_token_list_for(*, user: User) -> QuerySet[AccessToken]:
    return AccessToken.objects.filter(user=user).select_related("project")


@transaction.atomic
def access_token_create(
    *,
    actor: User,
    name: str,
    scope: str,
    days: int,
    project: Project | None = None,
) -> NewToken:
    """A new token of `actor`'s (MAX_TOKENS at most), valid `days` days."""
    if not actor.is_authenticated or not actor.is_active:
        raise NotAllowed()
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("Give the token a name, so that you know what uses it."), field="name")
    if len(name) > 100:
        raise InvalidInput(_("A name has at most 100 characters."), field="name")
    if scope not in AccessToken.Scope.values:
        raise InvalidInput(_("Choose read, or read and write."), field="scope")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(
            _("A token lasts from 1 to %(days)s days.") % {"days": MAX_DAYS}, field="days"
        )
    if project is not None and not can_view_project(actor, project):
        raise InvalidInput(_("Choose one of your projects."), field="project")
    # Locked, so that two requests at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if AccessToken.objects.filter(user=actor).count() >= MAX_TOKENS:
        raise InvalidInput(
            _("You have %(count)s tokens, the most there may be: revoke one first.")
            % {"count": MAX_TOKENS},
            field="name",
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=actor,
        name=name,
        token_hash=token_hash(secret),
        prefix=secret[:12],
        scope=scope,
        project=project,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return NewToken(token=token, secret=secret)


def access_token_revoke(*, actor: User, token_id: int) -> None:
    """Ends one of `actor`'s tokens at once (NotFound for anyone else's)."""
    deleted, _by_model = AccessToken.objects.filter(user=actor, pk=token_id).delete()
    if not deleted:
        raise NotFound()


def access_tokens_revoke_all(*, user: User) -> int:
    deleted, _by_model = AccessToken.objects.filter(user=user).delete()
    return deleted


def access_token_for(secret: str) -> AccessToken | None:
    """The token `secret` names, with its person and their project roles, or None; its last
    use noted."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = (
        AccessToken.objects.select_related("user")
        .filter(token_hash=token_hash(secret))
        .annotate(membership_roles=roles_annotation("user__"))
        .first()
    )
    if token is None:
        return None
    with_roles(token.user, token.membership_roles)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > USE_NOTED_EVERY:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
