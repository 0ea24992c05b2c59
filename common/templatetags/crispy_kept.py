"""{% load crispy_kept %}{{ form|crispy_kept }}: `{{ form|crispy }}` for a page's unbound forms,
kept per process for what they show (common/crispy.py); `{{ field|crispy_field_kept }}` the same
for `{{ field|as_crispy_field }}`."""

from __future__ import annotations

from typing import Any

from crispy_forms.utils import TEMPLATE_PACK
from django import template
from django.utils.safestring import SafeString

from common.crispy import crispy_field_kept as _crispy_field_kept
from common.crispy import crispy_kept as _crispy_kept

register = template.Library()


@register.filter
def crispy_kept(form: Any, template_pack: str = TEMPLATE_PACK) -> SafeString:
    return _crispy_kept(form, template_pack)


@register.filter
def crispy_field_kept(field: Any, template_pack: str = TEMPLATE_PACK) -> SafeString:
    return _crispy_field_kept(field, template_pack)
