"""The registry of item types that carry a discussion thread.

Any app joins with `register_discussable(Model, get_project=..., can_view=..., url_for=...)` in
its AppConfig.ready(); the threads, their pages, API and notifications then work for it. The key
of a type in URLs is its model label (`projects.deliverable`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import QuerySet

from common.errors import NotFound

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project


@dataclass(frozen=True)
class Discussable:
    model: type[models.Model]
    get_project: Callable[[Any], Project]
    can_view: Callable[[User, Any], bool]
    url_for: Callable[[User, Any], str]
    get_owners: Callable[[Any], Iterable[User]]
    search_scope: Callable[..., QuerySet[Any]] | None = None

    @property
    def key(self) -> str:
        return self.model._meta.label_lower


_REGISTRY: dict[str, Discussable] = {}


def register_discussable(
    model: type[models.Model],
    get_project: Callable[[Any], Project],
    can_view: Callable[[User, Any], bool],
    url_for: Callable[[User, Any], str],
    get_owners: Callable[[Any], Iterable[User]] = lambda obj: (),
    search_scope: Callable[..., QuerySet[Any]] | None = None,
) -> Discussable:
    """Let items of `model` carry a thread. `can_view(user, obj)` decides who reads its replies
    (internal notes additionally need the provider side); `url_for(user, obj)` is the page of
    the item for that person (staff or portal); `get_owners(obj)` the people told of every new
    entry (the owner, the PM); `search_scope(user=, include_archived=)` the items a person may
    see across projects (the item kind's search selector), so that its threads join the search."""
    entry = Discussable(
        model=model,
        get_project=get_project,
        can_view=can_view,
        url_for=url_for,
        get_owners=get_owners,
        search_scope=search_scope,
    )
    _REGISTRY[entry.key] = entry
    return entry


def discussables() -> list[Discussable]:
    return list(_REGISTRY.values())


def discussable_of(obj: models.Model) -> Discussable:
    entry = _REGISTRY.get(obj._meta.label_lower)
    if entry is None:
        raise LookupError(f"{obj._meta.label} is not registered as discussable")
    return entry


def discussable_get(*, user: User, key: str, object_id: int) -> tuple[Discussable, Any]:
    """The registered item `key`/`object_id` if `user` may see it; NotFound otherwise (the same
    for a missing, an unknown and a forbidden item)."""
    entry = _REGISTRY.get(key)
    if entry is None:
        raise NotFound()
    obj = entry.model._default_manager.filter(pk=object_id).first()
    if obj is None or not entry.can_view(user, obj):
        raise NotFound()
    return entry, obj


def register_deliverables() -> None:
    """Deliverables carry a thread; the projects app sits below this one, so it is registered
    here (DiscussionsConfig.ready())."""
    from django.urls import reverse

    from projects.models import Deliverable, Membership, Role
    from projects.selectors.core import deliverable_list_for
    from projects.selectors.search import deliverable_search_scope_for

    def can_view(user: User, deliverable: Deliverable) -> bool:
        return (
            deliverable_list_for(user=user, project=deliverable.project)
            .filter(pk=deliverable.pk)
            .exists()
        )

    def url_for(user: User, deliverable: Deliverable) -> str:
        name = "portal:deliverable" if user.is_client_user else "projects:deliverable"
        return reverse(
            name,
            kwargs={"project_id": deliverable.project_id, "deliverable_id": deliverable.pk},
        )

    def owners(deliverable: Deliverable) -> list[User]:
        people = [
            m.user
            for m in Membership.objects.filter(
                project_id=deliverable.project_id, role=Role.PM
            ).select_related("user")
        ]
        if deliverable.owner is not None:
            people.append(deliverable.owner)
        return people

    register_discussable(
        Deliverable,
        get_project=lambda deliverable: deliverable.project,
        can_view=can_view,
        url_for=url_for,
        get_owners=owners,
        search_scope=deliverable_search_scope_for,
    )
