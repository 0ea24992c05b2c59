"""What a new password revokes (allauth's signals): after a change, the person's API token and
their other sessions (the session that changed it stays signed in); after a reset, the API token
and every session. And what a changed working calendar forgets: every cached calendar
(accounts.calendars); a changed personal calendar, period of leave or person's organisation:
every cached person's calendar; a changed organisation: every cached calendar (the provider's is
cached as such). And a removed authenticator app: the cached "has a second factor" of its
person."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.models import Authenticator
from django.contrib.auth import SESSION_KEY, logout
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest

from accounts.calendars import calendars_changed, people_calendars_changed
from accounts.middleware import mfa_forget
from accounts.models import (
    CalendarDay,
    Leave,
    Organization,
    PersonalCalendar,
    User,
    WorkingCalendar,
)
from accounts.services import credentials_revoke


def _on_password_changed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    credentials_revoke(user=user, keep_session_key=request.session.session_key)


def _on_password_reset(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    credentials_revoke(user=user)
    if request.session.get(SESSION_KEY) == str(user.pk):
        logout(request)  # reset from a browser still signed in as them


def _on_user_saved(sender: Any, update_fields: frozenset[str] | None = None, **kwargs: Any) -> None:
    # A person's calendar starts from their organisation's; a save that names its fields
    # without the organisation (the last login, a language) cannot have moved them.
    if update_fields is None or "organization" in update_fields:
        people_calendars_changed()


def _on_authenticator_changed(sender: Any, instance: Authenticator, **kwargs: Any) -> None:
    mfa_forget(instance.user_id)


def connect() -> None:
    # A removed (or replaced) authenticator app is asked about again on the next request.
    for signal in (post_save, post_delete):
        signal.connect(
            _on_authenticator_changed,
            sender=Authenticator,
            dispatch_uid=f"accounts-mfa-{signal is post_save}",
        )
    password_changed.connect(_on_password_changed, dispatch_uid="accounts-password-changed")
    password_set.connect(_on_password_changed, dispatch_uid="accounts-password-set")
    password_reset.connect(_on_password_reset, dispatch_uid="accounts-password-reset")
    # A changed working calendar (or one of its days) replaces every cached calendar; so does a
    # changed organisation (which one is the provider, whose calendar is cached as such).
    for model in (WorkingCalendar, CalendarDay, Organization):
        for signal in (post_save, post_delete):
            signal.connect(
                calendars_changed,
                sender=model,
                dispatch_uid=f"accounts-calendar-{model.__name__}-{signal is post_save}",
            )
    # A person's own calendar, their leave or their organisation replaces every cached person's
    # calendar.
    for person_model in (PersonalCalendar, Leave):
        for signal in (post_save, post_delete):
            signal.connect(
                people_calendars_changed,
                sender=person_model,
                dispatch_uid=f"accounts-calendar-{person_model.__name__}-{signal is post_save}",
            )
    post_save.connect(_on_user_saved, sender=User, dispatch_uid="accounts-calendar-user")
