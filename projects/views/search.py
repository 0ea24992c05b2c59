"""The search page, on both sides: the staff app's (/search/) and the portal's (/portal/search/)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from accounts.http import AuthenticatedHttpRequest
from accounts.mixins import StaffPageMixin
from projects import search


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        min_length=search.MIN_QUERY_LENGTH,
        max_length=search.MAX_QUERY_LENGTH,
        strip=True,
        error_messages={
            "min_length": _("Type at least %(limit_value)d characters to search."),
            "required": _("Type at least 2 characters to search."),
        },
    )
    kind = forms.ChoiceField(required=False, choices=())
    archived = forms.BooleanField(required=False, label=_("Include archived projects"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["kind"]).choices = [("", "")] + [
            (searchable.kind, searchable.label) for searchable in search.searchables()
        ]


class SearchViewMixin:
    """Parse the query, call the search, render: grouped and capped per kind, or one kind
    paginated when `kind` is given (the "more" link)."""

    side = "staff"
    request: AuthenticatedHttpRequest

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = SearchForm(request.GET)
        context: dict[str, Any] = {"form": form, "query": request.GET.get("q", "").strip()}
        status = 200
        if not request.GET.get("q", "").strip():
            context["prompt"] = True
        elif not form.is_valid():
            status = 400
        else:
            context.update(self.results(form.cleaned_data))
        page = cast("TemplateView", self)  # the mixin is on a TemplateView
        return page.render_to_response(page.get_context_data(**context), status=status)

    def results(self, data: dict[str, Any]) -> dict[str, Any]:
        text, archived = data["q"], data["archived"]
        searchable = search.searchable_get(data["kind"]) if data["kind"] else None
        if searchable is None:
            groups = search.search_grouped(
                user=self.request.user, text=text, side=self.side, include_archived=archived
            )
            return {"groups": groups, "has_hits": any(group.hits for group in groups)}
        items = search.search_queryset(
            searchable, user=self.request.user, text=text, include_archived=archived
        )
        page = Paginator(items, search.PAGE_SIZE).get_page(self.request.GET.get("page"))
        hits = [search.to_hit(searchable, item, text=text, side=self.side) for item in page]
        query = self.request.GET.copy()
        query.pop("page", None)
        return {
            "kind": searchable,
            "page": page,
            "hits": hits,
            "has_hits": bool(hits),
            "page_query": query.urlencode(),
        }


class SearchView(StaffPageMixin, SearchViewMixin, TemplateView):
    request: AuthenticatedHttpRequest

    template_name = "projects/search.html"
    side = "staff"
