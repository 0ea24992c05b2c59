"""A project's risk settings as the pages, the API and the services read them."""

from __future__ import annotations

from projects.models import Project
from risks.models import RiskSettings


def risk_settings_of(project: Project) -> RiskSettings:
    """The project's risk settings, or the defaults (unsaved) until the PM saves them. Cached
    on the project object for the request."""
    cached = getattr(project, "_risk_settings", None)
    if isinstance(cached, RiskSettings):
        return cached
    settings = RiskSettings.objects.filter(project=project).first() or RiskSettings(project=project)
    project._risk_settings = settings  # type: ignore[attr-defined]
    return settings
