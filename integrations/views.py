"""Calendar files: the person's feed at its secret address, and one item's events as .ics."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import override
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.services import calendar_feed_owner
from integrations.calendar import Kind, calendar_for, feed_events_for, item_events_for


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The feed calendar apps poll: no login, the address is the credential (404 alike for an
    unknown and a revoked one)."""
    user = calendar_feed_owner(token=token)
    if user is None:
        raise Http404
    with override(user.language):
        name = _("Rapport: %(name)s") % {"name": user.display_name}
    response = _ics(calendar_for(user, feed_events_for(user), name=name), "rapport.ics")
    response["Content-Disposition"] = 'inline; filename="rapport.ics"'
    return response


def _item(user: User, kinds: Iterable[str], pk: int, filename: str) -> HttpResponse:
    events = item_events_for(user, kinds, pk)
    if not events:
        raise Http404
    with override(user.language):
        name = events[0].summary
    return _ics(calendar_for(user, events, name=name), filename)


@login_required
@require_GET
def milestone_ics(request: AuthenticatedHttpRequest, milestone_id: int) -> HttpResponse:
    return _item(request.user, [Kind.MILESTONE], milestone_id, f"milestone-{milestone_id}.ics")


@login_required
@require_GET
def deliverable_ics(request: AuthenticatedHttpRequest, deliverable_id: int) -> HttpResponse:
    """Its due date, and its acceptance deadline while it awaits the client."""
    return _item(
        request.user,
        [Kind.DELIVERABLE, Kind.ACCEPTANCE],
        deliverable_id,
        f"deliverable-{deliverable_id}.ics",
    )


@login_required
@require_GET
def meeting_ics(request: AuthenticatedHttpRequest, meeting_id: int) -> HttpResponse:
    return _item(request.user, [Kind.MEETING], meeting_id, f"meeting-{meeting_id}.ics")


@login_required
@require_GET
def action_item_ics(request: AuthenticatedHttpRequest, item_id: int) -> HttpResponse:
    return _item(request.user, [Kind.ACTION_ITEM], item_id, f"action-{item_id}.ics")


@login_required
@require_GET
def report_days_ics(request: AuthenticatedHttpRequest, project_id: int) -> HttpResponse:
    """The project's coming report days, for those who send or receive its report."""
    return _item(request.user, [Kind.REPORT], project_id, f"reports-{project_id}.ics")
