from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Organization, User
from projects.models import Project


def organization_list_for(*, user: User) -> QuerySet[Organization]:
    """A client user sees their own organisation; provider people the provider and the clients
    of the projects they can see; a staff admin every organisation."""
    if not user.is_authenticated:
        return Organization.objects.none()
    if user.is_staff_admin:
        return Organization.objects.order_by("name")
    if user.is_client_user:
        return Organization.objects.filter(pk=user.organization_id)
    client_ids = Project.objects.visible_to(user).values("client_id")
    return Organization.objects.filter(
        Q(kind=Organization.Kind.PROVIDER) | Q(pk__in=client_ids)
    ).order_by("name")
