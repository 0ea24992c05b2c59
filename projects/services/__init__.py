"""Writes for projects, one module per subject; each service authorises its actor through
projects.permissions."""

from projects.services.memberships import (
    membership_add,
    membership_change_role,
    membership_check_side,
    membership_remove,
)
from projects.services.projects import (
    ProjectData,
    project_create,
    project_set_archived,
    project_update,
)

__all__ = [
    "ProjectData",
    "membership_add",
    "membership_change_role",
    "membership_check_side",
    "membership_remove",
    "project_create",
    "project_set_archived",
    "project_update",
]
