from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Client portal")

    def ready(self) -> None:
        # Closed projects are read-only (projects.closure); visits and view-as sessions are
        # records of reading and stay writable.
        from portal.models import ClientResponseTime
        from projects.closure import register_closed_guard

        register_closed_guard(ClientResponseTime)
