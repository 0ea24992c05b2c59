"""Discussion entries are findable (projects.search). A person finds an entry only on an item
they may see (each discussable kind's own search scope decides) and an internal note only on
the projects where they see internal items; the hit is named after the item."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.search import Side, register_searchable

if TYPE_CHECKING:
    from accounts.models import User
    from discussions.models import Entry


def entry_search_scope_for(*, user: User, include_archived: bool = False) -> QuerySet[Entry]:
    from discussions.models import Entry
    from discussions.registry import discussables
    from projects.selectors.core import internal_project_ids_for

    kinds = [d for d in discussables() if d.search_scope is not None]
    # Content type ids come from Django's per-process cache (one query when it is cold).
    types = ContentType.objects.get_for_models(*(d.model for d in kinds))
    visible = Q(pk__in=[])
    for discussable in kinds:
        scope = discussable.search_scope
        items = scope(user=user, include_archived=include_archived)  # type: ignore[misc]
        visible |= Q(
            thread__content_type=types[discussable.model],
            thread__object_id__in=items.values("pk"),
        )
    entries = Entry.objects.filter(visible)
    internal = internal_project_ids_for(user=user)
    if internal is not None:
        entries = entries.filter(Q(kind=Entry.Kind.REPLY) | Q(thread__project_id__in=internal))
    return entries.select_related("thread__project", "author").prefetch_related("thread__target")


def _item_name(target: Any) -> str:
    reference = getattr(target, "reference", "")
    name = getattr(target, "title", "") or getattr(target, "name", "")
    return f"{reference} {name}".strip()


def _entry_title(entry: Entry) -> str:
    return gettext("Discussion of %(item)s") % {"item": _item_name(entry.thread.target)}


def _entry_url(entry: Entry, side: Side) -> str:
    from discussions.registry import discussable_of

    target = entry.thread.target
    person = SimpleNamespace(is_client_user=side == "portal")
    return discussable_of(target).url_for(person, target) + f"#entry-{entry.pk}"  # type: ignore[arg-type]


def register() -> None:
    register_searchable(
        "discussion",
        _("Discussions"),
        entry_search_scope_for,
        (("body", "A"),),
        _entry_url,
        title_for=_entry_title,
    )
