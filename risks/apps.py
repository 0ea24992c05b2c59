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

        from projects.portfolio_table import register_risk_level_label
        from risks.templatetags.risk_panels import level_label

        register_risk_level_label(level_label)

        # Closed projects are read-only (projects.closure). Reminder rows (one per person and
        # day) are not project rows.
        from projects.closure import register_closed_guard
        from risks import models as m

        for model in (m.Risk, m.Issue, m.RiskSettings):
            register_closed_guard(model)
        register_closed_guard(m.Assessment, "risk__project")
        register_closed_guard(m.MitigationAction, "risk__project")
        register_closed_guard(m.Escalation, "assessment__risk__project")
