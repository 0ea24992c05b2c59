"""The discussions app; deliverables are registered here as discussable."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = _("Discussions")

    def ready(self) -> None:
        from discussions.registry import register_deliverables

        register_deliverables()

        # Closed projects are read-only (projects.closure).
        from discussions.models import Attachment, EmailReply, Entry, Thread
        from projects.closure import register_closed_guard

        register_closed_guard(Thread)
        register_closed_guard(Entry, "thread__project")
        register_closed_guard(Attachment, "thread__project")
        register_closed_guard(EmailReply, "thread__project")
