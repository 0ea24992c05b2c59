from django.urls import path

from stakeholders.api import views_discussions as views

urlpatterns = [
    path(
        "discussions/<str:target>/<int:object_id>/entries/",
        views.EntryListView.as_view(),
        name="discussion-entries",
    ),
]
