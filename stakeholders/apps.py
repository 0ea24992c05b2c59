from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholders and requirements")

    def ready(self) -> None:
        from stakeholders import permissions, search  # noqa: F401  (registers rules)

        search.register()
