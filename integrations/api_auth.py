"""The API's authentication by personal access token (REST_FRAMEWORK settings name it).

`Authorization: Bearer rpt_…` (or `Token rpt_…`). The token's scope is enforced here, for every
view alike: a read token may only read (GET, HEAD, OPTIONS); a token of one project may reach
only that project's endpoints (/api/v1/projects/<id>/…) and /api/v1/me/. An expired token, or
one whose person is deactivated, is refused with 401 and the reason."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from integrations.tokens import PREFIX, access_token_for

if TYPE_CHECKING:
    from rest_framework.request import Request

    from accounts.models import User
    from integrations.models import AccessToken

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
PROJECT_PATH = re.compile(r"^/api/v1/projects/(\d+)/")
ALWAYS_OPEN = ("/api/v1/me/",)


class AccessTokenAuthentication(BaseAuthentication):
    keywords = (b"bearer", b"token")

    def authenticate(self, request: Request) -> tuple[User, AccessToken] | None:
        parts = get_authorization_header(request).split()
        if len(parts) != 2 or parts[0].lower() not in self.keywords:
            return None
        try:
            secret = parts[1].decode()
        except UnicodeError:
            return None
        if not secret.startswith(PREFIX):
            return None  # a token of another kind (DRF's): its own class reads it
        token = access_token_for(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is deactivated."))
        if token.is_expired:
            when = formats.date_format(timezone.localtime(token.expires_at), "DATETIME_FORMAT")
            raise exceptions.AuthenticationFailed(
                _("This token expired on %(when)s: make a new one.") % {"when": when}
            )
        self._check_scope(request, token)
        return token.user, token

    def _check_scope(self, request: Request, token: AccessToken) -> None:
        if request.method not in SAFE_METHODS and not token.may_write:
            raise exceptions.PermissionDenied(
                _("This token may only read: make a token that may write.")
            )
        if token.project_id is None or request.path in ALWAYS_OPEN:
            return
        match = PROJECT_PATH.match(request.path)
        if match is None or int(match.group(1)) != token.project_id:
            raise exceptions.PermissionDenied(
                _("This token is for one project only: %(code)s.") % {"code": _project_code(token)}
            )

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


def _project_code(token: Any) -> str:
    return str(token.project.code) if token.project is not None else ""
