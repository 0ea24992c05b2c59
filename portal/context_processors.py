from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.decisions import WaitingItem, waiting_items_for


def waiting_items_of_request(request: HttpRequest) -> list[WaitingItem]:
    """The signed-in person's waiting items, computed once per request."""
    cached = getattr(request, "_portal_waiting_items", None)
    if cached is None:
        cached = waiting_items_for(user=request.user)
        request._portal_waiting_items = cached  # type: ignore[attr-defined]
    return cached


def portal_waiting(request: HttpRequest) -> dict[str, Any]:
    """The count badge of the portal navigation: computed only on portal pages, only when a
    template shows it (a constant number of queries, one per waiting-item source)."""
    if not request.path.startswith("/portal/"):
        return {}
    return {"portal_waiting_count": lambda: len(waiting_items_of_request(request))}
