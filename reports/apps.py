from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Status reports")

    def ready(self) -> None:
        from reports import feedback_sections, permissions  # noqa: F401  (rules)

        feedback_sections.register()

        # Closed projects are read-only (projects.closure); deliveries and renditions of reports
        # already made are not guarded, so in-flight e-mails finish.
        from projects.closure import register_closed_guard
        from reports import models as m

        register_closed_guard(m.ReportSchedule)
        register_closed_guard(m.ExtraRecipient, "schedule__project")
        register_closed_guard(m.Report)

        from reports import copying

        copying.register()  # the report schedule in a project's plan (projects.copying)
