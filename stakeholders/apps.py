from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholders and requirements")

    def ready(self) -> None:
        from stakeholders.discussables import register_deliverables

        register_deliverables()
