from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Status reports")

    def ready(self) -> None:
        from reports import feedback_sections, permissions  # noqa: F401  (rules)

        feedback_sections.register()
