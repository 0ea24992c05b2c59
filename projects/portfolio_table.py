"""The portfolio's rows (projects/_portfolio_table.html), written in Python: fifty projects of a
dozen cells each, with three included partials a row, were most of the portfolio's time in the
template engine. `portfolio_rows` writes the markup those templates write, value for value: each
value localised and escaped as `{{ value }}` is, the partials' markup (the health badge, the
progress bar, the SPI and CPI cells) as their templates write it.
`tests/projects/test_portfolio_table.py` compares the two."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, gettext_noop, ngettext, ngettext_lazy

from common.markup import escaped
from common.templatetags.formatting import day, number, percent

# The name of a risk level in the reader's language ("critical" → "Critical"): the risks app
# registers it (register_risk_level_label), as it registers the top risk's columns.
_risk_level_label: Callable[[str], str] = lambda level: ""  # noqa: E731


def register_risk_level_label(label: Callable[[str], str]) -> None:
    global _risk_level_label  # set once, at start-up
    _risk_level_label = label


# An id no row has: where a row's ids go in the addresses reversed once per call.
_ID = 987654321
_OTHER_ID = 987654322


def _v(value: Any) -> str:
    """`{{ value }}`: localised, then escaped (an integer is written as it is: the thousands
    separator is off, USE_THOUSAND_SEPARATOR)."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return escaped(localize(value))


def _day(value: Any) -> str:
    """`{{ value|date:"SHORT_DATE_FORMAT" }}` (the `|day` filter), escaped."""
    return escaped(day(value))


# What _Words looks up, named here for makemessages: it extracts gettext's own calls only.
_MESSAGES = (
    gettext_noop("set by the project manager: %(reason)s"),
    gettext_noop("set by the project manager"),
    gettext_noop("No deliverables yet"),
    gettext_noop("%(share)s accepted"),
    gettext_noop("Accepted deliverables"),
    ngettext_lazy("%(counter)s open", "%(counter)s open"),
    ngettext_lazy("%(counter)s critical", "%(counter)s critical"),
)


