"""An unbound form rendered by crispy once per process for what it shows.

A page's blank forms (add a risk, add a task, log an interaction) and its edit forms filled from
their rows render the same HTML at every request until what they show changes, and crispy's
templates were a fifth to a half of those pages. `crispy_kept(form)` renders `form` as the
`crispy` filter does and keeps the HTML under a key made of everything the HTML is made of:

- the form's class, prefix, ids and label suffix, the language and the time zone;
- per field, in order: its class, label, help text, whether it is required or disabled, its
  widget's class and attributes, its initial value and its choices.

A bound form (its values and errors are the person's), a formset, a field whose choices are read
from the database when they are iterated (a `ModelChoiceField` left to its queryset: reading them
for a key would cost the query the rendering makes; one given its choices as a list, read once by
the view, is kept like any other), a field of more than `CHOICES_AT_MOST` options (a project's ten
thousand tasks as a parent: each such form would keep its whole list twice, in its key and its
HTML) or a value that cannot be part of a key is rendered as it is, every time. The kept HTML is
per process, the most recent `KEPT` of them: a few megabytes at most.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from decimal import Decimal
from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.forms.formsets import BaseFormSet
from django.utils import timezone
from django.utils.choices import CallableChoiceIterator
from django.utils.functional import Promise
from django.utils.safestring import SafeString
from django.utils.translation import get_language

KEPT = 256
CHOICES_AT_MOST = 200

_kept: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()
_lock = threading.Lock()


class _NoKey(Exception):
    """A value that a key cannot hold: the form is rendered, not kept."""


_PLAIN = (str, int, float, bool, Decimal, dt.date, dt.datetime, dt.time, dt.timedelta)


def _frozen(value: Any) -> Any:
    if value is None or isinstance(value, _PLAIN):
        return (type(value).__name__, value)
    if isinstance(value, Promise):
        return ("text", str(value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(key), _frozen(item)) for key, item in value.items())))
    if isinstance(value, (list, tuple)):
        return ("list", tuple(_frozen(item) for item in value))
    raise _NoKey


def _field_key(form: forms.BaseForm, name: str, field: forms.Field) -> tuple[Any, ...]:
    if isinstance(field, forms.ModelChoiceField) and not isinstance(
        vars(field).get("_choices"), list
    ):
        raise _NoKey  # its queryset is iterated when it is rendered
    widget = field.widget
    choices = getattr(field, "choices", None)
    if isinstance(choices, CallableChoiceIterator):
        raise _NoKey  # its function may read the database at every iteration
    widget_state = {
        key: value for key, value in vars(widget).items() if key not in ("choices", "_choices")
    }
    return (
        name,
        type(field).__qualname__,
        type(widget).__module__,
        type(widget).__qualname__,
        _frozen(widget_state),
        _frozen(field.label),
        _frozen(field.help_text),
        field.required,
        field.disabled,
        field.show_hidden_initial,
        field.localize,
        _frozen(form.get_initial_for_field(field, name)),
        None if choices is None else _frozen(_few(choices)),
    )


def _few(choices: Any) -> list[Any]:
    """The choices, if there are no more than CHOICES_AT_MOST options (in their groups)."""
    listed = list(choices)
    options = sum(len(item) if isinstance(item, (list, tuple)) else 1 for _, item in listed)
    if options > CHOICES_AT_MOST:
        raise _NoKey
    return listed


def form_key(form: forms.BaseForm, template_pack: str) -> tuple[Any, ...] | None:
    """What `form`'s HTML is made of, or None if it is not to be kept."""
    if not isinstance(form, forms.BaseForm) or isinstance(form, BaseFormSet) or form.is_bound:
        return None
    try:
        return (
            type(form).__module__,
            type(form).__qualname__,
            template_pack,
            get_language(),
            timezone.get_current_timezone_name(),
            form.prefix,
            form.auto_id,
            form.label_suffix,
            form.use_required_attribute,
            type(form.renderer).__qualname__ if form.renderer is not None else None,
            getattr(form, "error_css_class", None),
            getattr(form, "required_css_class", None),
            tuple(_field_key(form, name, field) for name, field in form.fields.items()),
        )
    except _NoKey:
        return None


def crispy_kept(form: Any, template_pack: str = TEMPLATE_PACK) -> SafeString:
    """`{{ form|crispy }}`, kept for the next request that shows the same form."""
    key = form_key(form, template_pack)
    if key is None:
        return as_crispy_form(form, template_pack)
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
            return html
    html = as_crispy_form(form, template_pack)
    with _lock:
        _kept[key] = html
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return html


def forget_kept_forms() -> None:
    """Drop every kept form (the tests' clean slate)."""
    with _lock:
        _kept.clear()
