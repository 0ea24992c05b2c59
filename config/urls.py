from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import views as account_views
from accounts.disabled_views import not_offered
from accounts.views import admin_login
from config import health
from operations.views import metrics
from projects.views import SearchView
from projects.views.clients import home

# The admin signs in through the product's login (with its second factor), never its own form.
admin.site.login = admin_login  # type: ignore[method-assign]
admin.site.has_permission = lambda request: bool(  # type: ignore[method-assign]
    request.user.is_authenticated and request.user.is_staff_admin
)
admin.site.site_header = "Rapport"

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("projects.api.urls")),
    path("", include("stakeholders.api.urls")),
    path("", include("notifications.api.urls")),
    path("", include("discussions.api.urls")),
    path("", include("risks.api.urls")),
    path("", include("feedback.api.urls")),
    path("", include("reports.api.urls")),
    path("", include("closeout.api.urls")),
    path("", include("lessons.api.urls")),
    path("", include("scorecards.api.urls")),
    path("", include("portal.api.urls")),
    path("", include("integrations.api.urls")),
    path("", include("operations.api.urls")),
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics, name="metrics"),
    # Before the pages: a route is found by trying the patterns in order, and no page's pattern
    # can match an address under api/v1/ (tests/config/test_urls.py).
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("", include("accounts.urls")),
    path("", include("projects.urls_invitations")),
    path("", include("projects.urls_clients")),
    # allauth pages that are not offered (see accounts.disabled_views), ahead of allauth's own.
    *[
        path(
            f"accounts/{route}",
            not_offered,
            name="not_offered_" + route.strip("/").replace("/", "_").replace("-", "_"),
        )
        for route in (
            "signup/",
            "email/",
            "confirm-email/",
            "password/set/",
            "login/code/confirm/",
            "reauthenticate/code/",
            "reauthenticate/code/confirm/",
            "inactive/",
        )
    ],
    re_path(
        r"^accounts/confirm-email/(?P<key>[-:\w]+)/$",
        not_offered,
        name="not_offered_confirm_email_key",
    ),
    path("accounts/", include("allauth.urls")),
    path("projects/", include("projects.urls")),
    path("search/", SearchView.as_view(), name="search"),
    path("", include("discussions.urls")),
    path("", include("stakeholders.urls")),
    path("", include("risks.urls")),
    path("", include("feedback.urls")),
    path("", include("reports.urls")),
    path("", include("closeout.urls")),
    path("", include("lessons.urls")),
    path("", include("scorecards.urls")),
    path("", include("integrations.urls")),
    path("notifications/", include("notifications.urls")),
    path("portal/", include("portal.urls")),
    path("operations/", include("operations.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
]

# A database that cannot be reached answers 503 with Retry-After; under /api/ errors are JSON.
handler404 = "common.http_errors.page_not_found"
handler500 = "common.http_errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
