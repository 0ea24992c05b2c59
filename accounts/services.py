"""Writes for accounts: new accounts, profile, API tokens, and what a new password revokes."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.backends import roles_annotation, with_roles
from accounts.models import CalendarFeed, Language, Organization, User, validate_time_zone
from common.errors import InvalidInput, NotAllowed

# Sent when a new password revokes what the old one handed out; higher apps revoke theirs.
credentials_revoked = Signal()

# A calendar app polls every few minutes: the last read is written at most this often.
FEED_READ_NOTED_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class NewAccount:
    display_name: str
    password: str
    language: str = Language.ENGLISH
    time_zone: str = "UTC"


def account_create(*, email: str, organization: Organization, new_account: NewAccount) -> User:
    """The account of a person who accepts an invitation to `organization` with no account yet:
    `new_account` says their name, password, language and time zone."""
    display_name = new_account.display_name.strip()
    if not display_name:
        raise InvalidInput(_("Enter your name."), field="display_name")
    try:
        validate_time_zone(new_account.time_zone)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="time_zone") from error
    if new_account.language not in Language.values:
        raise InvalidInput(_("Unknown language."), field="language")
    user = User(
        email=email,
        display_name=display_name,
        organization=organization,
        language=new_account.language,
        time_zone=new_account.time_zone,
    )
    try:
        validate_password(new_account.password, user=user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="password") from error
    user.set_password(new_account.password)
    user.save()
    return user


@transaction.atomic
def user_update_profile(*, actor: User, display_name: str, language: str, time_zone: str) -> User:
    display_name = display_name.strip()
    if not display_name:
        raise InvalidInput(_("Enter your name."), field="display_name")
    if language not in Language.values:
        raise InvalidInput(_("Unknown language."), field="language")
    try:
        validate_time_zone(time_zone)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="time_zone") from error
    actor.display_name = display_name
    actor.language = language
    actor.time_zone = time_zone
    actor.save(update_fields=["display_name", "language", "time_zone"])
    return actor


def user_set_language(*, actor: User, language: str) -> User:
    if language not in Language.values:
        raise InvalidInput(_("Unknown language."), field="language")
    actor.language = language
    actor.save(update_fields=["language"])
    return actor


@transaction.atomic
def api_token_regenerate(*, actor: User) -> Token:
    """Replace the user's API token (the old one stops working at once)."""
    Token.objects.filter(user=actor).delete()
    return Token.objects.create(user=actor)


def api_token_revoke(*, actor: User) -> None:
    Token.objects.filter(user=actor).delete()


def _feed_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_create(*, actor: User) -> str:
    """A new secret calendar address for `actor` (replacing theirs, which stops working at
    once): returns the token, which is not kept and cannot be shown again."""
    if not actor.is_authenticated or not actor.is_active:
        raise NotAllowed(_("Sign in to make a calendar feed."))
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.filter(user=actor).delete()
    CalendarFeed.objects.create(user=actor, token_hash=_feed_hash(token))
    return token


def calendar_feed_revoke(*, actor: User) -> bool:
    """Ends `actor`'s calendar address; False if they had none."""
    deleted, _by_model = CalendarFeed.objects.filter(user=actor).delete()
    return bool(deleted)


def calendar_feed_owner(*, token: str) -> User | None:
    """The active person whose calendar address carries `token`, with their project roles (its
    last read noted), or None for an unknown, revoked or malformed one."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=_feed_hash(token), user__is_active=True)
        .annotate(membership_roles=roles_annotation("user__"))
        .first()
    )
    if feed is None:
        return None
    with_roles(feed.user, feed.membership_roles)
    now = timezone.now()
    if feed.last_read_at is None or now - feed.last_read_at > FEED_READ_NOTED_EVERY:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_read_at=now)
    return feed.user


@transaction.atomic
def credentials_revoke(*, user: User, keep_session_key: str | None = None) -> int:
    """After a new password: the person's API token and calendar address are deleted and every
    session of theirs is ended but `keep_session_key` (the one that changed the password, None
    after a reset).
    Returns how many sessions ended.

    Django already refuses a session whose password hash is stale; deleting the rows ends them
    at once (for the database session stores), whatever verifies them next."""
    Token.objects.filter(user=user).delete()
    CalendarFeed.objects.filter(user=user).delete()
    credentials_revoked.send(sender=User, user=user)  # what higher apps hand out (access tokens)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    get_model_class = getattr(store, "get_model_class", None)
    if get_model_class is None:  # a store without rows: the stale hash ends the sessions
        return 0
    ended = []
    sessions = get_model_class().objects.filter(expire_date__gt=timezone.now())
    for session in sessions.exclude(session_key=keep_session_key or "").iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            ended.append(session.session_key)
    for session_key in ended:
        store(session_key).delete()  # the row, and the cached copy of the cached_db store
    return len(ended)
