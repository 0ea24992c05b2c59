"""What a new password revokes (allauth's signals): after a change, the person's API token and
their other sessions (the session that changed it stays signed in); after a reset, the API token
and every session. And what a changed working calendar forgets: every cached calendar
(accounts.calendars)."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib.auth import SESSION_KEY, logout
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest

from accounts.calendars import calendars_changed
from accounts.models import CalendarDay, User, WorkingCalendar
from accounts.services import credentials_revoke


def _on_password_changed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    credentials_revoke(user=user, keep_session_key=request.session.session_key)


def _on_password_reset(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    credentials_revoke(user=user)
    if request.session.get(SESSION_KEY) == str(user.pk):
        logout(request)  # reset from a browser still signed in as them


def connect() -> None:
    password_changed.connect(_on_password_changed, dispatch_uid="accounts-password-changed")
    password_set.connect(_on_password_changed, dispatch_uid="accounts-password-set")
    password_reset.connect(_on_password_reset, dispatch_uid="accounts-password-reset")
    # A changed working calendar (or one of its days) replaces every cached calendar.
    for model in (WorkingCalendar, CalendarDay):
        for signal in (post_save, post_delete):
            signal.connect(
                calendars_changed,
                sender=model,
                dispatch_uid=f"accounts-calendar-{model.__name__}-{signal is post_save}",
            )
