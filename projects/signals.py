"""Events of the projects app that other apps act on, sent after the transaction commits (so a
receiver never sees, or queues work for, a change that was rolled back). Receivers must be cheap
and idempotent: queue a task, do not do the work in the request."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# A deliverable was accepted by the client (or deemed accepted). kwargs: deliverable_id.
deliverable_accepted = Signal()
# A project reached the closed phase. kwargs: project_id.
project_closed = Signal()


def send_after_commit(signal: Signal, **kwargs: object) -> None:
    transaction.on_commit(lambda: signal.send(sender=None, **kwargs))
