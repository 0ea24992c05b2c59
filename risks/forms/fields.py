"""What the risk forms share: the 1 to 5 scale fields with the project's wording, and the
project's members as owners."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.models import User
from projects.models import Membership, Project


def scale_choices(labels: list[str], *, blank: bool) -> list[tuple[Any, str]]:
    choices: list[tuple[Any, str]] = [("", "—")] if blank else []
    return [*choices, *((n, f"{n} · {label}") for n, label in enumerate(labels, start=1))]


def members(project: Project) -> Any:
    return User.objects.filter(
        pk__in=Membership.objects.filter(project=project).values("user_id"), is_active=True
    ).order_by("display_name")


class ScaleField(forms.TypedChoiceField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        super().__init__(*args, **kwargs)
