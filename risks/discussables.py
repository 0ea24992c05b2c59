"""Risks carry a discussion thread (discussions.registry): replies for whoever may see the
risk, internal notes for the provider side; an internal risk's thread only for the provider side
(can_view_risk says so)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from discussions.registry import register_discussable

if TYPE_CHECKING:
    from accounts.models import User
    from risks.models import Risk


def register() -> None:
    from projects.services.notify import project_pms
    from risks.models import Risk
    from risks.permissions import can_view_risk
    from risks.selectors.register import risk_search_scope_for

    def url_for(user: User, risk: Risk) -> str:
        name = "risks:portal_risk" if user.is_client_user else "risks:risk"
        return reverse(name, kwargs={"project_id": risk.project_id, "risk_id": risk.pk})

    def owners(risk: Risk) -> list[User]:
        people = project_pms(risk.project_id)
        if risk.owner is not None:
            people.append(risk.owner)
        return people

    register_discussable(
        Risk,
        get_project=lambda risk: risk.project,
        can_view=can_view_risk,
        url_for=url_for,
        get_owners=owners,
        search_scope=risk_search_scope_for,
    )
