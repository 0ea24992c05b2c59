""" "View as this client": a PM or an AM sees the portal exactly as one client member sees it.

The web session holds the id of a ViewAsSession (VIEW_AS_SESSION_KEY). On a GET or HEAD of a
portal page, this middleware checks the session row is open and still allowed, keeps the real
person in `request.real_user` and puts the viewed person in `request.user`, so every selector and
predicate answers for the viewed person. It never swaps for the staff app or the API, and refuses
every other method in the portal with a clear message: the view is read-only. Signing out ends
it (the web session is flushed).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from portal.models import ViewAsSession
from portal.permissions import can_view_as_person

VIEW_AS_SESSION_KEY = "portal_view_as"
PORTAL_PREFIX = "/portal/"
SAFE_METHODS = frozenset({"GET", "HEAD"})
# The one portal route that always acts as the real person: ending the view.
STOP_URL_NAME = "view_as_stop"
# Portal pages without a project in their URL that narrow themselves to the viewed project.
PROJECT_NARROWED_PAGES = frozenset({"portal:home", "portal:project_list"})


class ViewAsClientMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.real_user = request.user  # type: ignore[attr-defined]
        request.view_as = None  # type: ignore[attr-defined]
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> HttpResponse | None:
        if not request.path.startswith(PORTAL_PREFIX):
            return None
        session_id = request.session.get(VIEW_AS_SESSION_KEY)
        if not session_id or not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name == STOP_URL_NAME:
            return None
        view_as = (
            ViewAsSession.objects.select_related("viewed", "project")
            .filter(pk=session_id, viewer=request.user, ended_at__isnull=True)
            .first()
        )
        if view_as is None or not can_view_as_person(request.user, view_as.project, view_as.viewed):
            request.session.pop(VIEW_AS_SESSION_KEY, None)
            return None
        request.view_as = view_as  # type: ignore[attr-defined]
        if request.method not in SAFE_METHODS:
            return TemplateResponse(
                request,
                "portal/view_as_refused.html",
                {"view_as": view_as},
                status=403,
            )
        # Only the project the view was started for, even if the person sees others: its
        # pages, and the home page and project list narrowed to it.
        project_id = view_kwargs.get("project_id")
        if project_id is not None:
            if int(str(project_id)) != view_as.project_id:
                raise Http404(_("Not found."))
        elif match is None or match.view_name not in PROJECT_NARROWED_PAGES:
            return TemplateResponse(
                request,
                "portal/view_as_refused.html",
                {"view_as": view_as, "is_other_page": True},
                status=403,
            )
        request.user = view_as.viewed
        return None
