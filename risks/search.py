"""Risks are findable (projects.search): internal ones only on the provider side. The fields
are those of the GIN index of migration risks/0002_search_index: keep them equal."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.search import Side, register_searchable

FIELDS = (("title", "A"), ("description", "B"), ("trigger", "C"))


def _risk_url(risk: Any, side: Side) -> str:
    name = "risks:portal_risk" if side == "portal" else "risks:risk"
    return reverse(name, kwargs={"project_id": risk.project_id, "risk_id": risk.pk})


def register() -> None:
    from risks.selectors.register import risk_search_scope_for

    register_searchable("risk", _("Risks"), risk_search_scope_for, FIELDS, _risk_url)
