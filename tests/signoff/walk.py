"""The machinery of the sign-off walk (test_walk.py): try to change a signed-off record through
every write path that exists, and say what happened to what the signature covers.

The paths are found, not listed: the public functions of the record's service modules that take
it, the API operations on it (from the OpenAPI schema), every POST form of its pages (staff and
portal) and the admin's change and delete forms if the model is registered. Each attempt runs in
a savepoint rolled back afterwards, so each starts from the signed-off record.
"""

from __future__ import annotations

import importlib
import inspect
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from common.errors import ApplicationError

CHANGED_TEXT = "Changed after the sign-off"
MAX_CHOICES = 6


# --- What the signature covers ------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal | datetime | date):
        return str(value)
    return value


def fields_of(record: models.Model, *, leave_out: Iterable[str] = ()) -> dict[str, Any]:
    """Every field of the record, read back from the database (many-to-many as sorted ids)."""
    record = type(record)._default_manager.get(pk=record.pk)
    values: dict[str, Any] = {}
    for model_field in record._meta.concrete_fields:
        if model_field.name not in leave_out:
            values[model_field.name] = _plain(getattr(record, model_field.attname))
    for model_field in record._meta.many_to_many:
        if model_field.name not in leave_out:
            values[model_field.name] = sorted(
                getattr(record, model_field.name).values_list("pk", flat=True)
            )
    return values


def editable_fields(model: type[models.Model]) -> list[str]:
    """The fields a write path could set: concrete and many-to-many, not the primary key."""
    names = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    return names + [f.name for f in model._meta.many_to_many]


# --- Forms in pages -----------------------------------------------------------------------------


@dataclass
class Control:
    name: str
    kind: str  # input type, "select", "select-multiple" or "textarea"
    value: str = ""
    options: list[str] = field(default_factory=list)
    checked: bool = False
    selected: list[str] = field(default_factory=list)


@dataclass
class PageForm:
    action: str
    controls: list[Control] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)
    has_files: bool = False


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: Control | None = None
        self._text_option = False
        self._textarea: Control | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = PageForm(action=a.get("action", ""))
            self.forms.append(self._form)
            self._form.has_files = "multipart" in a.get("enctype", "")
            return
        form = self._form
        if form is None:
            return
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image"}:
                form.buttons.append((a["name"], a.get("value", "")))
            elif kind != "reset":
                checked = "checked" in a
                default = "on" if kind in {"checkbox", "radio"} else ""
                form.controls.append(Control(a["name"], kind, a.get("value", default), [], checked))
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            kind = "select-multiple" if "multiple" in a else "select"
            self._select = Control(a["name"], kind)
            form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            # An option without a value attribute submits its text (see handle_data).
            self._text_option = "value" not in a
            self._select.options.append(a.get("value", ""))
            if "selected" in a:
                self._select.selected.append(a.get("value", ""))
        elif tag == "textarea" and a.get("name"):
            self._textarea = Control(a["name"], "textarea")
            form.controls.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
        if self._select is not None and self._text_option and data.strip():
            text = data.strip()
            if self._select.selected and self._select.selected[-1] == self._select.options[-1]:
                self._select.selected[-1] = text
            self._select.options[-1] = text
            self._text_option = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._text_option = False
        elif tag == "textarea":
            self._textarea = None


def post_forms(html: str) -> list[PageForm]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def _defaults(form: PageForm) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for control in form.controls:
        if control.kind in {"checkbox", "radio"}:
            if control.checked:
                data.setdefault(control.name, []).append(control.value)
        elif control.kind == "select":
            chosen = control.selected[:1] or control.options[:1]
            data.setdefault(control.name, []).extend(chosen)
        elif control.kind == "select-multiple":
            data.setdefault(control.name, []).extend(control.selected)
        elif control.kind != "file":
            data.setdefault(control.name, []).append(control.value)
    return data


