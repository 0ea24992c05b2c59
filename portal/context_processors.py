from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from accounts.http import AuthenticatedHttpRequest
from portal.badge import cached_waiting_count
from portal.decisions import WaitingItem, waiting_items_for


def waiting_items_of_request(request: AuthenticatedHttpRequest) -> Sequence[WaitingItem]:
    """The signed-in person's waiting items, computed once per request."""
    cached = getattr(request, "_portal_waiting_items", None)
    if cached is None:
        cached = waiting_items_for(user=request.user)
        request._portal_waiting_items = cached  # type: ignore[attr-defined]
    return cached


def waiting_count_of_request(request: AuthenticatedHttpRequest) -> int:
    """The badge's number: the length of the list when the page built it already, else the
    cached count (portal.badge: one counting query when no cached one holds)."""
    cached = getattr(request, "_portal_waiting_items", None)
    if cached is not None:
        return len(cached)
    return cached_waiting_count(request.user)


def portal_waiting(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The count badge of the portal navigation: computed only on portal pages, only when a
    template shows it, from the cache or in one query (none on the home page, which lists the
    items)."""
    if not request.path.startswith("/portal/"):
        return {}
    return {"portal_waiting_count": lambda: waiting_count_of_request(request)}
