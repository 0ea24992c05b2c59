from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path("lessons/", views.LibraryView.as_view(), name="library"),
    path(
        "projects/<int:project_id>/lessons/",
        views.RetrospectiveView.as_view(),
        name="retrospective",
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
]
