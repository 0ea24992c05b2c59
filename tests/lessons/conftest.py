from __future__ import annotations

from typing import Any

import pytest

from lessons.services import lesson_create
from projects.models import Visibility


@pytest.fixture
def make_lesson():
    """lesson_create with plain defaults: `make_lesson(actor, project, title=..., ...)`."""

    def make(actor: Any, project: Any, **values: Any):
        values.setdefault("title", "A lesson")
        values.setdefault("category", "communication")
        values.setdefault("what_went_wrong", "Weekly calls were skipped.")
        return lesson_create(actor=actor, project=project, **values)

    return make


INTERNAL = Visibility.INTERNAL
CLIENT = Visibility.CLIENT
