"""Search over everything a person may see: a small registry of searchable kinds and the engine.

An app makes its items findable with `register_searchable` (see docs/architecture.md):

    register_searchable(
        kind="risk",
        label=_("Risks"),
        queryset_for_user=risk_search_scope_for,   # (user=, include_archived=) -> scoped QuerySet
        fields=(("title", "A"), ("description", "B")),
        url_for=lambda risk, side: ...,            # side is "staff" or "portal"
    )

`queryset_for_user` must be a selector that already applies the permission layer (the item's
visibility, its project's membership, archived projects only when asked) and select_related
its `project`: the engine only narrows it to the query, ranks and cuts it.

On PostgreSQL the match is full-text search with the "simple" configuration (no stemming, so
English and Chinese text index alike) and `websearch` queries, ranked by `SearchRank` with the
field weights. Each kind's weighted vector is stored in its row (a `search_vector` column that a
trigger keeps up to date, with a GIN index over it: `common.migration_operations.
AddStoredSearchVector`, one per kind, its fields those of the registration), so a search reads
an index, and checking the rows of a person's projects against the query does not parse their
text again (tests/projects/test_search.py compares every kind's trigger with its fields). The
"simple" parser makes a whole run of Han characters one token, so for a query with CJK characters
the engine also matches a case-insensitive substring of the title fields (the weight "A" ones).
That part has no index (a trigram index needs the pg_trgm extension, which we do not require): it
is bounded by the scoped queryset. On SQLite (the embedded default) every field is matched by
substring.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
)
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Expression,
    F,
    FloatField,
    Model,
    Q,
    QuerySet,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import JSONObject, RowNumber
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language

from accounts.stand_ins import Standing, built_alike
from common.compiled import CompiledValues
from common.json_rows import objects_from_json
from common.migration_operations import SEARCH_VECTOR_COLUMN

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from accounts.models import User
    from projects.models import Project

CONFIG = "simple"
MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200
PER_KIND = 5
PAGE_SIZE = 20
SNIPPET_CHARS = 160
# Control characters cannot appear in stored text: the headline marks them, Python escapes the
# text and only then turns them into <mark> tags.
_START, _STOP = "\x02", "\x03"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")

Side = str  # "staff" or "portal"


@dataclass(frozen=True)
class Searchable:
    kind: str
    label: str | Promise
    queryset_for_user: Callable[..., QuerySet[Any]]
    fields: tuple[tuple[str, str], ...]
    url_for: Callable[[Any, Side], str]
    related_match: Callable[[str, SearchQuery | None], QuerySet[Any]] | None = None
    title_for: Callable[[Any], str] | None = None

    @property
    def title_fields(self) -> list[str]:
        return [name for name, weight in self.fields if weight == "A"]

    @property
    def title_field(self) -> str:
        return self.title_fields[-1] if len(self.title_fields) > 1 else self.fields[0][0]

    @property
    def text_fields(self) -> list[str]:
        return [name for name, weight in self.fields if weight != "A"]

    def vector(self) -> SearchVector:
        return search_vector(self.fields)


def search_vector(fields: Sequence[tuple[str, str]]) -> SearchVector:
    """The weighted vector of `fields`: one setweight(to_tsvector('simple', ...)) per field,
    concatenated. A GIN index over exactly this expression serves the search."""
    vector: Any = None
    for name, weight in fields:
        part = SearchVector(name, config=CONFIG, weight=weight)
        vector = part if vector is None else vector + part
    return vector


class StoredVector(Expression):
    """The row's stored search vector: the `search_vector` column of its table (PostgreSQL), the
    weighted vector of its kind's fields, kept up to date by a trigger."""

    output_field = SearchVectorField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        query = compiler.query
        alias = query.base_table or query.get_initial_alias()
        column = connection.ops.quote_name(SEARCH_VECTOR_COLUMN)
        return f"{compiler.quote_name_unless_alias(alias)}.{column}", []


_REGISTRY: dict[str, Searchable] = {}


def register_searchable(
    kind: str,
    label: str | Promise,
    queryset_for_user: Callable[..., QuerySet[Any]],
    fields: Sequence[tuple[str, str]],
    url_for: Callable[[Any, Side], str],
    *,
    related_match: Callable[[str, SearchQuery | None], QuerySet[Any]] | None = None,
    title_for: Callable[[Any], str] | None = None,
) -> Searchable:
    """Make a kind of item findable. `fields` are (field name, weight "A" to "D"); the "A" fields
    are the item's title (the last one is shown). `related_match(text, query)` may add matches
    found in another table (a document's file names): a one-column QuerySet of the item ids;
    `query` is None on SQLite. `title_for(item)` names a hit whose title field is not a title
    (a discussion entry is shown as the item it belongs to)."""
    searchable = Searchable(
        kind=kind,
        label=label,
        queryset_for_user=queryset_for_user,
        fields=tuple(fields),
        url_for=url_for,
        related_match=related_match,
        title_for=title_for,
    )
    _REGISTRY[kind] = searchable
    return searchable


