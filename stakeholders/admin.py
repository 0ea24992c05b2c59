"""Admin for the stakeholders app."""

from stakeholders import admin_discussions  # noqa: F401  (registers the discussion admins)
