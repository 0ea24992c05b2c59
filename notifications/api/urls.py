"""The notification preferences' API route, mounted under /api/v1/ by config.urls."""

from django.urls import path

from notifications.api import preferences

urlpatterns = [
    path(
        "me/notification-preferences/",
        preferences.MyPreferencesView.as_view(),
        name="notification-preferences",
    ),
]
