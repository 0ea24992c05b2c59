"""What the confidentiality suite's cast needs of status reports: a schedule and one report
(sent now by the PM, so "send now" again is a 409)."""

from __future__ import annotations

from typing import Any

from projects.models import Role
from reports.services.reports import report_send_now
from reports.services.schedules import ExtraAddress, schedule_save


def add_report_cast(cast: Any) -> None:
    cast.report_schedule = schedule_save(
        actor=cast.pm,
        project=cast.project,
        cadence="weekly",
        weekday=0,
        day_of_month=1,
        hour=9,
        recipient_roles=[Role.CLIENT_ADMIN, Role.CUSTOMER_REP],
        is_active=True,
        extra_recipients=[ExtraAddress("sponsor@a.test", "Sam Sponsor", "en")],
    )
    cast.report = report_send_now(actor=cast.pm, project=cast.project)
