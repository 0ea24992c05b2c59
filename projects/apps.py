from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from projects import (
            permissions,  # noqa: F401  (registers the rules permissions)
            search,  # noqa: F401  (registers the searchable kinds)
        )
