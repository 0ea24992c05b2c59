from django.urls import path

from common.exports import export_paths
from lessons import views

app_name = "lessons"

urlpatterns = [
    path("lessons/", views.LibraryView.as_view(), name="library"),
    *export_paths(
        "lessons/library", views.LibraryExportView, csv_name="library_csv", xlsx_name="library_xlsx"
    ),
    path(
        "projects/<int:project_id>/lessons/",
        views.RetrospectiveView.as_view(),
        name="retrospective",
    ),
    *export_paths(
        "projects/<int:project_id>/lessons/list",
        views.RetrospectiveExportView,
        csv_name="retrospective_csv",
        xlsx_name="retrospective_xlsx",
    ),
    path(
        "projects/<int:project_id>/lessons/<int:lesson_id>/edit/",
        views.LessonEditView.as_view(),
        name="lesson_edit",
    ),
    path(
        "projects/<int:project_id>/lessons/<int:lesson_id>/delete/",
        views.LessonDeleteView.as_view(),
        name="lesson_delete",
    ),
    path(
        "portal/projects/<int:project_id>/lessons/",
        views.PortalLessonsView.as_view(),
        name="portal_lessons",
    ),
    *export_paths(
        "portal/projects/<int:project_id>/lessons/list",
        views.PortalLessonsExportView,
        csv_name="portal_lessons_csv",
        xlsx_name="portal_lessons_xlsx",
    ),
]
