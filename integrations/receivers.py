"""A new password ends the person's personal access tokens (accounts.services.credentials_revoke
sends credentials_revoked)."""

from __future__ import annotations

from typing import Any

from accounts.services import credentials_revoked
from integrations.tokens import access_tokens_revoke_all


def _on_credentials_revoked(sender: Any, user: Any, **kwargs: Any) -> None:
    access_tokens_revoke_all(user=user)


def connect() -> None:
    credentials_revoked.connect(_on_credentials_revoked, dispatch_uid="integrations-tokens")
