"""What the staff pages of the projects app share."""

from __future__ import annotations


def as_int(raw: str | None) -> int:
    """A posted or queried id as a number; 0 (which matches no object) when it is not one."""
    try:
        return int(raw or "")
    except ValueError:
        return 0