def searchables() -> list[Searchable]:
    return list(_REGISTRY.values())


def searchable_get(kind: str) -> Searchable | None:
    return _REGISTRY.get(kind)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def _use_full_text() -> bool:
    return connection.vendor == "postgresql"


def search_queryset(
    searchable: Searchable, *, user: User, text: str, include_archived: bool = False
) -> QuerySet[Any]:
    """The items of one kind that `user` may see and that match `text`, best first, annotated
    with `search_rank` and (on PostgreSQL) `search_headline`."""
    items = searchable.queryset_for_user(user=user, include_archived=include_archived)
    substring = Q()
    cjk = has_cjk(text) or not _use_full_text()
    if cjk:
        fields = searchable.title_fields if _use_full_text() else [f for f, _ in searchable.fields]
        for name in fields:
            substring |= Q(**{f"{name}__icontains": text})
    title_hit = Q()
    for name in searchable.title_fields:
        title_hit |= Q(**{f"{name}__icontains": text})
    if not _use_full_text():
        match = substring
        if searchable.related_match is not None:
            match |= Q(pk__in=searchable.related_match(text, None))
        return (
            items.filter(match)
            .annotate(
                search_rank=Case(
                    When(title_hit, then=Value(1.0)), default=Value(0.0), output_field=FloatField()
                )
            )
            .order_by("-search_rank", searchable.title_field, "pk")
        )
    query = SearchQuery(text, config=CONFIG, search_type="websearch")
    match = Q(search_vector=query)
    if cjk:
        match |= substring
    if searchable.related_match is not None:
        # One set of ids from both indexes: an OR of the vector and a subquery would make
        # PostgreSQL scan the table instead of reading the index.
        own = items.model.objects.annotate(search_vector=StoredVector()).filter(match).values("pk")
        match = Q(pk__in=own.union(searchable.related_match(text, query)))
    rank: Any = SearchRank(F("search_vector"), query)
    if cjk:
        rank = rank + Case(
            When(title_hit, then=Value(1.0)), default=Value(0.0), output_field=FloatField()
        )
    items = items.annotate(search_vector=StoredVector()).filter(match).annotate(search_rank=rank)
    if searchable.text_fields and not cjk:
        items = items.annotate(
            search_headline=SearchHeadline(
                searchable.text_fields[0],
                query,
                config=CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=30,
                min_words=12,
                short_word=1,  # type: ignore[arg-type]  # PostgreSQL takes a number
                highlight_all=False,
            )
        )
    return items.order_by("-search_rank", searchable.title_field, "pk")


@dataclass(frozen=True)
class SearchHit:
    kind: str
    id: int
    title: str
    snippet: str
    snippet_html: SafeString
    url: str
    project: Project


@dataclass(frozen=True)
class SearchGroup:
    kind: str
    label: str | Promise
    hits: list[SearchHit]
    has_more: bool


def _marked(text: str) -> tuple[str, SafeString]:
    plain = text.replace(_START, "").replace(_STOP, "")
    html = escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return plain, mark_safe(html)  # noqa: S308 (escaped above; only our marks become tags)


