"""GET /api/v1/search/?q=: the search of projects.search, grouped by kind, for the API."""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import AuthenticatedRequest
from projects import search


class SearchInputSerializer(serializers.Serializer):
    q = serializers.CharField(
        min_length=search.MIN_QUERY_LENGTH,
        max_length=search.MAX_QUERY_LENGTH,
        trim_whitespace=True,
        error_messages={
            "min_length": _("Type at least {min_length} characters to search."),
            "blank": _("Type at least 2 characters to search."),
            "required": _("Type at least 2 characters to search."),
        },
    )
    kind = serializers.ChoiceField(choices=(), required=False)
    archived = serializers.BooleanField(required=False, default=False)
    limit = serializers.IntegerField(required=False, min_value=1, max_value=50, default=5)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(serializers.ChoiceField, self.fields["kind"]).choices = [
            searchable.kind for searchable in search.searchables()
        ]


class SearchProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class SearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    title = serializers.CharField()
    snippet = serializers.CharField(help_text="Plain text around the match.")
    snippet_html = serializers.CharField(help_text="The snippet, HTML-escaped, matches in <mark>.")
    url = serializers.CharField(help_text="The item's page on the caller's side.")
    project = SearchProjectSerializer()


class SearchGroupSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    results = SearchHitSerializer(many=True, source="hits")
    has_more = serializers.BooleanField()


class SearchResponseSerializer(serializers.Serializer):
    query = serializers.CharField()
    groups = SearchGroupSerializer(many=True)


class SearchView(APIView):
    """Everything the caller may see that matches `q`, grouped by kind, best first, at most
    `limit` per kind (`kind` narrows to one kind). Archived projects only with `archived=true`.
    A `q` shorter than 2 characters is a 400 naming the field. The API's default permission
    applies (a provider person without a second factor is refused)."""

    request: AuthenticatedRequest

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("kind", str),
            OpenApiParameter("archived", bool),
            OpenApiParameter("limit", int),
        ],
        responses=SearchResponseSerializer,
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        data = SearchInputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        options = data.validated_data
        side = "portal" if request.user.is_client_user else "staff"
        groups = search.search_grouped(
            user=request.user,
            text=options["q"],
            side=side,
            include_archived=options["archived"],
            per_kind=options["limit"],
            kinds=[options["kind"]] if options.get("kind") else None,
        )
        body = {"query": options["q"], "groups": groups}
        return Response(SearchResponseSerializer(body).data)
