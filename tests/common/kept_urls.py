"""A URLconf of its own for tests/common/test_cached_urls.py: the project page elsewhere."""

from django.http import HttpResponse
from django.urls import include, path


def _page(request, project_id):  # pragma: no cover  (only reversed)
    return HttpResponse()


urlpatterns = [
    path("elsewhere/", include(([path("<int:project_id>/", _page, name="detail")], "projects")))
]
