from django.urls import path

from accounts import views, views_calendars

app_name = "accounts"

urlpatterns = [
    path("branding/logo/<slug:digest>.png", views.branding_logo, name="branding_logo"),
    path("accounts/profile/", views.profile, name="profile"),
    path("accounts/profile/token/", views.token_regenerate, name="token_regenerate"),
    path("accounts/profile/token/revoke/", views.token_revoke, name="token_revoke"),
    path(
        "accounts/profile/calendar-feed/",
        views.calendar_feed_create_view,
        name="calendar_feed_create",
    ),
    path(
        "accounts/profile/calendar-feed/revoke/",
        views.calendar_feed_revoke_view,
        name="calendar_feed_revoke",
    ),
    # Working calendars: every organisation's (staff admins), and one's own.
    path(
        "accounts/calendars/",
        views_calendars.OrganizationCalendarListView.as_view(),
        name="calendars",
    ),
    path(
        "accounts/calendars/<int:organization_id>/",
        views_calendars.OrganizationCalendarView.as_view(),
        name="organization_calendar",
    ),
    path(
        "accounts/calendars/<int:organization_id>/days/",
        views_calendars.CalendarDayAddView.as_view(),
        name="organization_calendar_day_add",
    ),
    path(
        "accounts/calendars/<int:organization_id>/days/delete/",
        views_calendars.CalendarDayDeleteView.as_view(),
        name="organization_calendar_day_delete",
    ),
    path("accounts/calendar/", views_calendars.MyCalendarView.as_view(), name="my_calendar"),
    path("accounts/calendar/leave/", views_calendars.LeaveAddView.as_view(), name="leave_add"),
    path(
        "accounts/calendar/leave/delete/",
        views_calendars.LeaveDeleteView.as_view(),
        name="leave_delete",
    ),
]
