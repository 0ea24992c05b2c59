"""Request types for views that require sign-in.

Django and DRF type `request.user` as "a user or AnonymousUser". Behind `login_required`, the
login mixins and the API's authentication permission it is always a `User`: views annotate their
request with these types so that `request.user` is a `User` without a check at every use. The
classes only narrow annotations; nothing here changes a request at run time.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A page request of a signed-in person (behind `login_required` or a login mixin)."""

    user: User
    htmx: HtmxDetails


class AuthenticatedRequest(Request):
    """An API request that passed the default authentication permission."""

    user: User
