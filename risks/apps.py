from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = _("Risks")

    def ready(self) -> None:
        from risks import (
            discussables,
            health,
            permissions,  # noqa: F401  (registers the rules)
            search,
        )

        search.register()
        health.register()
        discussables.register()

        from projects.selectors.portfolio import register_portfolio_columns
        from risks.selectors.portfolio import portfolio_columns

        register_portfolio_columns(portfolio_columns)
