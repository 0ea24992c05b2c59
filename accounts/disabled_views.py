"""allauth pages that Rapport does not offer: people join by invitation, the e-mail address is
the login and is changed by a staff admin, and there is no login by e-mailed code."""

from django.http import Http404, HttpRequest, HttpResponse


def not_offered(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    raise Http404
