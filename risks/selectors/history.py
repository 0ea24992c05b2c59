"""A risk's history as a timeline of who changed what, from django-simple-history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Field, OuterRef, Subquery

from risks.models import Risk

# --- History ------------------------------------------------------------------------------------


@dataclass
class TimelineEntry:
    when: datetime
    who: str
    kind: str  # created, changed, deleted
    changes: list[tuple[str, str, str]]


def _display(risk_field: Any, value: Any) -> str:
    if value in (None, ""):
        return "—"
    choices = dict(risk_field.flatchoices) if risk_field.choices else None
    if choices is not None:
        return str(choices.get(value, value))
    return str(value)


def risk_timeline(*, risk: Risk) -> list[TimelineEntry]:
    """The risk's history as a timeline: who changed which fields from what to what (the
    internal note is not kept in history). One query: each record comes with the names of who
    made it and of the owner it gave the risk."""
    from accounts.models import User as UserModel

    def name_of(column: str) -> Subquery:
        return Subquery(UserModel.objects.filter(pk=OuterRef(column)).values("display_name")[:1])

    records = list(
        risk.history.annotate(
            history_user_name=name_of("history_user_id"), owner_name=name_of("owner_id")
        ).order_by("history_date", "history_id")
    )
    names: dict[Any, str] = {}
    for record in records:
        for pk, name in (
            (record.history_user_id, record.history_user_name),
            (record.owner_id, record.owner_name),
        ):
            if pk is not None and name is not None:
                names[pk] = name
    entries: list[TimelineEntry] = []
    previous = None
    for record in records:
        who = names.get(record.history_user_id, "—")
        if previous is None or record.history_type == "+":
            entries.append(TimelineEntry(record.history_date, who, "created", []))
        else:
            delta = record.diff_against(previous)
            changes = []
            for change in delta.changes:
                if change.field in ("assessed_at",):
                    continue
                model_field = Risk._meta.get_field(change.field)
                if not isinstance(model_field, Field):
                    continue
                old, new = change.old, change.new
                if model_field.is_relation:  # the owner: a person's name, not an id
                    old, new = names.get(old, old), names.get(new, new)
                changes.append(
                    (
                        str(model_field.verbose_name),
                        _display(model_field, old),
                        _display(model_field, new),
                    )
                )
            if changes:
                entries.append(TimelineEntry(record.history_date, who, "changed", changes))
        previous = record
    return entries
