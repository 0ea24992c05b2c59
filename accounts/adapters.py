from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.http import HttpRequest
from django.utils import translation

# The reauthentication methods of the person signed in, once a request (see below).
_reauthentication_methods: WeakKeyDictionary[HttpRequest, tuple[Any, list[dict]]] = (
    WeakKeyDictionary()
)


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

    def get_reauthentication_methods(self, user: Any) -> list[dict]:
        """allauth asks for them twice on a reauthentication page (whether the page is one of
        them, then the alternatives it offers), and each asking reads the person's verified
        addresses and each kind of second factor: they are read once a request."""
        request = allauth_context.request
        if request is None or not user.is_authenticated:
            return super().get_reauthentication_methods(user)
        read = _reauthentication_methods.get(request)
        if read is None or read[0] != user.pk:
            read = (user.pk, super().get_reauthentication_methods(user))
            _reauthentication_methods[request] = read
        return [dict(method) for method in read[1]]
