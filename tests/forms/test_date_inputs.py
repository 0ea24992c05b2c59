"""Every date a form shows is one the browser can keep.

A browser's `<input type="date">` takes only an ISO value; in Simplified Chinese Django's own
DateInput writes "2026/11/22", which the browser drops, so saving an untouched form would clear
the date. Every Form of the project's apps is found by discovery (a new form joins by itself),
built with dates in its initial values, rendered in zh-hans in a time zone far from UTC, and each
date or date-time input's value must be the ISO text of the date it was given.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.utils import timezone, translation

from accounts.models import User
from common.widgets import DateInput, DateTimeLocalInput
from projects.models import Deliverable
from risks.selectors.settings import risk_settings_of
from stakeholders.models import Requirement, Stakeholder

A_DATE = date(2026, 11, 22)
A_MOMENT = datetime(2026, 11, 22, 1, 30, tzinfo=UTC)
READER_ZONE = "Asia/Shanghai"
A_MOMENT_THERE = "2026-11-22T09:30"  # 01:30 UTC is 09:30 in Shanghai

# Keyword-only arguments some forms need, by name. A form asking for an unknown one fails the
# test below with its name: add how to build it here.
KEYWORD_VALUES: dict[str, Any] = {
    "actor": lambda cast: cast.pm,
    "user": lambda cast: cast.pm,
    "project": lambda cast: cast.project,
    "settings": lambda cast: risk_settings_of(cast.project),
    "team": lambda cast: [(cast.teammate.pk, cast.teammate.display_name)],
    "people": lambda cast: [(cast.teammate.pk, cast.teammate.display_name)],
    "owners": lambda cast: [(cast.pm.pk, cast.pm.display_name)],
    "projects": lambda cast: [(cast.project.pk, cast.project.name)],
    "clients": lambda cast: [(cast.project.client_id, cast.project.client.name)],
    "pms": lambda cast: [(cast.pm.pk, cast.pm.display_name)],
    "tasks": lambda cast: [],
    "parents": lambda cast: [],
    "items": lambda cast: [],
    "criteria": lambda cast: [],
    "milestones": lambda cast: [],
    "requirements": lambda cast: Requirement.objects.filter(project=cast.project),
    "members": lambda cast: User.objects.filter(pk__in=[cast.pm.pk, cast.rep.pk]),
    "stakeholders": lambda cast: Stakeholder.objects.filter(project=cast.project),
}
# Where a name means something else for one form.
KEYWORD_VALUES_OF_FORM: dict[str, dict[str, Any]] = {
    "RaciForm": {"deliverables": lambda cast: Deliverable.objects.filter(project=cast.project)},
}


@functools.cache
def _project_modules() -> tuple[str, ...]:
    """Every module of the project's own apps and config, migrations and settings left out."""
    base = Path(settings.BASE_DIR).resolve()
    packages = [
        config.name
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
        and ".venv" not in Path(config.path).parts
    ]
    names = []
    for package in [*packages, "config"]:
        module = importlib.import_module(package)
        names.append(package)
        for info in pkgutil.walk_packages(module.__path__, prefix=f"{package}."):
            if ".migrations" in info.name or info.name.startswith("config.settings"):
                continue
            names.append(info.name)
    return tuple(names)


def _roots() -> set[str]:
    return {name.split(".")[0] for name in _project_modules()}


def project_form_classes() -> list[type[forms.BaseForm]]:
    modules = _project_modules()
    for name in modules:
        importlib.import_module(name)
    roots = _roots()
    found: dict[str, type[forms.BaseForm]] = {}
    pending: list[type] = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in roots:
            found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return [found[key] for key in sorted(found)]


def _keywords(form_class: type[forms.BaseForm]) -> tuple[set[str], set[str]]:
    """The keyword-only parameters of the form's own __init__ methods: (required, all)."""
    required: set[str] = set()
    every: set[str] = set()
    for cls in form_class.__mro__:
        init = cls.__dict__.get("__init__")
        if init is None or cls.__module__.split(".")[0] not in _roots():
            continue
        for parameter in inspect.signature(init).parameters.values():
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
                every.add(parameter.name)
                if parameter.default is inspect.Parameter.empty:
                    required.add(parameter.name)
    return required, every


