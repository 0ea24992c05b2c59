from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholders and requirements")

    def ready(self) -> None:
        from stakeholders import permissions, search  # noqa: F401  (permissions adds the rules)

        search.register()
        from stakeholders.discussables import (
            register_change_requests,
            register_requirements,
        )

        register_requirements()
        register_change_requests()
        # Discussions are listed in search after the kinds above (search keeps registry order).
        from discussions import search as discussions_search

        discussions_search.register()

        from projects.selectors.portfolio import register_portfolio_columns
        from stakeholders.selectors.meetings import portfolio_columns

        register_portfolio_columns(portfolio_columns)
