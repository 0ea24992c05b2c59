"""Who may do what in a project's closeout (the role table of DESIGN.md, extended)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rules

from accounts.permissions import is_staff_admin
from projects.permissions import is_client_admin, is_pm, is_staff_member

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project

# The provider's view: every point with its open items and the waivers' reasons.
can_view_closeout = is_staff_member | is_staff_admin
can_request_closure = is_pm
can_waive_closeout_point = is_pm
can_give_final_acceptance = is_client_admin


@rules.predicate
def can_reopen_project(user: User, project: Project) -> bool:
    return bool(is_staff_admin.test(user))


for _name, _predicate in {
    "view_closeout": can_view_closeout,
    "request_closure": can_request_closure,
    "waive_closeout_point": can_waive_closeout_point,
    "give_final_acceptance": can_give_final_acceptance,
    "reopen_project": can_reopen_project,
}.items():
    rules.add_perm(f"closeout.{_name}", _predicate)

# The portfolio report (every project, with its closeout state): staff admins only.
rules.add_perm("closeout.view_portfolio_report", is_staff_admin)
