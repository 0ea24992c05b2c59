"""Closed projects are read-only.

Once a project's phase is `Phase.CLOSED`, nothing that belongs to it changes: no row of a
guarded model is created, edited or deleted, whichever way the write comes (page, API, service,
Celery task, admin). The refusal is `ProjectClosed`, a 409 with the code ``project_closed``.

How:

- Each app registers its own project-scoped models with `register_closed_guard` in its
  `AppConfig.ready()`. A guarded model gets `pre_save` and `pre_delete` receivers that look up,
  in one small query, whether the row's project is closed in the database, and raise
  `ProjectClosed` if so. The project is found from the row directly (``project``) or through a
  parent (``deliverable__project``), or by a callable.
- `QuerySet.update()` and `bulk_create()` send no signals: a service that writes project rows in
  bulk calls `ensure_project_open(project_id)` first. Services may call it first anyway, for a
  clear and early refusal.
- `closed_project_writes_allowed()` lets writes through for the block it wraps (and only in the
  current thread / task): the closeout services that change the phase of a closed project
  itself (final acceptance, reopening by a staff admin) use it.

What stays writable after closure is decided by what is *not* registered (surveys and their
answers, report deliveries, notifications, history, removing a membership); see
docs/architecture.md.
"""

from __future__ import annotations

import contextvars
import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import models
from django.db.models.signals import pre_delete, pre_save
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from common.errors import Conflict
from projects.models import Membership, Phase, Project

ProjectIdOf = Callable[[Any], int | None]
V = TypeVar("V", bound=Callable[..., Any])

logger = logging.getLogger(__name__)

_writes_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "closed_project_writes_allowed", default=False
)

# Guarded models and how each finds its project.
_guards: dict[type[models.Model], _Guard] = {}


class ProjectClosed(Conflict):
    code = "project_closed"
    default_message = _("This project is closed and read-only. A staff admin can reopen it.")


@contextmanager
def closed_project_writes_allowed() -> Iterator[None]:
    """Let writes to closed projects through inside the block (closeout and reopening)."""
    token = _writes_allowed.set(True)
    try:
        yield
    finally:
        _writes_allowed.reset(token)


def writes_to_closed_projects_allowed() -> bool:
    return _writes_allowed.get()


def skips_closed_projects(task: V) -> V:
    """For a Celery task's function (under @shared_task): a task that meets a closed project
    is done, not failed: ProjectClosed is logged at info and the task returns None, so that
    it is neither retried nor reported as an error."""

    @functools.wraps(task)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return task(*args, **kwargs)
        except ProjectClosed:
            logger.info("%s skipped: the project is closed (read-only)", task.__name__)
            return None

    return run  # type: ignore[return-value]


def is_project_closed(project_id: int | None) -> bool:
    """Whether the project is closed in the database (one query)."""
    if project_id is None:
        return False
    return Project.objects.filter(pk=project_id, phase=Phase.CLOSED).exists()


def ensure_project_open(project_id: int | None) -> None:
    """Raise ProjectClosed if the project is closed (and writes are not explicitly allowed)."""
    if writes_to_closed_projects_allowed():
        return
    if is_project_closed(project_id):
        raise ProjectClosed()


class _Guard:
    """How a guarded model's row finds whether its project is closed, in one query."""

    def __init__(
        self,
        model: type[models.Model],
        project_id_of: str | ProjectIdOf,
        *,
        on_save: bool,
        on_delete: bool,
        on_create_only: bool,
    ) -> None:
        self.model = model
        self.on_save = on_save
        self.on_delete = on_delete
        self.on_create_only = on_create_only
        self.project_id_of: ProjectIdOf | None = None
        self.parent_attname = ""
        self.parent_model: type[models.Model] | None = None
        self.parent_lookup = ""
        if callable(project_id_of):
            self.project_id_of = project_id_of
            return
        first, _sep, rest = project_id_of.partition("__")
        field = model._meta.get_field(first)
        if not field.is_relation or field.related_model is None:
            raise ValueError(f"{model.__name__}.{first} is not a relation")
        self.parent_attname = field.attname  # type: ignore[union-attr]
        if rest:
            self.parent_model = field.related_model  # type: ignore[assignment]
            self.parent_lookup = f"{rest}__phase"

    def is_closed(self, instance: models.Model) -> bool:
        if self.project_id_of is not None:
            return is_project_closed(self.project_id_of(instance))
        parent_id = getattr(instance, self.parent_attname)
        if parent_id is None:
            return False
        if self.parent_model is None:
            return is_project_closed(parent_id)
        return self.parent_model._default_manager.filter(
            pk=parent_id, **{self.parent_lookup: Phase.CLOSED}
        ).exists()


def _project_itself(project: Project) -> int | None:
    # A new project cannot be closed yet; an existing one is checked as stored.
    return project.pk


