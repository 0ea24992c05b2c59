"""The organisations API: a person's own organisation and the clients of their projects."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from accounts.api.me import OrganizationSerializer
from accounts.http import AuthenticatedRequest
from accounts.models import Organization
from projects.selectors import organization_list_for


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations the user deals with: their own, and the clients of their projects."""

    request: AuthenticatedRequest
    serializer_class = OrganizationSerializer
    lookup_value_regex = r"\d+"
    filterset_fields = ["kind"]
    search_fields = ["name"]
    ordering_fields = ["name"]

    def get_queryset(self) -> QuerySet[Organization]:
        return organization_list_for(user=self.request.user)
