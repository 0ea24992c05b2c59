"""An unbound form rendered by crispy once per process for what it shows.

A page's blank forms (add a risk, add a task, log an interaction) and its edit forms filled from
their rows render the same HTML at every request until what they show changes, and crispy's
templates were a fifth to a half of those pages. `crispy_kept(form)` renders `form` as the
`crispy` filter does and keeps the HTML under a key made of everything the HTML is made of:

- the form's class, prefix, ids and label suffix, the language and the time zone;
- per field, in order: its class, label, help text, whether it is required or disabled, its
  widget's class and attributes, its initial value (and the value its widget shows for it) and
  its choices.

`crispy_field_kept(bound_field)` does the same for one field (`{{ field|as_crispy_field }}`), under
its form's part of that key and its own.

A bound form (its values and errors are the person's), a form with a crispy helper, a formset, a
field whose choices are read from the database when they are iterated (a `ModelChoiceField` left
to its queryset: reading them for a key would cost the query the rendering makes; one given its
choices as a list, read once by the view, is kept like any other), a field of more than
`CHOICES_AT_MOST` options (a project's ten thousand tasks as a parent: each such form would keep
its whole list twice, in its key and its HTML) or a value that cannot be part of a key is
rendered as it is, every time. The kept HTML is per process, the most recent `KEPT` of them: a
few megabytes at most.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
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
    initial = form.get_initial_for_field(field, name)
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
        _frozen(initial),
        _frozen(field.prepare_value(initial)),  # what the widget shows of it
        None if choices is None else _frozen(_few(choices)),
    )


def _few(choices: Any) -> list[Any]:
    """The choices, if there are no more than CHOICES_AT_MOST options (in their groups)."""
    listed = list(choices)
    options = sum(len(item) if isinstance(item, (list, tuple)) else 1 for _, item in listed)
    if options > CHOICES_AT_MOST:
        raise _NoKey
    return listed


def _form_part(form: forms.BaseForm, template_pack: str) -> tuple[Any, ...]:
    """What every field's HTML takes from its form (its ids, names and classes)."""
    if getattr(form, "helper", None) is not None:
        raise _NoKey  # a crispy helper lays the form out: its attributes are not keyed here
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
    )


def form_key(form: forms.BaseForm, template_pack: str) -> tuple[Any, ...] | None:
    """What `form`'s HTML is made of, or None if it is not to be kept."""
    if not isinstance(form, forms.BaseForm) or isinstance(form, BaseFormSet) or form.is_bound:
        return None
    try:
        return (
            *_form_part(form, template_pack),
            tuple(_field_key(form, name, field) for name, field in form.fields.items()),
        )
    except _NoKey:
        return None


def field_key(bound: Any, template_pack: str) -> tuple[Any, ...] | None:
    """What the HTML of one field of an unbound form is made of, or None if it is not to be
    kept."""
    if not isinstance(bound, forms.BoundField) or bound.form.is_bound:
        return None
    try:
        return (
            "field",
            *_form_part(bound.form, template_pack),
            _field_key(bound.form, bound.name, bound.field),
        )
    except _NoKey:
        return None


def crispy_kept(form: Any, template_pack: str = TEMPLATE_PACK) -> SafeString:
    """`{{ form|crispy }}`, kept for the next request that shows the same form."""
    key = form_key(form, template_pack)
    if key is None:
        return as_crispy_form(form, template_pack)
    return _kept_or(key, lambda: as_crispy_form(form, template_pack))


def crispy_field_kept(bound: Any, template_pack: str = TEMPLATE_PACK) -> SafeString:
    """`{{ field|as_crispy_field }}`, kept for the next request that shows the same field."""
    key = field_key(bound, template_pack)
    if key is None:
        return SafeString(as_crispy_field(bound, template_pack))
    return _kept_or(key, lambda: SafeString(as_crispy_field(bound, template_pack)))


def _kept_or(key: tuple[Any, ...], render: Callable[[], SafeString]) -> SafeString:
    with _lock:
        html = _kept.get(key)
        if html is not None:
            _kept.move_to_end(key)
            return html
    html = render()
    with _lock:
        _kept[key] = html
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return html


def forget_kept_forms() -> None:
    """Drop every kept form (the tests' clean slate)."""
    with _lock:
        _kept.clear()
