"""{% load portfolio_table %}{% portfolio_rows projects %}: the portfolio's rows
(projects.portfolio_table)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from projects.portfolio_table import portfolio_rows as _portfolio_rows

register = template.Library()


@register.simple_tag
def portfolio_rows(projects: Any) -> SafeString:
    return _portfolio_rows(projects)
