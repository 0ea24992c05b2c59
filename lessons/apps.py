"""Lessons learned: the honest review of a project and what the next project should do."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = _("Lessons learned")

    def ready(self) -> None:
        from lessons import (
            panels,
            permissions,  # noqa: F401  (registers the rules)
            search,
        )

        search.register()
        panels.register()