def build_with_dates(form_class: type[forms.BaseForm], cast: Any) -> forms.BaseForm:
    """An unbound form of form_class whose date and date-time fields start at A_DATE and
    A_MOMENT."""
    values = KEYWORD_VALUES | KEYWORD_VALUES_OF_FORM.get(form_class.__qualname__, {})
    required, every = _keywords(form_class)
    unknown = required - values.keys()
    assert not unknown, f"{form_class.__qualname__} needs {unknown}: add them to KEYWORD_VALUES"
    kwargs = {name: values[name](cast) for name in every & values.keys()}
    initial: dict[str, Any] = {}
    form = form_class(initial=initial, **kwargs)
    for name, field in form.fields.items():
        if isinstance(field, forms.DateTimeField):
            form.initial[name] = A_MOMENT
        elif isinstance(field, forms.DateField):
            form.initial[name] = A_DATE
    return form


class _Inputs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inputs: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            values = {key: value or "" for key, value in attrs}
            self.inputs[values.get("name", "")] = values


def date_input_problems(form: forms.BaseForm) -> list[str]:
    """What is wrong with the form's date inputs, rendered in zh-hans: a value that is not the
    ISO text of its date, an input the browser would not treat as a date, or a date field not
    using the project's date widgets."""
    with translation.override("zh-hans"), timezone.override(ZoneInfo(READER_ZONE)):
        parser = _Inputs()
        parser.feed(str(form))
    problems = []
    label = type(form).__qualname__
    for name, field in form.fields.items():
        if isinstance(field, forms.DateTimeField):
            expected_type, expected_value, widget = (
                "datetime-local",
                A_MOMENT_THERE,
                DateTimeLocalInput,
            )
        elif isinstance(field, forms.DateField):
            expected_type, expected_value, widget = "date", A_DATE.isoformat(), DateInput
        else:
            continue
        rendered = parser.inputs.get(form.add_prefix(name))
        if rendered is None:
            problems.append(f"{label}.{name}: no input rendered")
            continue
        value, kind = rendered.get("value", ""), rendered.get("type", "")
        if value != expected_value:
            problems.append(f"{label}.{name}: value {value!r}, expected {expected_value!r}")
        if kind != expected_type:
            problems.append(f"{label}.{name}: type {kind!r}, expected {expected_type!r}")
        if not isinstance(field.widget, widget):
            problems.append(f"{label}.{name}: widget {type(field.widget).__name__}")
    return problems


def test_discovery_finds_the_forms_with_dates():
    names = {cls.__qualname__ for cls in project_form_classes()}
    # A sample of the known ones, so that a broken discovery cannot pass as "nothing to check".
    assert {"RiskDetailsForm", "ProjectForm", "MilestoneForm", "MeetingForm", "CampaignForm"} <= (
        names
    )
    assert {"InteractionForm", "ActionItemForm", "TaskForm", "HealthOverrideForm"} <= names
    assert len(names) >= 70


@pytest.mark.django_db
def test_every_form_shows_its_dates_as_iso_in_chinese(cast):
    problems = []
    checked_fields = 0
    for form_class in project_form_classes():
        form = build_with_dates(form_class, cast)
        checked_fields += sum(
            isinstance(field, forms.DateField | forms.DateTimeField)
            for field in form.fields.values()
        )
        problems.extend(date_input_problems(form))
    assert problems == []
    assert checked_fields >= 27


class _DefaultWidgetsForm(forms.Form):
    next_review_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    starts_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


@pytest.mark.django_db
def test_the_check_fails_for_django_default_date_widgets(cast):
    form = build_with_dates(_DefaultWidgetsForm, cast)

    problems = date_input_problems(form)

    # What the browser would receive, and then drop: an empty date on the next save.
    assert problems == [
        "_DefaultWidgetsForm.next_review_date: value '2026/11/22', expected '2026-11-22'",
        "_DefaultWidgetsForm.next_review_date: widget DateInput",
        "_DefaultWidgetsForm.starts_at: value '2026/11/22 09:30', expected '2026-11-22T09:30'",
        "_DefaultWidgetsForm.starts_at: widget DateTimeInput",
    ]


def test_iso_values_come_back_as_the_same_date_in_chinese():
    """What the widgets write, the fields read back, in zh-hans too."""
    with translation.override("zh-hans"), timezone.override(ZoneInfo(READER_ZONE)):
        assert forms.DateField(widget=DateInput()).clean("2026-11-22") == A_DATE
        assert forms.DateTimeField(widget=DateTimeLocalInput()).clean(A_MOMENT_THERE) == A_MOMENT
