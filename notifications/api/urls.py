"""The notifications' API routes, mounted under /api/v1/ by config.urls."""

from django.urls import path

from notifications.api import notifications, preferences

urlpatterns = [
    path(
        "me/notification-preferences/",
        preferences.MyPreferencesView.as_view(),
        name="notification-preferences",
    ),
    path(
        "me/notifications/mark-read/",
        notifications.MarkReadView.as_view(),
        name="notifications-mark-read",
    ),
]
