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
        # The agreed response time is what the delay share (projects.waits) measures against.
        from portal.selectors import client_response_days_rows
        from projects.waits import ResponseDaysQuery, register_response_days

        register_response_days(ResponseDaysQuery(client_response_days_rows))
        # The navigation's count of what waits is cached until a row it counts changes.
        from portal import badge

        badge.connect()
