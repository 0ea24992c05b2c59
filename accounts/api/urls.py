"""The signed-in user's API route, mounted under /api/v1/ by config.urls."""

from django.urls import path

from accounts.api import me

urlpatterns = [
    path("me/", me.MeView.as_view(), name="me"),
    path("me/calendar-feed/", me.CalendarFeedView.as_view(), name="me_calendar_feed"),
]
