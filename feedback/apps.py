from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback and satisfaction")

    def ready(self) -> None:
        """The predicates, the Celery tasks, the receivers of the projects app's
        events and the registries (search, discussions, project health)."""
        from feedback import permissions, receivers, registry, tasks  # noqa: F401

        receivers.connect()
        registry.register()
