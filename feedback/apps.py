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

        # Closed projects are read-only (projects.closure), except the survey side: the final
        # survey goes out on close and its answers, opt-outs and follow-ups come back later.
        from feedback import models as m
        from projects.closure import register_closed_guard

        register_closed_guard(m.SurveyAutomation)
        register_closed_guard(m.FeedbackTicket)
        register_closed_guard(m.TicketAttachment, "ticket__project")

        from feedback import copying

        copying.register()  # survey automations in a project's plan (projects.copying)
