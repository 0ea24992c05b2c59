"""Sections other apps add to every status report (the feedback app: open complaints, the latest
satisfaction figures), without the reports app importing them.

    from reports.sections import register_report_section

    def complaints_section(project, *, period_start, period_end):
        return {"open": 2, "items": [...]}  # JSON-serialisable, client-visible data only

    register_report_section(
        "complaints", complaints_section, template="feedback/report/_complaints.html", order=10
    )

called once from the app's `AppConfig.ready()`. The provider is called when the report is
created, inside the dispatcher's transaction; what it returns is frozen in the snapshot under
`sections[key]` (None leaves the section out), and `template` renders it (context: `data`,
`report`) in the web view, the e-mail and the PDF, in the reader's language; `text_template`,
if given, in the plain-text alternative of the e-mail. A provider must
return only what the client may see, and read with a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from projects.models import Project

SectionProvider = Callable[..., dict[str, Any] | None]


@dataclass(frozen=True)
class ReportSection:
    key: str
    provider: SectionProvider
    template: str
    order: int = 100
    text_template: str | None = None  # the section in the plain-text e-mail


_sections: dict[str, ReportSection] = {}


def register_report_section(
    key: str,
    provider: SectionProvider,
    *,
    template: str,
    order: int = 100,
    text_template: str | None = None,
) -> ReportSection:
    section = ReportSection(
        key=key, provider=provider, template=template, order=order, text_template=text_template
    )
    _sections[key] = section
    return section


def unregister_report_section(key: str) -> None:
    _sections.pop(key, None)


def registered_sections() -> list[ReportSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def section_template(key: str) -> str | None:
    section = _sections.get(key)
    return section.template if section else None


def section_text_template(key: str) -> str | None:
    section = _sections.get(key)
    return section.text_template if section else None


def collect_sections(
    project: Project, *, period_start: date, period_end: date
) -> dict[str, dict[str, Any]]:
    collected: dict[str, dict[str, Any]] = {}
    for section in registered_sections():
        data = section.provider(project, period_start=period_start, period_end=period_end)
        if data is not None:
            collected[section.key] = data
    return collected
