"""Requirements are findable (projects.search): internal ones only on the provider side."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.search import Side, register_searchable


def _requirement_url(requirement: Any, side: Side) -> str:
    name = "portal:requirement" if side == "portal" else "stakeholders:requirement"
    return reverse(
        name, kwargs={"project_id": requirement.project_id, "requirement_id": requirement.pk}
    )


def register() -> None:
    from stakeholders.selectors import requirement_search_scope_for

    register_searchable(
        "requirement",
        _("Requirements"),
        requirement_search_scope_for,
        (("title", "A"), ("description", "B"), ("acceptance_notes", "C")),
        _requirement_url,
    )