def _changed_values(control: Control, form: PageForm) -> list[list[str] | None]:
    """Other values a person (or a tampering client) could send for the control."""
    if control.kind == "select":
        current = control.selected[:1] or control.options[:1]
        return [[option] for option in control.options if [option] != current][:MAX_CHOICES]
    if control.kind == "select-multiple":
        others = [o for o in control.options if o not in control.selected and o]
        return [[*control.selected, o] for o in others[:MAX_CHOICES]] + (
            [[]] if control.selected else []
        )
    if control.kind == "checkbox":
        group = [c for c in form.controls if c.name == control.name]
        if len(group) > 1:  # one box of a multiple choice: toggle it
            current = [c.value for c in group if c.checked]
            if control.checked:
                return [[v for v in current if v != control.value]]
            return [[*current, control.value]]
        return [None] if control.checked else [[control.value]]
    if control.kind == "radio":
        return []  # handled once per group through its other boxes
    if control.kind == "number":
        try:
            return [[str(Decimal(control.value or "0") + 1000)]]
        except ArithmeticError:
            return [["1000"]]
    if control.kind == "date":
        try:
            return [[str(date.fromisoformat(control.value) + timedelta(days=7))]]
        except ValueError:
            return [["2031-01-06"]]
    if control.kind == "file":
        return []
    if control.kind == "hidden":
        return []  # tampering with hidden values is tried through TAMPERED below
    return [[CHANGED_TEXT]]


# Hidden values a tampering client might send instead of the page's own.
TAMPERED: dict[str, list[str]] = {
    "to": [
        "submit",
        "clarify",
        "confirm",
        "start",
        "deliver",
        "accept",
        "defer",
        "reject",
    ],
    "action": ["edit", "update", "assess", "approve", "reject", "accept", "submit"],
}


def page_attempts(html: str, page_url: str) -> Iterator[tuple[str, str, str, dict[str, list[str]]]]:
    """(label, control name, url, data) for every POST form of the page and every control
    changed in it."""
    for number, form in enumerate(post_forms(html)):
        url = form.action or page_url
        base = _defaults(form)
        variants = form.buttons or [("", "")]
        for button_name, button_value in variants:
            pressed = dict(base)
            if button_name:
                pressed[button_name] = [button_value]
            label = f"form {number}{f' [{button_name}={button_value}]' if button_name else ''}"
            for control in form.controls:
                if control.name == "csrfmiddlewaretoken":
                    continue
                candidates: list[list[str] | None] = list(_changed_values(control, form))
                if control.kind == "hidden":
                    candidates = [[v] for v in TAMPERED.get(control.name, []) if v != control.value]
                if control.kind == "radio":
                    group = [c for c in form.controls if c.name == control.name]
                    if group[0] is not control:
                        continue
                    chosen = [c.value for c in group if c.checked]
                    candidates = [[c.value] for c in group if [c.value] != chosen]
                for candidate in candidates:
                    data = dict(pressed)
                    if candidate is None:
                        data.pop(control.name, None)
                    else:
                        data[control.name] = candidate
                    yield f"{label} {control.name}={candidate}", control.name, url, data


# --- API operations -----------------------------------------------------------------------------


_SCHEMA: dict[str, Any] = {}


def openapi() -> dict[str, Any]:
    if not _SCHEMA:
        _SCHEMA.update(SchemaGenerator().get_schema(request=None, public=True))
    return _SCHEMA


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return _resolve(openapi()["components"]["schemas"][name])
    if "allOf" in schema:
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            merged.update(_resolve(part))
        return merged
    return schema


