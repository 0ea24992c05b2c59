"""Forms for a project's people: invitations and their acceptance, role changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import time_zone_choices
from accounts.models import Language
from projects.models import Role
from projects.permissions import can_invite_role

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from accounts.models import User
    from projects.models import Project


def role_choices_for(user: User, project: Project) -> list[tuple[str, str | _StrPromise]]:
    return [
        (value, label) for value, label in Role.choices if can_invite_role(user, project, value)
    ]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: object, actor: User, project: Project, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast("forms.ChoiceField", self.fields["role"]).choices = role_choices_for(actor, project)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: object, actor: User, project: Project, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast("forms.ChoiceField", self.fields["role"]).choices = role_choices_for(actor, project)


class InvitationAcceptForm(forms.Form):
    display_name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned
