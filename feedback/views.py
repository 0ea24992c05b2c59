from __future__ import annotations

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import TemplateView

from accounts.mixins import StaffPageMixin


class SatisfactionDashboardView(StaffPageMixin, PermissionRequiredMixin, TemplateView):
    """The account manager's satisfaction dashboard (filled by the satisfaction release)."""

    permission_required = "feedback.view_dashboard"
    template_name = "feedback/dashboard.html"
