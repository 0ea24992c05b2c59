"""View mixins: which side of the product a page belongs to (the project a page shows is
projects.mixins.ProjectPageMixin)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect


class StaffPageMixin(LoginRequiredMixin):
    """A page of the staff app; client users are sent to the portal."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and request.user.is_client_user:
            return redirect("portal:home")
        return super().dispatch(request, *args, **kwargs)


class PortalPageMixin(LoginRequiredMixin):
    """A page of the client portal; provider people are sent to the staff app."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not request.user.is_client_user:
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)
