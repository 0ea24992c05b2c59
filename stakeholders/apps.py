from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholders and requirements")

    def ready(self) -> None:
        from stakeholders import permissions, search  # noqa: F401  (permissions adds the rules)

        search.register()
        from stakeholders import waits

        waits.register()
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

        # Closed projects are read-only (projects.closure).
        from projects.closure import register_closed_guard
        from stakeholders import models as m

        for model in (
            m.ChangeRequest,
            m.Stakeholder,
            m.CommunicationItem,
            m.RaciAssignment,
            m.Meeting,
            m.Requirement,
        ):
            register_closed_guard(model)
        register_closed_guard(m.ScheduleImpact, "change_request__project")
        register_closed_guard(m.MeetingDecision, "meeting__project")
        register_closed_guard(m.ActionItem, "meeting__project")
        register_closed_guard(m.RequirementVersion, "requirement__project")
        register_closed_guard(m.Confirmation, "requirement__project")

        from stakeholders import copying

        copying.register()  # the RACI in a project's plan (projects.copying)
