"""Meetings are findable (projects.search): by title, agenda and minutes. A client's scope holds
only client-visible meetings whose minutes are client-visible, so internal meetings and internal
minutes never produce a hit."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.search import register_searchable


def _meeting_url(meeting: Any, side: str) -> str:
    name = "stakeholders:portal_meeting" if side == "portal" else "stakeholders:meeting"
    return reverse(name, args=(meeting.project_id, meeting.pk))


def register() -> None:
    from stakeholders.selectors_meetings import meeting_search_scope_for

    register_searchable(
        "meeting",
        _("Meetings"),
        meeting_search_scope_for,
        (("title", "A"), ("agenda", "B"), ("minutes", "C")),
        _meeting_url,
    )
