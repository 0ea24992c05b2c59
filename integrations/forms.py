from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from integrations.models import AccessToken
from integrations.tokens import EXPIRY_DAYS
from projects.selectors.core import project_list_for


class AccessTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use it, such as “Nightly export”."),
    )
    scope = forms.ChoiceField(
        label=_("May"),
        choices=AccessToken.Scope.choices,
        initial=AccessToken.Scope.READ,
        widget=forms.RadioSelect,
    )
    project = forms.TypedChoiceField(
        label=_("Projects"), coerce=int, required=False, empty_value=None
    )
    days = forms.TypedChoiceField(label=_("Expires after"), coerce=int, initial=90)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.projects = {project.pk: project for project in project_list_for(user=user)}
        project_field = self.fields["project"]
        days_field = self.fields["days"]
        assert isinstance(project_field, forms.TypedChoiceField)  # noqa: S101  (declared above)
        assert isinstance(days_field, forms.TypedChoiceField)  # noqa: S101
        project_field.choices = [
            ("", _("All my projects")),
            *((pk, f"{project.code} · {project.name}") for pk, project in self.projects.items()),
        ]
        days_field.choices = [
            (days, ngettext("%(days)d day", "%(days)d days", days) % {"days": days})
            for days in EXPIRY_DAYS
        ]

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        project_id = data.get("project")
        return {
            "name": data["name"],
            "scope": data["scope"],
            "days": data["days"],
            "project": self.projects.get(project_id) if project_id else None,
        }


# --- Imports from a spreadsheet (integrations/imports.py) -----------------------------------------


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What to import"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or Excel (.xlsx), at most 2 MB and 1,000 rows under the header."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from integrations.imports import KINDS

        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)  # noqa: S101  (declared above)
        kind_field.choices = [(key, kind.label) for key, kind in KINDS.items()]


class ImportConfirmForm(forms.Form):
    """The preview the person saw: signed, so that only that file is imported."""

    preview = forms.CharField(widget=forms.HiddenInput)
