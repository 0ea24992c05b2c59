"""Revisions: a stale save is refused instead of silently undoing someone else's.

A record people edit (`Revisioned`) has a `revision` number that every save of the row raises
by one. An edit form carries the revision it was opened at in a hidden field
(`RevisionFormMixin`) and the API hands it out as the `ETag` and reads it back from `If-Match`
(`common.api_revisions`). The edit service locks the row (`SELECT ... FOR UPDATE`) and calls
`check_revision` before it changes anything, so of two people who saved the same revision at the
same moment exactly one wins: the other waits for the lock, then finds a newer revision and gets
`EditConflict` (409 in the API; in a page, the form again with what changed since it was opened).
A save without a revision (an API call without If-Match) is not compared.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from django import forms
from django.db import models
from django.http import QueryDict
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.errors import Conflict


class Revisioned(models.Model):
    """A record edited by several people: `revision` counts the saves of the row.

    The count is raised in `save()` from the value read with the row; the edit services read it
    under the row lock, so the number is exact for every save that compares it. Writes that skip
    `save()` (`QuerySet.update`) do not count."""

    revision = models.PositiveIntegerField(
        gettext_lazy("revision"), default=1, db_default=1, editable=False
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            self.revision = (self.revision or 0) + 1
            update_fields = kwargs.get("update_fields")
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "revision"}
        super().save(*args, **kwargs)


M = TypeVar("M", bound=Revisioned)


class EditConflict(Conflict):
    """Someone else saved the record after the revision the caller read. `current` is the
    record as saved now (read under the lock)."""

    code = "edit_conflict"
    default_message = gettext_lazy(
        "Someone else saved this since you opened it, so nothing was saved. Review the "
        "current values below and save again to keep yours."
    )

    def __init__(self, current: Revisioned, message: str | None = None) -> None:
        super().__init__(message)
        self.current = current


def check_revision(locked: Revisioned, revision: int | None) -> None:
    """Refuse a save based on an older revision. `locked` must have been read with
    `select_for_update()` in the caller's transaction; None (no revision given) passes."""
    if revision is not None and locked.revision != revision:
        raise EditConflict(locked)


def lock_and_check(instance: M, revision: int | None) -> M:
    """Read `instance` again locked (`SELECT ... FOR UPDATE`) and `check_revision` it; the
    caller holds a transaction and changes the returned copy."""
    locked = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
    check_revision(locked, revision)
    return locked


_MISSING = object()


if TYPE_CHECKING:
    _FormBase = forms.Form
else:
    _FormBase = object


class RevisionFormMixin(_FormBase):
    """An edit form that carries the revision it was opened at (a hidden `revision` field,
    handed to the service with the other cleaned data). When the service answers
    `EditConflict`, `common.pages.run_form` calls `show_conflict`: the form is shown again with
    the person's values, a message listing each field whose saved value now differs from theirs,
    and the new revision, so that saving again deliberately keeps their values."""

    # form field -> attribute of the record, where the names differ.
    revision_attributes: ClassVar[Mapping[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["revision"] = forms.IntegerField(
            label=gettext_lazy("revision"), widget=forms.HiddenInput, required=False, min_value=0
        )

    def current_value(self, name: str, current: Revisioned) -> Any:
        """The saved value of form field `name` on `current`, or _MISSING if the record has
        none to compare."""
        value = getattr(current, self.revision_attributes.get(name, name), _MISSING)
        if isinstance(value, models.Manager):
            return list(value.all())
        return value

    def show_conflict(self, error: EditConflict) -> None:
        lines = [str(error.message)]
        for name, field in self.fields.items():
            if name == "revision" or field.disabled or name not in self.cleaned_data:
                continue
            saved = self.current_value(name, error.current)
            if saved is _MISSING:
                continue
            theirs = _display(field, self.cleaned_data[name])
            now = _display(field, saved)
            if theirs != now:
                lines.append(
                    _("%(field)s: yours “%(yours)s”, saved now “%(saved)s”")
                    % {"field": field.label or name, "yours": theirs, "saved": now}
                )
        self.add_error(None, lines)
        name, value = self.add_prefix("revision"), str(error.current.revision)
        if isinstance(self.data, QueryDict):
            data = self.data.copy()
            data[name] = value
            self.data = data
        else:
            self.data = {**self.data, name: value}


def _display(field: forms.Field, value: Any) -> str:
    """A value as the person reads it, the same for the form's and the record's."""
    if value is None or value == "":
        return "—"
    display = getattr(field, "display", None)
    if callable(display):
        return str(display(value))  # a field that knows how its values read (a task's number)
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ", ".join(sorted(_display(field, item) for item in value)) or "—"
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    choices = getattr(field, "choices", None)
    if choices is not None and not isinstance(field, forms.ModelChoiceField):
        labels = {str(key): label for key, label in choices if not isinstance(label, list | tuple)}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time | Decimal | float):
        return str(formats.localize(value))
    return str(value).replace("\r\n", "\n").strip()
