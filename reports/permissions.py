"""Who may do what with status reports (DESIGN.md: the PM owns the schedule; the client's people
receive the reports; a client admin may pause them or change who receives them).

- read the archive (a report's web view and PDF): everyone in the project, either side, and
  staff admins (a report holds only client-visible content);
- see the schedule: everyone in the project;
- edit the whole schedule, write the summary, preview, send now: the PM;
- pause / resume, change the recipients: the PM and the client admin;
- see deliveries (addresses, failures): the provider side; resend one: the PM and staff admins.
"""

from __future__ import annotations

import rules

from accounts.permissions import is_staff_admin
from projects.permissions import (
    can_edit_plan,
    can_view_internal_items,
    can_view_project,
    is_client_admin,
    is_pm,
)

can_view_reports = can_view_project
can_manage_report_schedule = can_edit_plan
can_manage_report_recipients = is_pm | is_client_admin
can_send_report = can_edit_plan
can_view_report_deliveries = can_view_internal_items


@rules.predicate
def _is_staff_admin(user: object, project: object) -> bool:
    return bool(is_staff_admin(user))


can_resend_report = is_pm | _is_staff_admin

REPORT_PERMISSIONS: dict[str, rules.Predicate] = {
    "view_reports": can_view_reports,
    "manage_report_schedule": can_manage_report_schedule,
    "manage_report_recipients": can_manage_report_recipients,
    "send_report": can_send_report,
    "view_report_deliveries": can_view_report_deliveries,
    "resend_report": can_resend_report,
}

for _name, _predicate in REPORT_PERMISSIONS.items():
    rules.add_perm(f"reports.{_name}", _predicate)
