"""Demo data of the portal: NW-WMS asks its client for answers within three business days, and
Northwind's representative last opened it a week ago, so "since your last visit" has news.
Idempotent: existing rows are left alone."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from portal.models import ClientResponseTime, ProjectVisit
from projects.models import Project

if TYPE_CHECKING:
    from accounts.models import User


def seed_portal(*, people: dict[str, User]) -> int:
    project = Project.objects.filter(code="NW-WMS").first()
    if project is None:
        return 0
    created = 0
    _setting, was_created = ClientResponseTime.objects.get_or_create(
        project=project, defaults={"client_response_days": 3}
    )
    created += was_created
    rep = people.get("rep@northwind.example")
    if rep is not None:
        _visit, was_created = ProjectVisit.objects.get_or_create(
            user=rep, project=project, defaults={"visited_at": timezone.now() - timedelta(days=7)}
        )
        created += was_created
    return created
