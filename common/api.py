"""API plumbing shared by every app: pagination and the error handler."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable
from django.http import Http404
from django.utils.functional import cached_property
from rest_framework import status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.api_throttling import throttled_by_address
from common.errors import ApplicationError, NotFound
from common.http_errors import (
    DATABASE_UNAVAILABLE,
    RETRY_AFTER_SECONDS,
    too_large_body,
    unavailable_body,
)
from common.serializers import read_columns, row_paths, write_rows

# From this many rows in, a page reads its ids before its rows (DeferredJoinPaginator).
DEFERRED_JOIN_FROM = 500


def _ordered_to_the_row(rows: QuerySet[Any]) -> bool:
    """Whether the order of `rows` is plain fields ending with the primary key: one row after
    another, so that the reverse order is exactly the list read backwards (PostgreSQL and SQLite
    put NULLs at the other end when the order is reversed)."""
    query = rows.query
    order = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    if not order or query.extra_order_by:
        return False
    if not all(isinstance(term, str) and term.lstrip("-") and "?" not in term for term in order):
        return False
    return str(order[-1]).lstrip("-") in ("pk", rows.model._meta.pk.name)


def _is_values(rows: QuerySet[Any]) -> bool:
    """Whether `rows` is a values() queryset (rows as dicts or tuples, not model objects)."""
    return getattr(rows, "_fields", None) is not None


def _rows_hold_their_keys(rows: QuerySet[Any]) -> bool:
    """Whether each row of `rows` holds its primary key: a model object does; a values() row
    where the values name it."""
    if not _is_values(rows):
        return True
    fields = rows._fields  # type: ignore[attr-defined]
    return rows._iterable_class is ValuesIterable and rows.model._meta.pk.name in fields


def _pk_of(row: Any, rows: QuerySet[Any]) -> Any:
    """The primary key of a row of `rows`: a model object's, or a values() row's."""
    return row[rows.model._meta.pk.name] if isinstance(row, dict) else row.pk


class DeferredJoinPaginator(Paginator):
    """A late page reads the ids of its rows first, then the rows by id. The first page reads
    its rows before the count: where they all fit on it, they are the count.

    OFFSET over whole rows reads (and often sorts) every row before the page; over the ids
    alone it is an index-only scan wherever an index covers the filter and the order (the task
    list's (project, position, id)). A page in the second half of the list reads its ids from
    the end, in the reverse order, so the last page of ten thousand skips as few entries as the
    first. Early pages, and querysets that cannot be filtered by id, read as usual.

    `counted`: the rows to count, where the list's own rows count slower (values() rows that
    name a related column keep its join in their count, and PostgreSQL then reads each row
    rather than the index alone: 2.7 ms against 1.0 for 10,000 tasks)."""

    def __init__(self, *args: Any, counted: QuerySet[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counted = counted

    @cached_property
    def count(self) -> int:
        if self.counted is not None:
            return self.counted.count()
        return super().count

    def page(self, number: Any) -> Page:
        first = self._first_page(number)
        if first is not None:
            return first
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if (
            bottom < DEFERRED_JOIN_FROM
            or not isinstance(rows, QuerySet)
            or rows.query.combinator
            or not _rows_hold_their_keys(rows)
        ):
            return Page(rows[bottom:top], number, self)
        if self.count - top < bottom and _ordered_to_the_row(rows):
            # Nearer the end: the ids read from the end, in the reverse order, then turned.
            ids = list(
                rows.reverse().values_list("pk", flat=True)[self.count - top : self.count - bottom]
            )[::-1]
        else:
            ids = list(rows.values_list("pk", flat=True)[bottom:top])
        by_id = {_pk_of(row, rows): row for row in rows.filter(pk__in=ids)}
        return Page([by_id[pk] for pk in ids if pk in by_id], number, self)

    def _first_page(self, number: Any) -> Page | None:
        """The first page, its rows read before the count: a list that fits in one page (most
        do) is counted by its rows, without a query of its own; a longer one is counted, and its
        first page is the rows already read."""
        if "count" in self.__dict__ or str(number).strip() != "1":
            return None
        rows = self.object_list
        if not isinstance(rows, QuerySet) or not self.allow_empty_first_page:
            return None
        limit = self.per_page + self.orphans
        found = list(rows[: limit + 1])
        if len(found) <= limit:
            self.__dict__["count"] = len(found)  # Paginator.count is a cached property
            return Page(found, 1, self)
        return Page(found[: self.per_page], 1, self)


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        # The view's rows to count, where it names them (LeanListMixin).
        self._counted = getattr(view, "rows_counted", None)
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, object_list: Any, per_page: int) -> DeferredJoinPaginator:  # type: ignore[override]
        return DeferredJoinPaginator(object_list, per_page, counted=getattr(self, "_counted", None))


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DATABASE_UNAVAILABLE):
        return Response(
            unavailable_body(),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(too_large_body(), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    exc = throttled_by_address(exc, context)
    if isinstance(exc, NotFound):
        exc = Http404()
    if isinstance(exc, ApplicationError):
        body: dict[str, Any] = {"code": exc.code, "detail": str(exc.message)}
        if exc.field:
            body = {exc.field: [str(exc.message)], "code": exc.code}
        return Response(body, status=exc.http_status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if response.status_code == status.HTTP_404_NOT_FOUND:
        response.data = {"code": "not_found", "detail": str(NotFound.default_message)}
    elif isinstance(response.data, list):
        # A ValidationError raised with bare messages (DRF's search filter refusing a null
        # character, say): the documented body is an object, the messages its detail.
        response.data = {"code": "invalid", "detail": " ".join(str(m) for m in response.data)}
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data["code"] = getattr(response.data["detail"], "code", "error")
    return response


def read_lean(queryset: QuerySet[Any], serializer_class: type[Any]) -> QuerySet[Any]:
    """`queryset` reading only the columns and relations `serializer_class` shows
    (common.serializers.read_columns), or as it is where those are not known."""
    columns = read_columns(serializer_class)
    if columns is None:
        return queryset
    # select_related() with no names would follow every foreign key.
    queryset = queryset.select_related(None)
    if columns.related:
        queryset = queryset.select_related(*columns.related)
    return queryset.only(*columns.only)


class LeanListMixin:
    """A viewset whose list reads only what its serializer shows: the columns of the rows and of
    the relations it shows, not whole rows of every relation the selector joins. For a viewset
    whose `list` serializes its page with `get_serializer_class()`.

    Where the serializer reads nothing but columns (common.serializers.row_paths), the page is
    read as values() rows and written as the serializer writes objects (write_rows): no model
    object is made. `get_serializer` is given the page as usual (dicts, then), so that a view
    can read what its context needs for the rows of the page."""

    def list(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        view: Any = self
        queryset = view.filter_queryset(view.get_queryset())
        paths = row_paths(view.get_serializer_class())
        if paths is None or not isinstance(queryset, QuerySet) or queryset.query.combinator:
            page = view.paginate_queryset(queryset)
            objects = queryset if page is None else page
            data = view.get_serializer(objects, many=True).data
            return Response(data) if page is None else view.get_paginated_response(data)
        rows = queryset.values(*paths)
        view.rows_counted = queryset
        page = view.paginate_queryset(rows)
        listed = list(rows) if page is None else page
        written = write_rows(view.get_serializer(listed, many=True).child, listed)
        return Response(written) if page is None else view.get_paginated_response(written)

    def paginate_queryset(self, queryset: Any) -> Any:
        view: Any = self
        if view.action == "list" and isinstance(queryset, QuerySet) and not _is_values(queryset):
            queryset = read_lean(queryset, view.get_serializer_class())
        return super().paginate_queryset(queryset)  # type: ignore[misc]
