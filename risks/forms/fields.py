"""What the risk forms share: the 1 to 5 scale fields with the project's wording, and the
project's members as owners."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from projects.models import Project
from risks.selectors.register import owner_candidates


def scale_choices(labels: list[str], *, blank: bool) -> list[tuple[Any, str]]:
    choices: list[tuple[Any, str]] = [("", "—")] if blank else []
    return [*choices, *((n, f"{n} · {label}") for n, label in enumerate(labels, start=1))]


def members(project: Project) -> Any:
    """The owner fields' choices (risks.selectors.register.owner_candidates)."""
    return owner_candidates(project)


class ScaleField(forms.TypedChoiceField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)


def share_owner_choices(project: Project, *forms_: forms.Form, owners: Any = None) -> None:
    """Give the owner field of each form the project's members read once (each field would read
    them itself); the fields still check a posted owner against their queryset.

    `owners` is members(project) as the page lists it too: it is read here (a queryset keeps
    what it read for the page) and the fields are given a list, so that the forms can be kept
    (common.crispy). Without it the people are read when the first form is rendered."""
    if owners is not None:
        people = list(owners)
        for form in forms_:
            field = form.fields.get("owner")
            if isinstance(field, forms.ModelChoiceField):
                field.choices = [*_blank(field), *((user.pk, user.display_name) for user in people)]
        return
    lazy = members(project)

    def choices(blank: list[tuple[Any, str]]) -> Callable[[], list[tuple[Any, str]]]:
        return lambda: [*blank, *((user.pk, user.display_name) for user in lazy)]

    for form in forms_:
        field = form.fields.get("owner")
        if isinstance(field, forms.ModelChoiceField):
            field.choices = choices(_blank(field))


def _blank(field: forms.ModelChoiceField) -> list[tuple[Any, str]]:
    return [("", str(field.empty_label))] if field.empty_label is not None else []
