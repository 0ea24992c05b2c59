"""Integrations: what connects Rapport to people's other tools (calendar feeds, personal access
tokens for the API, webhooks)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = _("Integrations")

    def ready(self) -> None:
        from integrations import (
            api_schema,  # noqa: F401  (registers the schema extension)
            receivers,
            webhooks,
        )

        receivers.connect()
        webhooks.connect()
