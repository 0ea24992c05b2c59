"""Scorecards: how each project manager and account manager is doing, period by period."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "scorecards"
    verbose_name = _("Scorecards")

    def ready(self) -> None:
        from scorecards import permissions  # noqa: F401  (registers the rules)
