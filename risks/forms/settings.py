"""The PM's risk settings: scale wording, thresholds and review tolerance."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from risks.models import RiskSettings


class RiskSettingsForm(forms.Form):
    medium_from = forms.IntegerField(label=_("Medium from score"), min_value=2, max_value=25)
    high_from = forms.IntegerField(label=_("High from score"), min_value=2, max_value=25)
    critical_from = forms.IntegerField(label=_("Critical from score"), min_value=2, max_value=25)
    review_tolerance_days = forms.IntegerField(
        label=_("Review tolerance (days overdue before the project health shows it)"),
        min_value=0,
        max_value=365,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in (("probability", _("Probability")), ("impact", _("Impact"))):
            for n in range(1, 6):
                self.fields[f"{kind}_{n}"] = forms.CharField(
                    label=f"{label} {n}", max_length=200, required=False
                )

    @classmethod
    def initial_of(cls, settings: RiskSettings) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "medium_from": settings.medium_from,
            "high_from": settings.high_from,
            "critical_from": settings.critical_from,
            "review_tolerance_days": settings.review_tolerance_days,
        }
        for kind in ("probability", "impact"):
            values = getattr(settings, f"{kind}_scale") or []
            for n in range(1, 6):
                initial[f"{kind}_{n}"] = values[n - 1] if n - 1 < len(values) else ""
        return initial

    def scale(self, kind: str) -> list[str]:
        return [self.cleaned_data.get(f"{kind}_{n}") or "" for n in range(1, 6)]
