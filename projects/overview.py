"""Panels that higher apps add to the staff project overview, without projects importing them.

An app registers a panel once, in its AppConfig.ready():

    register_overview_panel("lessons", "lessons/_relevant_lessons.html", relevant_lessons_panel)

`context_func(user=, project=)` returns the panel's context (shown to the template as `panel`),
or None to leave the panel out for this reader. It must read a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project

PanelContext = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class OverviewPanel:
    name: str
    template: str
    context_func: PanelContext


@dataclass(frozen=True)
class RenderedPanel:
    name: str
    template: str
    context: dict[str, Any]


_PANELS: dict[str, OverviewPanel] = {}


def register_overview_panel(name: str, template: str, context_func: PanelContext) -> None:
    _PANELS[name] = OverviewPanel(name=name, template=template, context_func=context_func)


def overview_panels_for(*, user: User, project: Project) -> list[RenderedPanel]:
    """The registered panels for this reader, in registration order."""
    panels = []
    for panel in _PANELS.values():
        context = panel.context_func(user=user, project=project)
        if context is not None:
            panels.append(RenderedPanel(name=panel.name, template=panel.template, context=context))
    return panels
