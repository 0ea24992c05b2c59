from django.urls import path

from notifications.api import views

urlpatterns = [
    path(
        "me/notification-preferences/",
        views.MyPreferencesView.as_view(),
        name="notification-preferences",
    ),
]
