"""Lessons learned in the API, under /api/v1/lessons/: list (the library's filters and search),
record, read, edit, remove. The same selectors, services and predicates as the pages: a client
reads only the client-visible lessons of their own projects."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.http import AuthenticatedRequest
from lessons.api.serializers import LessonCreateSerializer, LessonSerializer, LessonUpdateSerializer
from lessons.models import Lesson
from lessons.selectors import LessonFilters, lesson_get_for, library_list_for
from lessons.services import lesson_create, lesson_delete, lesson_update
from projects.selectors import project_get_for

FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Full-text search (English, Chinese and others)"),
    OpenApiParameter("project", int),
    OpenApiParameter("client", int),
    OpenApiParameter("category", str),
    OpenApiParameter("phase", str),
    OpenApiParameter("tag", str),
]


class LessonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Lessons learned: provider people read the library of every project, clients the
    client-visible lessons of their own projects; the author and the PM change a lesson."""

    request: AuthenticatedRequest
    serializer_class = LessonSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Lesson]:
        if getattr(self, "swagger_fake_view", False):
            return Lesson.objects.none()
        filters = LessonFilters.from_query(self.request.query_params, strict=True)
        return library_list_for(user=self.request.user, filters=filters)

    def get_object(self) -> Lesson:
        return lesson_get_for(user=self.request.user, lesson_id=int(self.kwargs["pk"]))

    @extend_schema(parameters=FILTER_PARAMETERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=LessonCreateSerializer, responses={201: LessonSerializer})
    def create(self, request: AuthenticatedRequest) -> Response:
        data = LessonCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = project_get_for(user=request.user, project_id=values.pop("project"))
        lesson = lesson_create(actor=request.user, project=project, **values)
        return Response(LessonSerializer(lesson).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LessonUpdateSerializer, responses=LessonSerializer)
    def partial_update(self, request: AuthenticatedRequest, pk: str) -> Response:
        lesson = self.get_object()
        data = LessonUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        lesson = lesson_update(actor=request.user, lesson=lesson, **data.validated_data)
        return Response(LessonSerializer(lesson).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: AuthenticatedRequest, pk: str) -> Response:
        lesson_delete(actor=request.user, lesson=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
