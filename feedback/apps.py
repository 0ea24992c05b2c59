from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback and satisfaction")

    def ready(self) -> None:
        from feedback import surveys

        surveys.ready()
        from feedback.tickets import admin, permissions, registry, tasks  # noqa: F401

        registry.register()