def _substring_snippet(text: str, query: str) -> str:
    """A window of the text around the first occurrence of the query, marked (CJK, SQLite)."""
    position = text.lower().find(query.lower())
    if position < 0:
        return Truncator(text).chars(SNIPPET_CHARS)
    start = max(position - SNIPPET_CHARS // 3, 0)
    end = min(position + len(query) + SNIPPET_CHARS // 2, len(text))
    found = text[position : position + len(query)]
    return (
        ("…" if start else "")
        + text[start:position]
        + _START
        + found
        + _STOP
        + text[position + len(query) : end]
        + ("…" if end < len(text) else "")
    )


def to_hit(searchable: Searchable, item: Any, *, text: str, side: Side) -> SearchHit:
    headline = getattr(item, "search_headline", None)
    if headline is None:
        source = " ".join(
            str(getattr(item, name) or "") for name in searchable.text_fields
        ).strip() or str(getattr(item, searchable.title_field))
        headline = _substring_snippet(source, text)
    snippet, snippet_html = _marked(headline)
    project = item if searchable.kind == "project" else item.project
    return SearchHit(
        kind=searchable.kind,
        id=item.pk,
        title=(
            searchable.title_for(item)
            if searchable.title_for is not None
            else str(getattr(item, searchable.title_field))
        ),
        snippet=snippet,
        snippet_html=snippet_html,
        url=searchable.url_for(item, side),
        project=project,
    )


def search_grouped(
    *,
    user: User,
    text: str,
    side: Side,
    include_archived: bool = False,
    per_kind: int = PER_KIND,
    kinds: Sequence[str] | None = None,
) -> list[SearchGroup]:
    """The best `per_kind` hits of every kind (or of `kinds`), in registry order. The kinds
    whose hits are read from their own row and project (see `_reads_in_one_query`) come from
    one query together; any other kind costs its own. On PostgreSQL, for a text without CJK
    characters and a person with an organisation, that one query is compiled once per process
    for everyone of the person's standing (_union_for_everyone) and read with their id, their
    organisation and the text; so is the query of each kind named after another row
    (_own_query_for_everyone)."""
    chosen = [s for s in searchables() if kinds is None or s.kind in kinds]
    found: dict[str, list[Any]] = {}
    if _read_compiled(user, text, chosen):
        key = (
            tuple(searchable.kind for searchable in chosen),
            Standing.of(user),
            include_archived,
            per_kind,
            get_language(),
            timezone.get_current_timezone_name(),
        )
        admin = user.is_staff_admin
        values = [user.pk, user.organization_id, text]
        rows = (_admins_read if admin else _everyone_s_read).rows(values, key)
        found.update(_objects_of_rows(rows, _MODELS))
        apart = []
        for searchable in chosen:
            if _compiled_kind(searchable):
                continue
            if searchable.related_match is not None:
                apart.append(searchable)
                continue
            # A kind named after another row: its own query, compiled alike, and what it
            # prefetches read for its hits.
            read = _admins_own_read if admin else _everyone_s_own_read
            hits = read.objects(values, (searchable.kind, *key[1:]))
            prefetch_related_objects(hits, *_PREFETCHES[searchable.kind])
            found[searchable.kind] = hits
    else:
        apart = []
        together = []
        models: dict[str, type[Model]] = {}
        for searchable in chosen:
            items = search_queryset(
                searchable, user=user, text=text, include_archived=include_archived
            )
            if _reads_in_one_query(searchable, items):
                together.append(_top_rows(searchable, items, per_kind + 1))
                models[searchable.kind] = items.model
            else:
                found[searchable.kind] = list(items[: per_kind + 1])
        if together:
            union = together[0].union(*together[1:], all=True) if len(together) > 1 else together[0]
            found.update(_objects_of_rows(list(union), models))
    for searchable in apart:
        items = search_queryset(searchable, user=user, text=text, include_archived=include_archived)
        found[searchable.kind] = list(items[: per_kind + 1])
    groups = []
    for searchable in chosen:
        hits = found.get(searchable.kind, [])
        groups.append(
            SearchGroup(
                kind=searchable.kind,
                label=searchable.label,
                hits=[to_hit(searchable, item, text=text, side=side) for item in hits[:per_kind]],
                has_more=len(hits) > per_kind,
            )
        )
    return groups


def _read_compiled(user: User, text: str, chosen: list[Searchable]) -> bool:
    """Whether the kinds read together come from the compiled query: on PostgreSQL, for a text
    without CJK characters (matched as a substring too, a value made from the text) and a
    person with an organisation."""
    return (
        _use_full_text()
        and not has_cjk(text)
        and user.organization_id is not None
        and any(_compiled_kind(searchable) for searchable in chosen)
    )


def _compiled_kind(searchable: Searchable) -> bool:
    """Whether a kind is read in the compiled query: not named after another row (those are
    read apart anyway), and matched on its own rows alone (a document's file names are matched
    on words made from the text, which a compiled query cannot take)."""
    return searchable.title_for is None and searchable.related_match is None


def _union_for_everyone(key: tuple[Any, ...], values: list[Any]) -> QuerySet[Any]:
    """The kinds read in one query (_compiled_kind), for the person whose
    id and organisation are `values[0:2]`, matching the text `values[2]`: built for a stand-in
    of the key's standing (accounts.stand_ins), the same query for everyone of that standing,
    whose own projects and roles the SQL reads."""
    kinds, standing, include_archived, per_kind, _language, _zone = key
    user_id, organization_id, text = values

    def union_for(person: User) -> QuerySet[Any]:
        parts = []
        for kind in kinds:
            searchable = _REGISTRY[kind]
            if not _compiled_kind(searchable):
                continue
            items = search_queryset(
                searchable, user=person, text=text, include_archived=include_archived
            )
            if not _reads_in_one_query(searchable, items):
                raise ImproperlyConfigured(f"The search kind {kind!r} prefetches: name it apart.")
            parts.append(_top_rows(searchable, items, per_kind + 1))
            _MODELS[kind] = items.model
        return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]

    return built_alike(union_for, user_id, organization_id, standing)


# The model of each kind read in the compiled query (learnt as it is built).
_MODELS: dict[str, type[Model]] = {}


def _own_query_for_everyone(key: tuple[Any, ...], values: list[Any]) -> QuerySet[Any]:
    """The best hits of one kind read apart but matched on its own rows (the key's first part:
    a discussion entry, named after its item), for the person and the text of `values`, built
    for a stand-in of the key's standing; what it prefetches is kept in _PREFETCHES, to be read
    for the hits."""
    kind, standing, include_archived, per_kind, _language, _zone = key
    user_id, organization_id, text = values
    searchable = _REGISTRY[kind]

    def own_for(person: User) -> QuerySet[Any]:
        items: Any = search_queryset(
            searchable, user=person, text=text, include_archived=include_archived
        )
        _PREFETCHES[kind] = tuple(items._prefetch_related_lookups)
        return items.prefetch_related(None)[: per_kind + 1]

    return built_alike(own_for, user_id, organization_id, standing)


# What each kind read by _own_query_for_everyone prefetches (learnt as it is built).
_PREFETCHES: dict[str, tuple[Any, ...]] = {}

# The search's one query, compiled once per process, kinds, standing, options, language and time
# zone, and read with the person's id and organisation and the text (common.compiled). A person's
# organisation is read by some kinds only (a client's lessons). Planned for each text: a plan for
# any text matched the patterns over three times the rows (17 ms against 43 with 10,000 projects).
_everyone_s_read = CompiledValues(_union_for_everyone, optional=[1], planned_per_run=True)
# A staff admin sees every project: their query reads neither their id nor their organisation.
_admins_read = CompiledValues(_union_for_everyone, optional=[0, 1], planned_per_run=True)
# The kinds named after another row, each its own query, compiled alike.
_everyone_s_own_read = CompiledValues(_own_query_for_everyone, optional=[1])
_admins_own_read = CompiledValues(_own_query_for_everyone, optional=[0, 1])


def _reads_in_one_query(searchable: Searchable, items: QuerySet[Any]) -> bool:
    """Whether a hit of this kind needs nothing but its row's id, project id, search fields and
    project (id, code, name): what its url_for reads. A kind that prefetches, or is named by
    `title_for` after another row, is read apart."""
    prefetches: tuple[Any, ...] = getattr(items, "_prefetch_related_lookups", ())
    return searchable.title_for is None and not prefetches


def _top_rows(searchable: Searchable, items: QuerySet[Any], count: int) -> QuerySet[Any]:
    """The best `count` items as rows of (kind, position, the item as JSON), numbered by a
    window: cut by LIMIT where the database allows it inside a UNION (PostgreSQL), else by a
    filter on the number (SQLite)."""
    shape: dict[str, Any] = {"id": "pk"}
    shape.update({name: name for name, _weight in searchable.fields})
    if searchable.kind != "project":
        shape["project_id"] = "project_id"
        shape["project"] = JSONObject(id="project__id", code="project__code", name="project__name")
    if "search_headline" in items.query.annotations:
        shape["search_headline"] = "search_headline"
    order = [F("search_rank").desc(), F(searchable.title_field).asc(), F("pk").asc()]
    columns = {
        "search_kind": Value(searchable.kind, output_field=CharField()),
        "search_order": F("search_position"),
        "row": JSONObject(**shape),
    }
    if connection.features.supports_slicing_ordering_in_compound:
        # PostgreSQL: ORDER BY and LIMIT in each part, so that the JSON (and the headline, the
        # costly part) is made for the rows kept only.
        items = items.annotate(search_position=Window(RowNumber(), order_by=order))
        return items.order_by("search_position").values(**columns)[:count]
    return (
        items.order_by()
        .annotate(search_position=Window(RowNumber(), order_by=order))
        .filter(search_position__lte=count)
        .values(**columns)
    )


def _objects_of_rows(
    rows: list[dict[str, Any]], models: dict[str, type[Model]]
) -> dict[str, list[Any]]:
    """Each kind's items, best first, from `_top_rows`' rows: model objects as the kind's own
    query would have made them (the project's id, code and name read; a headline where there is
    one)."""
    found: dict[str, list[Any]] = {}
    for row in sorted(rows, key=lambda row: row["search_order"]):
        found.setdefault(row["search_kind"], []).append(row["row"])
    made: dict[str, list[Any]] = {}
    for kind, values in found.items():
        model = models[kind]
        related = [] if kind == "project" else ["project"]
        made[kind] = objects_from_json(model, values, related=related)
        for item, value in zip(made[kind], values, strict=True):
            if "search_headline" in value:
                item.search_headline = value["search_headline"]
    return made
