"""Domain errors. Services raise them; one handler maps them to HTTP (common.api) and pages show
their message. Each has a stable code for API clients and a translatable message for people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.forms import BaseForm
    from django.utils.functional import _StrPromise


class ApplicationError(Exception):
    code = "error"
    http_status = 400
    default_message = _("The request could not be completed.")

    def __init__(
        self, message: str | _StrPromise | None = None, *, field: str | None = None
    ) -> None:
        self.message = message if message is not None else self.default_message
        self.field = field
        super().__init__(str(self.message))


class InvalidInput(ApplicationError):
    code = "invalid"
    default_message = _("The input is not valid.")


class NotAllowed(ApplicationError):
    code = "not_allowed"
    http_status = 403
    default_message = _("You are not allowed to do this.")


class NotFound(ApplicationError):
    """Raised alike for a missing and a forbidden object, so that ids cannot be probed."""

    code = "not_found"
    http_status = 404
    default_message = _("Not found.")


class Conflict(ApplicationError):
    code = "conflict"
    http_status = 409
    default_message = _("This conflicts with the current state.")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("This step is not possible in the current state.")


def add_form_error(form: BaseForm, error: ApplicationError) -> None:
    """Show a domain error on the form: on its field if the form has one, else on the form."""
    form.add_error(error.field if error.field in form.fields else None, str(error.message))
