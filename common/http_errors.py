"""What a request answers when it fails outside a view's own handling: JSON under /api/, the HTML
error page elsewhere. A database that cannot be reached is a 503 with Retry-After (not a 500), a
body over DATA_UPLOAD_MAX_MEMORY_SIZE a 413. common.api's exception handler answers alike inside
the API views; the middleware and handler500 here cover what happens before and around them."""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import TemplateDoesNotExist, loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.defaults import page_not_found as html_page_not_found
from django.views.defaults import server_error as page_server_error

API_PREFIX = "/api/"
RETRY_AFTER_SECONDS = 30
# A database that cannot be reached, or a connection lost on the way: worth trying again later.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def unavailable_body() -> dict[str, str]:
    return {
        "code": "unavailable",
        "detail": _("The service is unavailable for a moment. Please try again shortly."),
    }


def too_large_body() -> dict[str, str]:
    return {"code": "too_large", "detail": _("The request is too large.")}


def _unavailable(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if is_api(request):
        response = JsonResponse(unavailable_body(), status=503)
    else:
        try:
            content = loader.get_template("503.html").render()
        except TemplateDoesNotExist:
            content = "<h1>Service Unavailable (503)</h1>"
        response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: an address under /api/ that names no endpoint (or an object by a malformed
    key) gets the API's own 404 body, not the HTML page."""
    if is_api(request):
        return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)
    return html_page_not_found(request, exception or Exception())


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called while the exception is handled, so it can tell what failed."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_UNAVAILABLE):
        return _unavailable(request)
    if is_api(request):
        return JsonResponse(
            {"code": "server_error", "detail": _("The server could not complete the request.")},
            status=500,
        )
    return page_server_error(request)


class RequestLimitsMiddleware:
    """An API request whose declared body is over DATA_UPLOAD_MAX_MEMORY_SIZE is answered 413
    before anything reads it (the API's parsers read the body themselves, past Django's check).
    Multipart bodies are left to Django's parser, which checks their fields without the files."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request) and self._too_large(request):
            return JsonResponse(too_large_body(), status=413)
        return self.get_response(request)

    @staticmethod
    def _too_large(request: HttpRequest) -> bool:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None or request.content_type == "multipart/form-data":
            return False
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        return length > limit

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_api(request) and isinstance(exception, RequestDataTooBig):
            return JsonResponse(too_large_body(), status=413)
        if isinstance(exception, DATABASE_UNAVAILABLE):
            return _unavailable(request)
        return None