def _refuse_save(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    guard = _guards.get(sender)
    if guard is None or not guard.on_save or writes_to_closed_projects_allowed():
        return
    if kwargs.get("raw"):  # fixtures load as they are
        return
    if guard.on_create_only and not instance._state.adding:
        return
    if guard.is_closed(instance):
        raise ProjectClosed()


def _refuse_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    guard = _guards.get(sender)
    if guard is None or not guard.on_delete or writes_to_closed_projects_allowed():
        return
    # A delete that cascades over many rows asks once per guarded model and origin.
    origin = kwargs.get("origin")
    cache: dict[tuple[type[models.Model], Any], bool] | None = None
    if origin is not None and origin is not instance:
        cache = origin.__dict__.setdefault("_closed_guard_cache", {})
    key = (sender, _cache_key(guard, instance))
    if cache is not None and key in cache:
        closed = cache[key]
    else:
        closed = guard.is_closed(instance)
        if cache is not None:
            cache[key] = closed
    if closed:
        raise ProjectClosed()


def _cache_key(guard: _Guard, instance: models.Model) -> Any:
    if guard.project_id_of is not None:
        return ("pk", instance.pk)
    return getattr(instance, guard.parent_attname)


def register_closed_guard(
    model: type[models.Model],
    project_id_of: str | ProjectIdOf = "project",
    *,
    on_save: bool = True,
    on_delete: bool = True,
    on_create_only: bool = False,
) -> None:
    """Refuse every save and delete of `model`'s rows whose project is closed.

    `project_id_of` is a relation path that ends at the project (``"project"``,
    ``"deliverable__project"``), or a callable returning the row's project id. `on_create_only`
    guards only new rows (a row that may still be edited after closure); `on_delete=False`
    keeps deletion possible (removing access)."""
    if model in _guards:
        return
    _guards[model] = _Guard(
        model,
        project_id_of,
        on_save=on_save,
        on_delete=on_delete,
        on_create_only=on_create_only,
    )
    uid = f"projects.closure.{model._meta.label}"
    pre_save.connect(_refuse_save, sender=model, dispatch_uid=f"{uid}.save", weak=False)
    pre_delete.connect(_refuse_delete, sender=model, dispatch_uid=f"{uid}.delete", weak=False)


def guarded_models() -> dict[type[models.Model], str | ProjectIdOf]:
    """The guarded models and how each finds its project (for tests and docs)."""
    return {
        model: guard.project_id_of
        or (
            guard.parent_attname.removesuffix("_id")
            + (f"__{guard.parent_lookup.removesuffix('__phase')}" if guard.parent_model else "")
        )
        for model, guard in _guards.items()
    }


def register() -> None:
    """The projects app's own models."""
    from projects import models as m

    register_closed_guard(Project, _project_itself)
    # Members may be removed after closure (access review), never added or changed.
    register_closed_guard(Membership, on_delete=False)
    for model in (
        m.Objective,
        m.Milestone,
        m.Deliverable,
        m.Task,
        m.Rate,
        m.TimeEntry,
        m.CostEntry,
        m.Document,
        m.PhaseGate,
        m.Baseline,
        m.BudgetChange,
    ):
        register_closed_guard(model)
    # No new invitation; a pending one may still be revoked (accepting it adds a member, which
    # the Membership guard refuses).
    register_closed_guard(m.Invitation, on_create_only=True)
    register_closed_guard(m.AcceptanceCriterion, "deliverable__project")
    register_closed_guard(m.QualityReview, "deliverable__project")
    register_closed_guard(m.AcceptanceRound, "deliverable__project")
    register_closed_guard(m.CriterionResult, "round__deliverable__project")
    register_closed_guard(m.TaskDependency, "successor__project")
    register_closed_guard(m.DocumentVersion, "document__project")
    register_closed_guard(m.BaselineEntry, "baseline__project")


# --- Pages and API: refuse a write to a closed project before the view runs ------------------

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_PROJECT_KWARGS = ("project_id", "project_pk")


def writable_when_closed(view: V) -> V:
    """Mark a page (or API view class) that stays writable on a closed project: removing a
    member (access review), reading records such as "view as client". The model guard still
    refuses any write to a guarded row it makes."""
    view.writable_when_closed = True  # type: ignore[attr-defined]
    return view


def _is_writable_when_closed(view_func: Callable[..., Any]) -> bool:
    if getattr(view_func, "writable_when_closed", False):
        return True
    view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
    return bool(getattr(view_class, "writable_when_closed", False))


class ClosedProjectMiddleware:
    """A write (POST, PUT, PATCH, DELETE) to a page or API operation of a closed project, found
    by its URL's project id, is answered 409 with the ProjectClosed message before the view
    runs, so that nothing is half-done and the person reads why. Writes that reach a guarded
    row another way are refused by the model guard (and shown by the error handlers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.method not in _WRITE_METHODS:
            return None
        project_id = next(
            (view_kwargs[name] for name in _PROJECT_KWARGS if name in view_kwargs), None
        )
        if project_id is None or _is_writable_when_closed(view_func):
            return None
        view_class = getattr(view_func, "view_class", None)
        if view_class is not None and not hasattr(view_class, (request.method or "").lower()):
            return None  # the view answers 405
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or writes_to_closed_projects_allowed():
            # Signed out (or signed in by an API token, which DRF reads later): the view answers
            # (login, 401, 404), and the model guard still refuses the write.
            return None
        # Only someone who may open the project learns that it is closed.
        is_closed = (
            Project.objects.visible_to(user).filter(pk=project_id, phase=Phase.CLOSED).exists()
        )
        if is_closed:
            return closed_response(request, ProjectClosed())
        return None


def closed_response(request: HttpRequest, error: Conflict) -> HttpResponse:
    """The 409 answer to a refused write: JSON under /api/, the message on a page otherwise."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"code": error.code, "detail": str(error.message)}, status=error.http_status
        )
    if request.headers.get("hx-request"):
        return HttpResponse(str(error.message), status=error.http_status)
    back_url = request.headers.get("referer", "")
    if not url_has_allowed_host_and_scheme(
        back_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back_url = "/"
    content = render_to_string(
        "conflict.html", {"message": error.message, "back_url": back_url}, request=request
    )
    return HttpResponse(content, status=error.http_status)
