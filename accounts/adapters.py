from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    """No public sign-up (people join by invitation); failed logins are counted per e-mail
    address and client address together. Its e-mails go through the outbox: the adapter in use is
    notifications.adapters.AccountAdapter, this one's subclass."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def login(self, request: HttpRequest, user: Any) -> None:
        # Speak the person's own language from the first message after signing in.
        translation.activate(user.language)
        request.LANGUAGE_CODE = translation.get_language()
        super().login(request, user)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{self.get_client_ip(request)}:{login}"
