"""Pages that post a form to a service: the form's checks, then the service's, with a domain
error shown where the person sees it (on the form, or as a message on the next page).

A missing or forbidden object (NotFound, NotAllowed) is not shown: it propagates, and the
middleware answers 404 or 403.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest

from common.errors import ApplicationError, NotAllowed, NotFound, add_form_error
from common.revisions import EditConflict, RevisionFormMixin

T = TypeVar("T")


@dataclass(frozen=True)
class Done(Generic[T]):
    """A service call that succeeded, with what it returned."""

    value: T


def _shown(error: ApplicationError) -> bool:
    return not isinstance(error, NotFound | NotAllowed)


def run_form(form: BaseForm, call: Callable[[dict[str, Any]], T]) -> Done[T] | None:
    """Validate `form`, then call the service with its cleaned data. Returns `Done` with the
    service's result, or None when the form is invalid or the service refused (its error is
    then on the form, on the field it names; a stale edit of a `RevisionFormMixin` form lists
    what changed since it was opened)."""
    if not form.is_valid():
        return None
    try:
        value = call(form.cleaned_data)
    except ApplicationError as error:
        if not _shown(error):
            raise
        if isinstance(error, EditConflict) and isinstance(form, RevisionFormMixin):
            form.show_conflict(error)
        else:
            add_form_error(form, error)
        return None
    return Done(value)


def run_action(request: HttpRequest, call: Callable[[], T], *, success: str = "") -> Done[T] | None:
    """Call a service that needs no form (a button): on success queue `success` as a message
    and return `Done`; when the service refuses, queue its error as a message and return None."""
    try:
        value = call()
    except ApplicationError as error:
        if not _shown(error):
            raise
        messages.error(request, str(error.message))
        return None
    if success:
        messages.success(request, success)
    return Done(value)
