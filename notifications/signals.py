"""Events of the notifications app that higher apps act on."""

from django.dispatch import Signal

# An outbox message has just become FAILED (a permanent refusal, or its last transient one).
# Sent once per failure, inside the transaction that records it, with `message` (its bodies not
# loaded): receivers write their notices in that transaction.
outbox_message_failed = Signal()
