"""The stakeholders app's items that carry a discussion thread (discussions.registry):
requirements and change requests, registered from StakeholdersConfig.ready()."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discussions.registry import register_discussable

if TYPE_CHECKING:
    from accounts.models import User


def register_requirements() -> None:
    from django.urls import reverse

    from projects.services.notify import project_pms
    from stakeholders.models import Requirement
    from stakeholders.selectors.requirements import (
        requirement_list_for,
        requirement_search_scope_for,
    )

    def can_view(user: User, requirement: Requirement) -> bool:
        return (
            requirement_list_for(user=user, project=requirement.project)
            .filter(pk=requirement.pk)
            .exists()
        )

    def url_for(user: User, requirement: Requirement) -> str:
        name = "portal:requirement" if user.is_client_user else "stakeholders:requirement"
        return reverse(
            name, kwargs={"project_id": requirement.project_id, "requirement_id": requirement.pk}
        )

    def owners(requirement: Requirement) -> list[User]:
        people = project_pms(requirement.project_id)
        if requirement.created_by is not None:
            people.append(requirement.created_by)
        return people

    register_discussable(
        Requirement,
        get_project=lambda requirement: requirement.project,
        can_view=can_view,
        url_for=url_for,
        get_owners=owners,
        search_scope=requirement_search_scope_for,
    )


def register_change_requests() -> None:
    from django.urls import reverse

    from projects.services.notify import project_pms
    from stakeholders.models import ChangeRequest
    from stakeholders.selectors.changes import (
        change_request_list_for,
        change_request_search_scope_for,
    )

    def can_view(user: User, change_request: ChangeRequest) -> bool:
        return (
            change_request_list_for(user=user, project=change_request.project)
            .filter(pk=change_request.pk)
            .exists()
        )

    def url_for(user: User, change_request: ChangeRequest) -> str:
        name = "portal:change_request" if user.is_client_user else "stakeholders:change_request"
        return reverse(
            name, kwargs={"project_id": change_request.project_id, "cr_id": change_request.pk}
        )

    def owners(change_request: ChangeRequest) -> list[User]:
        return [*project_pms(change_request.project_id), change_request.requested_by]

    register_discussable(
        ChangeRequest,
        get_project=lambda change_request: change_request.project,
        can_view=can_view,
        url_for=url_for,
        get_owners=owners,
        search_scope=change_request_search_scope_for,
    )
