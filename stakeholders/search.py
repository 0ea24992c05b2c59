"""Change requests, requirements and meetings are findable (projects.search). A client's scope
holds only what they may see: client-visible change requests and requirements, client-visible
meetings whose minutes are client-visible (so internal meetings and minutes never produce a hit).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.search import Side, register_searchable


def _change_request_url(cr: Any, side: Side) -> str:
    name = "portal:change_request" if side == "portal" else "stakeholders:change_request"
    return reverse(name, kwargs={"project_id": cr.project_id, "cr_id": cr.pk})


def _requirement_url(requirement: Any, side: Side) -> str:
    name = "portal:requirement" if side == "portal" else "stakeholders:requirement"
    return reverse(
        name, kwargs={"project_id": requirement.project_id, "requirement_id": requirement.pk}
    )


def _meeting_url(meeting: Any, side: Side) -> str:
    name = "stakeholders:portal_meeting" if side == "portal" else "stakeholders:meeting"
    return reverse(name, args=(meeting.project_id, meeting.pk))


def register() -> None:
    from stakeholders.selectors.changes import change_request_search_scope_for
    from stakeholders.selectors.meetings import meeting_search_scope_for
    from stakeholders.selectors.requirements import requirement_search_scope_for

    # The internal note is never a search field: a client could find a request by its words.
    register_searchable(
        "change_request",
        _("Change requests"),
        change_request_search_scope_for,
        (("title", "A"), ("description", "B"), ("reason", "C"), ("scope_impact", "C")),
        _change_request_url,
    )
    register_searchable(
        "requirement",
        _("Requirements"),
        requirement_search_scope_for,
        (("title", "A"), ("description", "B"), ("acceptance_notes", "C")),
        _requirement_url,
    )
    register_searchable(
        "meeting",
        _("Meetings"),
        meeting_search_scope_for,
        (("title", "A"), ("agenda", "B"), ("minutes", "C")),
        _meeting_url,
    )
