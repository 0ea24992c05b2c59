"""The status report's sections from the feedback app (feedback.report_sections): open
complaints and the latest satisfaction figures."""

from __future__ import annotations

from feedback.report_sections import complaints_section, satisfaction_section
from reports.sections import register_report_section


def register() -> None:
    register_report_section(
        "complaints",
        complaints_section,
        template="feedback/report/_complaints.html",
        text_template="feedback/report/_complaints.txt",
        order=10,
    )
    register_report_section(
        "satisfaction",
        satisfaction_section,
        template="feedback/report/_satisfaction.html",
        text_template="feedback/report/_satisfaction.txt",
        order=20,
    )
