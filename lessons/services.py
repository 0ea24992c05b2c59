"""Writes of lessons learned: add, edit, delete. Each checks lessons.permissions first.

Invariants: `client` is the project's client and `side` the author's side at creation; a
client's lesson is always client-visible; `search_document` always matches the texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from common.errors import InvalidInput, NotAllowed
from common.history import set_history_user
from common.text import LONG_TEXT_MAX_LENGTH, SHORT_TEXT_MAX_LENGTH, clean_text
from lessons.models import TITLE_MAX_LENGTH, Category, Lesson, Side
from lessons.permissions import can_add_lesson, can_change_lesson, may_choose_visibility
from lessons.text import search_document
from projects.models import Phase, Visibility

if TYPE_CHECKING:
    from accounts.models import User
    from projects.models import Project

MAX_TAGS = 20
TAG_MAX_LENGTH = 50


def _clean_tags(tags: Sequence[str]) -> list[str]:
    cleaned: list[str] = []
    for tag in tags:
        value = str(tag).strip()
        if not value:
            continue
        if len(value) > TAG_MAX_LENGTH:
            raise InvalidInput(
                _("A tag has at most %(max)d characters.") % {"max": TAG_MAX_LENGTH}, field="tags"
            )
        if value not in cleaned:
            cleaned.append(value)
    if len(cleaned) > MAX_TAGS:
        raise InvalidInput(_("At most %(max)d tags.") % {"max": MAX_TAGS}, field="tags")
    return cleaned


def _clean_texts(
    *, title: str, what_went_well: str, what_went_wrong: str, recommendation: str
) -> dict[str, str]:
    values = {
        "title": clean_text(
            title, field="title", label=_("The title"), max_length=TITLE_MAX_LENGTH
        ),
        "what_went_well": clean_text(
            what_went_well,
            field="what_went_well",
            label=_("What went well"),
            max_length=LONG_TEXT_MAX_LENGTH,
            required=False,
        ),
        "what_went_wrong": clean_text(
            what_went_wrong,
            field="what_went_wrong",
            label=_("What went wrong"),
            max_length=LONG_TEXT_MAX_LENGTH,
            required=False,
        ),
        "recommendation": clean_text(
            recommendation,
            field="recommendation",
            label=_("The recommendation"),
            max_length=SHORT_TEXT_MAX_LENGTH,
            required=False,
        ),
    }
    if not values["what_went_well"] and not values["what_went_wrong"]:
        raise InvalidInput(
            _("Say what went well or what went wrong (or both)."), field="what_went_well"
        )
    return values


def _check_choice(value: str, choices: Sequence[str], field: str) -> str:
    if value not in choices:
        raise InvalidInput(_("Choose one of the offered values."), field=field)
    return value


def _document(lesson: Lesson) -> str:
    return search_document(
        [
            lesson.title,
            lesson.what_went_well,
            lesson.what_went_wrong,
            lesson.recommendation,
            " ".join(lesson.tags),
        ]
    )


@transaction.atomic
def lesson_create(
    *,
    actor: User,
    project: Project,
    title: str,
    category: str,
    what_went_well: str = "",
    what_went_wrong: str = "",
    recommendation: str = "",
    tags: Sequence[str] | None = None,
    phase: str | None = None,
    visibility: str | None = None,
) -> Lesson:
    """Record a lesson of `project` by `actor`. The tags default to the project's (its industry
    tags) and the phase to the project's current one. A provider's lesson is internal unless
    `visibility` says client; a client's lesson is always client-visible, whatever is asked.

    Raises NotAllowed unless actor may add lessons to the project, InvalidInput on a bad field.
    """
    if not can_add_lesson(actor, project):
        raise NotAllowed(_("You may not add lessons to this project."))
    texts = _clean_texts(
        title=title,
        what_went_well=what_went_well,
        what_went_wrong=what_went_wrong,
        recommendation=recommendation,
    )
    provider = may_choose_visibility(actor, project)
    lesson = Lesson(
        project=project,
        client_id=project.client_id,
        author=actor,
        side=Side.PROVIDER if provider else Side.CLIENT,
        category=_check_choice(category, Category.values, "category"),
        tags=_clean_tags(tags if tags is not None else list(project.tags or [])),
        phase=_check_choice(phase or project.phase, Phase.values, "phase"),
        visibility=(
            _check_choice(visibility or Visibility.INTERNAL, Visibility.values, "visibility")
            if provider
            else Visibility.CLIENT
        ),
        **texts,
    )
    lesson.search_document = _document(lesson)
    set_history_user(lesson, actor)
    lesson.save()
    return lesson


@transaction.atomic
def lesson_update(
    *,
    actor: User,
    lesson: Lesson,
    title: str | None = None,
    what_went_well: str | None = None,
    what_went_wrong: str | None = None,
    recommendation: str | None = None,
    category: str | None = None,
    tags: Sequence[str] | None = None,
    phase: str | None = None,
    visibility: str | None = None,
) -> Lesson:
    """Change a lesson; fields left None keep their value. Only its author and the project's
    PM may; a client's lesson stays client-visible (a provider may share or unshare their own).

    Raises NotAllowed unless actor may change it, InvalidInput on a bad field.
    """
    if not can_change_lesson(actor, lesson):
        raise NotAllowed(_("Only the author and the project manager change a lesson."))
    texts = _clean_texts(
        title=lesson.title if title is None else title,
        what_went_well=lesson.what_went_well if what_went_well is None else what_went_well,
        what_went_wrong=lesson.what_went_wrong if what_went_wrong is None else what_went_wrong,
        recommendation=lesson.recommendation if recommendation is None else recommendation,
    )
    for name, value in texts.items():
        setattr(lesson, name, value)
    if category is not None:
        lesson.category = _check_choice(category, Category.values, "category")
    if tags is not None:
        lesson.tags = _clean_tags(tags)
    if phase is not None:
        lesson.phase = _check_choice(phase, Phase.values, "phase")
    if visibility is not None and lesson.side == Side.PROVIDER:
        lesson.visibility = _check_choice(visibility, Visibility.values, "visibility")
    lesson.search_document = _document(lesson)
    set_history_user(lesson, actor)
    lesson.save()
    return lesson


@transaction.atomic
def lesson_delete(*, actor: User, lesson: Lesson) -> None:
    """Remove a lesson (its history keeps it). Only its author and the project's PM may."""
    if not can_change_lesson(actor, lesson):
        raise NotAllowed(_("Only the author and the project manager change a lesson."))
    set_history_user(lesson, actor)
    lesson.delete()
