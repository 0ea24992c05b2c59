from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CloseoutConfig(AppConfig):
    name = "closeout"
    verbose_name = _("Closeout")

    def ready(self) -> None:
        from closeout import permissions  # noqa: F401  (registers the rules permissions)
        from closeout.portfolio import closeout_columns
        from projects.selectors.portfolio import register_portfolio_columns

        register_portfolio_columns(closeout_columns)

        from closeout.models import ClosureRequest, Waiver
        from projects.closure import register_closed_guard

        # A closed project's closeout is its record: waivers and requests no longer change.
        register_closed_guard(Waiver)
        register_closed_guard(ClosureRequest)
