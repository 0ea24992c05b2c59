from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Organization
from common.widgets import DateInput
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


class WebhookEndpointForm(forms.Form):
    """Register an endpoint: the projects offered are those the person may register for (a
    PM's own; a staff admin's, all, and every project at once)."""

    url = forms.CharField(
        label=_("Address"),
        max_length=500,
        help_text=_("Where Rapport posts the events, such as https://example.com/hooks/rapport."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    project = forms.TypedChoiceField(
        label=_("Project"), coerce=int, required=False, empty_value=None
    )
    audience = forms.ChoiceField(
        label=_("For"),
        choices=[
            ("team", _("Our team: every event")),
            ("client", _("The client: only what the client sees")),
        ],
        initial="team",
        widget=forms.RadioSelect,
    )
    client = forms.TypedChoiceField(
        label=_("Client"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("For an endpoint of a client that hears of all its projects."),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from accounts.permissions import is_staff_admin
        from integrations.webhooks import event_type_choices, projects_for_webhooks

        super().__init__(*args, **kwargs)
        self.staff_admin = is_staff_admin(user)
        self.projects = {project.pk: project for project in projects_for_webhooks(user=user)}
        project_field = self.fields["project"]
        client_field = self.fields["client"]
        events_field = self.fields["events"]
        assert isinstance(project_field, forms.TypedChoiceField)  # noqa: S101  (declared above)
        assert isinstance(client_field, forms.TypedChoiceField)  # noqa: S101
        assert isinstance(events_field, forms.MultipleChoiceField)  # noqa: S101
        choices = [(pk, f"{p.code} · {p.name}") for pk, p in self.projects.items()]
        if self.staff_admin:
            project_field.choices = [("", _("Every project")), *choices]
            self.clients = {
                org.pk: org
                for org in Organization.objects.filter(kind=Organization.Kind.CLIENT).order_by(
                    "name"
                )
            }
            client_field.choices = [("", "—"), *((pk, o.name) for pk, o in self.clients.items())]
        else:
            project_field.required = True
            project_field.choices = choices
            self.clients = {}
            del self.fields["client"]
        events_field.choices = event_type_choices()

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        project = self.projects.get(data["project"]) if data.get("project") else None
        client = None
        if data["audience"] == "client":
            if project is not None:
                client = project.client
            else:
                client = self.clients.get(data.get("client") or 0)
                if client is None:
                    from common.errors import InvalidInput

                    raise InvalidInput(
                        _("Choose the client, or a project of the client."), field="client"
                    )
        return {
            "project": project,
            "client": client,
            "url": data["url"],
            "description": data.get("description", ""),
            "events": data["events"],
        }


class WebhookEditForm(forms.Form):
    url = forms.CharField(label=_("Address"), max_length=500)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"), widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from integrations.webhooks import event_type_choices

        super().__init__(*args, **kwargs)
        events_field = self.fields["events"]
        assert isinstance(events_field, forms.MultipleChoiceField)  # noqa: S101
        events_field.choices = event_type_choices()


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


# --- A new project from a project archive (integrations/archive.py) -------------------------------


class ArchiveImportForm(forms.Form):
    """The archive, and what the new project takes from here: its client, code, and optionally
    a name and a start (every date moves with it)."""

    file = forms.FileField(
        label=_("Project archive"),
        help_text=_("A JSON file exported from a project's page (at most 20 MB)."),
    )
    client = forms.TypedChoiceField(label=_("Client"), coerce=int)
    code = forms.SlugField(
        label=_("Code"), max_length=32, help_text=_("A short unique code, such as NW-WMS.")
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to keep the archived project's name."),
    )
    start_date = forms.DateField(
        label=_("Start"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty to keep the archived dates; otherwise every date moves with it."),
    )

    def __init__(self, *args: Any, clients: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        client_field = self.fields["client"]
        assert isinstance(client_field, forms.TypedChoiceField)  # noqa: S101  (declared above)
        client_field.choices = clients
