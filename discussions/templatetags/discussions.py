"""The thread and the files of an item, for any page that shows a discussable item:
`{% load discussions %}{% discussion_attachments item %}{% discussion_thread item %}`. The page
has already checked that the person may see the item."""

from __future__ import annotations

from typing import Any

from django import template

from discussions.views import attachments_context, discussion_context

register = template.Library()


@register.inclusion_tag("discussions/_thread.html", takes_context=True)
def discussion_thread(context: template.Context, target: Any, seen: bool = False) -> dict[str, Any]:
    """The item's thread: the entries the person may read and, if they may post, the form.
    `seen=True` when the page read the item through the selector that decides who sees it: the
    item's visibility is then not checked again."""
    return {
        "discussion": discussion_context(user=context["request"].user, target=target, seen=seen)
    }


@register.inclusion_tag("discussions/_attachments.html", takes_context=True)
def discussion_attachments(
    context: template.Context, target: Any, seen: bool = False
) -> dict[str, Any]:
    """The files of the item itself and, if the person may add some, the upload form (`seen`
    as for discussion_thread)."""
    return {
        "attachments": attachments_context(user=context["request"].user, target=target, seen=seen)
    }
