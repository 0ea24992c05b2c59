"""The "Give feedback" link of e-mails to client people about a project.

`feedback_link(project)` is the absolute URL of the portal's raise-feedback page with the project
pre-selected. The page needs a login; the login page sends the person back to the form. Any
e-mail template may show it with `{% include "feedback/tickets/email/_feedback_footer.txt" %}`
when its context has `feedback_url` (or `project`, see `feedback_footer_context`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

if TYPE_CHECKING:
    from projects.models import Project


def feedback_path(project: Project | int) -> str:
    project_id = project if isinstance(project, int) else project.pk
    return f"{reverse('feedback:portal_ticket_create')}?{urlencode({'project': project_id})}"


def feedback_link(project: Project | int) -> str:
    """Absolute URL of the portal's raise-feedback form for `project` (login required)."""
    return settings.SITE_URL.rstrip("/") + feedback_path(project)


def feedback_footer_context(project: Project | int) -> dict[str, Any]:
    return {"feedback_url": feedback_link(project)}