def api_operations(collection: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(path template, method, request body schema) of every write operation on one object of
    the collection (`/api/v1/projects/{project_pk}/<collection>/{id}/...`)."""
    found = []
    prefix = f"/api/v1/projects/{{project_pk}}/{collection}/{{id}}/"
    for path, operations in openapi()["paths"].items():
        if not path.startswith(prefix):
            continue
        for method, operation in operations.items():
            if method in {"get", "head", "options", "parameters"}:
                continue
            body = operation.get("requestBody", {}).get("content", {})
            media = body.get("application/json") or next(iter(body.values()), {})
            found.append((path, method, _resolve(media.get("schema", {}))))
    return found


def schema_values(schema: dict[str, Any]) -> list[Any]:
    """Candidate values for a property from its schema alone."""
    schema = _resolve(schema)
    if "enum" in schema:
        return [v for v in schema["enum"] if v not in ("", None)][:MAX_CHOICES]
    if "oneOf" in schema:
        return schema_values(schema["oneOf"][0])
    kind = schema.get("type")
    if kind == "boolean":
        return [True, False]
    if kind == "integer":
        return [7]
    if kind == "number":
        return [1000]
    if kind == "array":
        return [[], [example(schema.get("items", {}))]]
    if kind == "object":
        return [{}]
    if schema.get("format") == "decimal" or schema.get("pattern", "").startswith("^-?\\d"):
        return ["1000.00"]
    if schema.get("format") == "date":
        return ["2031-01-06"]
    return [CHANGED_TEXT]


def example(schema: dict[str, Any]) -> Any:
    schema = _resolve(schema)
    if schema.get("type") == "object" and "properties" in schema:
        return {name: schema_values(prop)[0] for name, prop in schema["properties"].items()}
    values = schema_values(schema)
    return values[0] if values else None


def to_json(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(to_json(k)): to_json(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return {k: to_json(getattr(value, k)) for k in value.__dataclass_fields__}
    return value


# --- Services -----------------------------------------------------------------------------------


def service_functions(module_names: Iterable[str], targets: Iterable[str]) -> list[Callable]:
    """The public functions of the modules that take one of the target parameters."""
    wanted = set(targets)
    found = []
    for module_name in module_names:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module_name:
                continue
            function = inspect.unwrap(function)
            if wanted & set(inspect.signature(function).parameters):
                found.append(getattr(module, name))
    return found


# --- The walk -----------------------------------------------------------------------------------


@dataclass
class Walk:
    """Runs attempts and keeps what each did to the signed content."""

    read: Callable[[], dict[str, Any]]
    reopened: Callable[[dict[str, Any]], bool]
    problems: list[str] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    reopened_by: set[tuple[str, str]] = field(default_factory=set)

    def attempt(self, path: str, key: str, label: str, action: Callable[[], Any]) -> None:
        before = self.read()
        savepoint = transaction.savepoint()
        try:
            outcome = "refused"
            try:
                result = action()
            except ApplicationError as error:
                outcome = f"refused ({error.code})"
            else:
                status = getattr(result, "status_code", None)
                if status == 429:
                    self.problems.append(f"{label}: throttled, nothing was tried")
                if status is not None and status >= 500:
                    self.problems.append(f"{label}: server error {status}")
            try:
                after = self.read()
            except models.ObjectDoesNotExist:
                self.problems.append(f"{label}: the signed-off record is gone")
                return
            if after == before:
                self.outcomes[(path, outcome if "refused" in outcome else "unchanged")] += 1
            elif self.reopened(before):
                self.outcomes[(path, "reopened")] += 1
                self.reopened_by.add((path, key))
            else:
                changed = sorted(k for k in after if after.get(k) != before.get(k))
                self.problems.append(f"{label}: changed {changed} without reopening")
        finally:
            transaction.savepoint_rollback(savepoint)


def walk_services(
    walk: Walk,
    *,
    modules: Iterable[str],
    targets: dict[str, Any],
    actors: dict[str, Any],
    values: dict[str, Callable[[], list[Any]]],
    missing: list[str],
) -> None:
    for function in service_functions(modules, targets):
        parameters = inspect.signature(inspect.unwrap(function)).parameters
        free = [p for p in parameters.values() if p.name not in targets and p.name != "actor"]
        unknown = [p.name for p in free if p.name not in values]
        if unknown:
            missing.append(f"{function.__module__}.{function.__name__}: {unknown}")
            continue
        fixed = {name: target for name, target in targets.items() if name in parameters}
        required = {
            p.name: values[p.name]()[0] for p in free if p.default is inspect.Parameter.empty
        }
        tries = [(p.name, v) for p in free for v in values[p.name]()] or [("", None)]
        for actor_name, actor in actors.items() if "actor" in parameters else [("-", None)]:
            for key, value in tries:
                kwargs = {**fixed, **required}
                if key:
                    kwargs[key] = value
                if actor is not None:
                    kwargs["actor"] = actor
                label = f"service {function.__name__} as {actor_name} {key}={value!r}"
                walk.attempt(
                    "service",
                    key,
                    label,
                    lambda function=function, kwargs=kwargs: function(**kwargs),
                )


def walk_api(
    walk: Walk,
    *,
    collection: str,
    project_pk: int,
    object_pk: int,
    actors: dict[str, Any],
    values: dict[str, Callable[[], list[Any]]],
    model_fields: Iterable[str],
) -> int:
    """Every write operation on the object, as every actor, with each property (and each
    model field the operation accepts) changed in turn. Returns the number of operations."""
    operations = api_operations(collection)
    for path, method, schema in operations:
        url = path.format(project_pk=project_pk, id=object_pk)
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        keys = list(dict.fromkeys([*properties, *(f for f in model_fields if f in properties)]))

        def candidates(name: str, properties: dict[str, Any] = properties) -> list[Any]:
            if name in values:
                return [to_json(v) for v in values[name]()]
            return schema_values(properties[name])

        base = {name: candidates(name)[0] for name in properties if name in required}
        for actor_name, actor in actors.items():
            client = Client()
            client.force_login(actor)
            send = getattr(client, method)
            for key in keys or [""]:
                for value in candidates(key) if key else [None]:
                    payload = {**base, **({key: value} if key else {})}
                    label = f"API {method.upper()} {path} as {actor_name} {key}={value!r}"
                    walk.attempt(
                        "api",
                        key,
                        label,
                        lambda send=send, url=url, payload=payload: send(
                            url, json.dumps(payload), content_type="application/json"
                        ),
                    )
    return len(operations)


def walk_pages(
    walk: Walk, *, urls: Iterable[str], actors: dict[str, Any], files: dict[str, Any]
) -> int:
    """Every POST form of the pages, as every actor who can open them. Returns how many forms
    were found."""
    forms = 0
    for url in urls:
        for actor_name, actor in actors.items():
            client = Client()
            client.force_login(actor)
            response = client.get(url)
            if response.status_code != 200:
                continue
            html = response.content.decode()
            forms += len(post_forms(html))
            for label, key, action, data in page_attempts(html, url):
                walk.attempt(
                    "page",
                    key,
                    f"page {url} as {actor_name} {label}",
                    lambda client=client, action=action or url, data=data: client.post(
                        action, {**data, **files}
                    ),
                )
    return forms


def walk_admin(walk: Walk, *, record: models.Model, staff_admin: Any) -> int:
    """The admin's change form (every field changed in turn) and delete form, if the model is
    registered. Returns the number of admin forms tried."""
    model = type(record)
    if model not in admin.site._registry:
        return 0
    meta = model._meta
    client = Client()
    client.force_login(staff_admin)
    change = f"/admin/{meta.app_label}/{meta.model_name}/{record.pk}/change/"
    response = client.get(change)
    tried = 0
    if response.status_code == 200:
        tried += 1
        for label, key, _action, data in page_attempts(response.content.decode(), change):
            walk.attempt(
                "admin",
                key,
                f"admin change {label}",
                lambda data=data: client.post(change, data),
            )
    # django-simple-history's admin offers to revert to each earlier state.
    for history_id in getattr(record, "history", model.objects.none()).values_list(
        "history_id", flat=True
    ):
        revert = f"/admin/{meta.app_label}/{meta.model_name}/{record.pk}/history/{history_id}/"
        response = client.get(revert)
        forms = post_forms(response.content.decode()) if response.status_code == 200 else []
        data = _defaults(forms[0]) if forms else {}
        tried += 1
        walk.attempt(
            "admin",
            "revert",
            f"admin revert to {history_id} (form shown: {bool(forms)})",
            lambda url=revert, data=data: client.post(url, data),
        )
    delete = f"/admin/{meta.app_label}/{meta.model_name}/{record.pk}/delete/"
    tried += 1
    walk.attempt("admin", "delete", "admin delete", lambda: client.post(delete, {"post": "yes"}))
    return tried
