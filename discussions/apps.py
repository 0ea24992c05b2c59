"""The discussions app; deliverables are registered here as discussable."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "discussions"
    verbose_name = _("Discussions")

    def ready(self) -> None:
        from discussions.registry import register_deliverables

        register_deliverables()
