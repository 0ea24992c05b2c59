from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from projects import (
            permissions,  # noqa: F401  (registers the rules permissions)
            search_kinds,
        )
        from projects.earned_value.health import earned_value_health
        from projects.health import register_health_signal

        search_kinds.register()
        register_health_signal(earned_value_health)
        from projects import wait_sources

        wait_sources.register()

        from notifications.permissions import register_resend_rule
        from notifications.signals import outbox_message_failed
        from projects.receivers import is_pm_of_message, tell_pms_of_failed_message

        register_resend_rule(is_pm_of_message)
        outbox_message_failed.connect(
            tell_pms_of_failed_message, dispatch_uid="projects.tell_pms_of_failed_message"
        )

        from projects import closure

        closure.register()

        from projects import copying

        copying.register()  # the plan's own parts first (projects.copying)
