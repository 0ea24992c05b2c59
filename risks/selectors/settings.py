"""A project's risk settings as the pages, the API and the services read them."""

from __future__ import annotations

from typing import Any

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


def seed_risk_settings(project: Project, risks: list[Any]) -> None:
    """Keep the settings that came with risks read with select_related("project__risk_settings")
    for risk_settings_of(project), which then reads nothing (no risk: nothing is kept)."""
    if not risks or isinstance(getattr(project, "_risk_settings", None), RiskSettings):
        return
    try:
        settings = risks[0].project.risk_settings
    except RiskSettings.DoesNotExist:
        settings = RiskSettings(project=project)
    project._risk_settings = settings  # type: ignore[attr-defined]
