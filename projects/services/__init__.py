"""Writes for projects, one module per subject; each service authorises its actor through
projects.permissions."""

from projects.services.gates import gate_checklist, phase_gate_decide, phase_gate_request
from projects.services.memberships import (
    membership_add,
    membership_change_role,
    membership_check_side,
    membership_remove,
)
from projects.services.objectives import objective_create, objective_delete, objective_update
from projects.services.projects import (
    ProjectData,
    project_create,
    project_health_override,
    project_health_override_clear,
    project_set_archived,
    project_update,
)

__all__ = [
    "ProjectData",
    "gate_checklist",
    "membership_add",
    "membership_change_role",
    "membership_check_side",
    "membership_remove",
    "objective_create",
    "objective_delete",
    "objective_update",
    "phase_gate_decide",
    "phase_gate_request",
    "project_create",
    "project_health_override",
    "project_health_override_clear",
    "project_set_archived",
    "project_update",
]
