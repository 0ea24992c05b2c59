"""Pages of lessons learned: a project's retrospective (staff), the provider's library, and the
portal's page where the client reads the shared lessons and contributes their own."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import PortalPageMixin, StaffPageMixin
from common.exports import ExportFormatMixin, Table, local_day
from common.pages import run_action, run_form
from lessons.forms import LessonForm, PortalLessonForm
from lessons.models import Category, Lesson, Side
from lessons.permissions import can_add_lesson, can_change_lesson, can_view_library
from lessons.selectors import (
    LessonFilters,
    lesson_get_for,
    lesson_list_for,
    library_clients_for,
    library_list_for,
)
from lessons.services import lesson_create, lesson_delete, lesson_update
from projects.closure import writable_when_closed
from projects.mixins import ProjectPageMixin
from projects.models import Phase

PAGE_SIZE = 20


def _edit_form(lesson: Lesson, data: Any = None) -> LessonForm:
    return LessonForm(
        data,
        prefix=f"l{lesson.pk}",
        initial={
            "title": lesson.title,
            "category": lesson.category,
            "what_went_well": lesson.what_went_well,
            "what_went_wrong": lesson.what_went_wrong,
            "recommendation": lesson.recommendation,
            "tags": lesson.tags,
            "phase": lesson.phase,
            "visibility": lesson.visibility,
        },
    )


@writable_when_closed
class RetrospectiveView(StaffPageMixin, ProjectPageMixin, TemplateView):
    """The project's lessons, what went well and what went wrong, with the form to add one."""

    request: AuthenticatedHttpRequest
    template_name = "lessons/retrospective.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        failed = kwargs.get("edit_form")
        lessons = list(lesson_list_for(user=user, project=self.project))
        for lesson in lessons:
            lesson.may_change = can_change_lesson(user, lesson)  # type: ignore[attr-defined]
            if lesson.may_change:  # type: ignore[attr-defined]
                lesson.form = (  # type: ignore[attr-defined]
                    failed
                    if failed is not None and failed.prefix == f"l{lesson.pk}"
                    else _edit_form(lesson)
                )
        context.update(
            lessons=lessons,
            went_well=[lesson for lesson in lessons if lesson.what_went_well],
            went_wrong=[lesson for lesson in lessons if lesson.what_went_wrong],
            may_add=can_add_lesson(user, self.project),
            form=kwargs.get("form") or LessonForm(),
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = LessonForm(request.POST)
        if run_form(
            form, lambda data: lesson_create(actor=request.user, project=self.project, **data)
        ):
            messages.success(request, _("Lesson recorded."))
            return redirect("lessons:retrospective", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


@writable_when_closed
class LessonEditView(RetrospectiveView):
    """POST only: the author or the PM changes a lesson."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        lesson = lesson_get_for(
            user=request.user, lesson_id=self.kwargs["lesson_id"], project=self.project
        )
        if not can_change_lesson(request.user, lesson):
            raise PermissionDenied
        form = _edit_form(lesson, request.POST)
        if run_form(form, lambda data: lesson_update(actor=request.user, lesson=lesson, **data)):
            messages.success(request, _("Lesson saved."))
            return redirect("lessons:retrospective", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(edit_form=form), status=400)


@writable_when_closed
class LessonDeleteView(RetrospectiveView):
    """POST only: the author or the PM removes a lesson."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        lesson = lesson_get_for(
            user=request.user, lesson_id=self.kwargs["lesson_id"], project=self.project
        )
        if not can_change_lesson(request.user, lesson):
            raise PermissionDenied
        run_action(
            request,
            lambda: lesson_delete(actor=request.user, lesson=lesson),
            success=_("Lesson removed."),
        )
        return redirect("lessons:retrospective", project_id=self.project.pk)


def _lesson_table(lessons: Any, *, with_project: bool, client_side: bool) -> Table:
    """Lessons as the pages show them: category, phase, author, date, the three texts and the
    tags; the team's file says which are internal, the client's has no such column."""
    headers = [_("Client"), _("Project")] if with_project else []
    headers += [
        _("Title"),
        _("Category"),
        _("Phase"),
        _("Author"),
        _("Recorded"),
        _("What went well"),
        _("What went wrong"),
        _("Recommendation"),
        _("Tags"),
        _("From the client"),
    ]
    if not client_side:
        headers.append(_("Visibility"))
    rows = (
        ([lesson.client.name, lesson.project.name] if with_project else [])
        + [
            lesson.title,
            lesson.get_category_display(),
            lesson.get_phase_display(),
            lesson.author.display_name,
            lesson.created_at,
            lesson.what_went_well,
            lesson.what_went_wrong,
            lesson.recommendation,
            ", ".join(lesson.tags),
            lesson.side == Side.CLIENT,
        ]
        + ([] if client_side else [lesson.get_visibility_display()])
        for lesson in lessons
    )
    return Table(title=_("Lessons learned"), headers=headers, rows=rows)


class RetrospectiveExportView(StaffPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The project's lessons as CSV or Excel for the team, internal ones marked."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        lessons = lesson_list_for(user=request.user, project=self.project)
        return self.export(
            _lesson_table(lessons, with_project=False, client_side=False),
            name=f"{self.project.code}-lessons",
            day=local_day(self.project.client.time_zone),
        )


class PortalLessonsExportView(PortalPageMixin, ExportFormatMixin, ProjectPageMixin, View):
    """The lessons the client reads in the portal (client-visible ones only) as CSV or Excel."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        lessons = lesson_list_for(user=request.user, project=self.project)
        return self.export(
            _lesson_table(lessons, with_project=False, client_side=True),
            name=f"{self.project.code}-lessons",
            day=local_day(self.project.client.time_zone),
        )


class LibraryExportView(StaffPageMixin, ExportFormatMixin, View):
    """The library as CSV or Excel with the page's search and filters (every matching lesson,
    not one page of them), each with its client and project."""

    request: AuthenticatedHttpRequest

    def get(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_view_library(request.user):
            raise PermissionDenied
        lessons = library_list_for(user=request.user, filters=LessonFilters.from_query(request.GET))
        return self.export(
            _lesson_table(lessons, with_project=True, client_side=False),
            name="lessons",
            day=local_day(),
        )


class LibraryView(StaffPageMixin, TemplateView):
    """The provider's library of lessons from every project: search and filters, paginated."""

    request: AuthenticatedHttpRequest
    template_name = "lessons/library.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not can_view_library(self.request.user):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        user = self.request.user
        filters = LessonFilters.from_query(self.request.GET)
        page = Paginator(library_list_for(user=user, filters=filters), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            page=page,
            filters=filters,
            query_string=query.urlencode(),
            clients=library_clients_for(user=user),
            category_choices=Category.choices,
            phase_choices=Phase.choices,
        )
        return context


@writable_when_closed
class PortalLessonsView(PortalPageMixin, ProjectPageMixin, TemplateView):
    """The client's page: the lessons the team shares, and their own contribution."""

    request: AuthenticatedHttpRequest
    template_name = "lessons/portal_lessons.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            lessons=lesson_list_for(user=user, project=self.project),
            may_add=can_add_lesson(user, self.project),
            form=kwargs.get("form") or PortalLessonForm(),
        )
        return context

    def post(self, request: AuthenticatedHttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_add_lesson(request.user, self.project):
            raise PermissionDenied
        form = PortalLessonForm(request.POST)
        if run_form(
            form, lambda data: lesson_create(actor=request.user, project=self.project, **data)
        ):
            messages.success(request, _("Thank you: your lesson is shared with the team."))
            return redirect("lessons:portal_lessons", project_id=self.project.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)