class _Words:
    """The translations a call writes, each looked up once (a row repeats the same few)."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, str, int | None], str] = {}

    def __call__(self, message: str) -> str:
        key = (message, "", None)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = gettext(message)
        return found

    def plural(self, singular: str, plural: str, count: int) -> str:
        key = (singular, plural, count)
        found = self._seen.get(key)
        if found is None:
            found = self._seen[key] = ngettext(singular, plural, count)
        return found


def health_badge(health: Any, words: _Words | None = None) -> str:
    """projects/_health_badge.html."""
    words = words or _Words()
    status = health.status
    colour = (
        "text-bg-danger"
        if status == "red"
        else "text-bg-warning"
        if status == "amber"
        else "text-bg-success"
    )
    title = _v(health.reason_text)
    icon = ""
    if health.override:
        title += " — " + words("set by the project manager: %(reason)s") % {
            "reason": _v(health.override.reason)
        }
        icon = (
            ' <i class="bi bi-pencil-fill" aria-label="'
            f'{_v(words("set by the project manager"))}"></i>'
        )
    return (
        f'<span class="badge {colour}" title="{title}" data-testid="health" '
        f'data-health="{_v(status)}">{_v(health.label)}{icon}</span>\n'
    )


def progress(value: Any, words: _Words | None = None) -> str:
    """projects/_progress.html."""
    words = words or _Words()
    if value is None:
        return (
            f'<span class="text-body-secondary small">{_v(words("No deliverables yet"))}</span>\n'
        )
    share = escaped(percent(value))
    title = words("%(share)s accepted") % {"share": share}
    return (
        f'<div class="progress" role="progressbar" '
        f'aria-label="{_v(words("Accepted deliverables"))}" aria-valuenow="{_v(value)}" '
        f'aria-valuemin="0" aria-valuemax="100" title="{title}" data-testid="progress">'
        f'<div class="progress-bar bg-success" style="width: {_v(value)}%">{share}</div>'
        "</div>\n"
    )


def index_cell(value: Decimal | None, testid: str) -> str:
    """projects/_ev_index_cell.html."""
    if value is None:
        return f'<td class="text-end text-body-secondary" data-testid="{testid}">—</td>\n'
    css = (
        "text-end text-danger fw-semibold"
        if value < 0.8
        else "text-end text-warning-emphasis fw-semibold"
        if value < 0.9
        else "text-end"
    )
    return f'<td class="{css}" data-testid="{testid}">{escaped(number(value, 2))}</td>\n'


def _top_risk(project: Any, risk_url: str, words: _Words) -> str:
    if not project.top_risk_id:
        top = "—"
    else:
        level = project.top_risk_level
        badge = (
            "text-bg-danger"
            if level == "critical"
            else "text-bg-warning"
            if level == "high"
            else "text-bg-light border"
        )
        label = _risk_level_label(level)
        url = risk_url.replace(str(_ID), str(project.pk)).replace(
            str(_OTHER_ID), str(project.top_risk_id)
        )
        top = (
            f'<a href="{escaped(url)}">RISK-{_v(project.top_risk_number)}</a> '
            f"{escaped(Truncator(project.top_risk_title).chars(40))} "
            f'<span class="badge {badge}">{escaped(label)}</span>'
        )
    counts = words.plural("%(counter)s open", "%(counter)s open", project.open_risk_count) % {
        "counter": _v(project.open_risk_count)
    }
    if project.critical_risk_count:
        critical = words.plural(
            "%(counter)s critical", "%(counter)s critical", project.critical_risk_count
        ) % {"counter": _v(project.critical_risk_count)}
        counts += f' · <span class="text-danger">{critical}</span>'
    return f'{top}<div class="text-body-secondary" data-testid="risk-counts">{counts}</div>'


def portfolio_rows(projects: Iterable[Any]) -> SafeString:
    """The table's rows of `projects` (read with the portfolio's figures and health)."""
    detail_url = reverse("projects:detail", args=[_ID])
    risk_url = reverse("risks:risk", args=[_ID, _OTHER_ID])
    words = _Words()
    parts: list[str] = []
    for project in projects:
        detail = escaped(detail_url.replace(str(_ID), str(project.pk)))
        if project.next_milestone_name:
            milestone = (
                f"{_v(project.next_milestone_name)}<div class="
                f'"small text-body-secondary">{_day(project.next_milestone_due)}</div>'
            )
        else:
            milestone = "—"
        overdue = " text-danger fw-semibold" if project.overdue_count else ""
        overdue_actions = " text-danger fw-semibold" if project.overdue_action_item_count else ""
        earned_value = project.earned_value
        parts.append(
            f'\n    <tr data-testid="project-row" data-code="{_v(project.code)}">\n'
            f"      <td>{health_badge(project.health, words)}</td>\n"
            f'      <td><a href="{detail}">{_v(project.name)}</a>'
            f'<div class="small text-body-secondary">{_v(project.code)}</div></td>\n'
            f"      <td>{_v(project.client.name)}</td>\n"
            f"      <td>{_v(project.get_phase_display())}</td>\n"
            f"      <td>{milestone}</td>\n"
            f'      <td class="text-end" data-testid="awaiting">'
            f"{_v(project.awaiting_client_count)}</td>\n"
            f'      <td class="text-end {overdue.strip()}" data-testid="overdue">'
            f"{_v(project.overdue_count)}</td>\n"
            f'      <td class="text-end {overdue_actions.strip()}" data-testid="overdue-actions">'
            f"{_v(project.overdue_action_item_count)}</td>\n"
            '      <td class="small" data-testid="top-risk">'
            f"{_top_risk(project, risk_url, words)}</td>\n"
            f'      <td class="portfolio-progress">{progress(project.progress, words)}</td>\n'
            f"      {index_cell(earned_value.spi, 'spi')}\n"
            f"      {index_cell(earned_value.cpi, 'cpi')}\n"
            "    </tr>\n  "
        )
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)
