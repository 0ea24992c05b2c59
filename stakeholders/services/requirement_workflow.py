"""The requirements workflow: its steps, where each may start and who may take it.

draft → submitted → clarified (awaits the client's confirmation) → confirmed → in progress →
delivered → accepted; any open requirement may be deferred or rejected with a reason, and a
deferred one submitted again. The PM triages; the client admin or customer rep confirms and
accepts a client-visible requirement; the PM starts an internal one without a confirmation and
accepts it. The services that take the steps are in stakeholders.services.requirements.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from projects.models import Visibility
from stakeholders.models import Requirement
from stakeholders.permissions import can_decide_requirement, can_triage_requirement

if TYPE_CHECKING:
    from accounts.models import User

Status = Requirement.Status


def is_internal(requirement: Requirement) -> bool:
    """An internal requirement never reaches the client."""
    return requirement.visibility == Visibility.INTERNAL


def _may_accept(user: User, requirement: Requirement) -> bool:
    if is_internal(requirement):
        return can_triage_requirement(user, requirement)
    return can_decide_requirement(user, requirement)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str
    allowed: Callable[[User, Requirement], bool]
    needs_reason: bool = False

    def starts_from(self, requirement: Requirement) -> bool:
        """Whether the step may start from the requirement's status: a client-visible
        requirement starts only once confirmed."""
        if self.name == "start" and not is_internal(requirement):
            return requirement.status == Status.CONFIRMED
        return requirement.status in self.sources


_OPEN = frozenset({Status.DRAFT, Status.SUBMITTED, Status.CLARIFIED, Status.CONFIRMED})
# Past these, the content the client signed off and received is final.
CONTENT_FROZEN = frozenset({Status.DELIVERED, Status.ACCEPTED, Status.REJECTED})

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit",
            frozenset({Status.DRAFT, Status.DEFERRED}),
            Status.SUBMITTED,
            can_triage_requirement,
        ),
        Transition(
            "clarify",
            frozenset({Status.DRAFT, Status.SUBMITTED}),
            Status.CLARIFIED,
            can_triage_requirement,
        ),
        Transition(
            "confirm", frozenset({Status.CLARIFIED}), Status.CONFIRMED, can_decide_requirement
        ),
        Transition("start", _OPEN, Status.IN_PROGRESS, can_triage_requirement),
        Transition(
            "deliver", frozenset({Status.IN_PROGRESS}), Status.DELIVERED, can_triage_requirement
        ),
        Transition("accept", frozenset({Status.DELIVERED}), Status.ACCEPTED, _may_accept),
        Transition(
            "defer",
            _OPEN | {Status.IN_PROGRESS},
            Status.DEFERRED,
            can_triage_requirement,
            needs_reason=True,
        ),
        Transition(
            "reject",
            _OPEN | {Status.IN_PROGRESS},
            Status.REJECTED,
            can_triage_requirement,
            needs_reason=True,
        ),
    )
}


def transitions_available(*, user: User, requirement: Requirement) -> list[Transition]:
    """The steps `user` may take on the requirement now (for the buttons of a page)."""
    return [
        t
        for t in TRANSITIONS.values()
        if t.starts_from(requirement) and t.allowed(user, requirement)
    ]
