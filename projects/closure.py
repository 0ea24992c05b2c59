"""A closed project is read-only (placeholder API; the guard registry is added separately)."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from common.errors import Conflict

_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("closed_writes", default=False)


class ProjectClosed(Conflict):
    code = "project_closed"
    default_message = _("This project is closed and read-only. A staff admin can reopen it.")


def ensure_project_open(project_id: int) -> None:
    from projects.models import Phase, Project

    if _allowed.get():
        return
    if Project.objects.filter(pk=project_id, phase=Phase.CLOSED).exists():
        raise ProjectClosed()


@contextlib.contextmanager
def closed_project_writes_allowed() -> Iterator[None]:
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)
