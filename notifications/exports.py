"""Failed e-mails as an exported table: recipient, subject, reason, attempts and last attempt,
the columns of the pages that list them (a project's undelivered e-mails, the operations page).
Never a message's text: an account e-mail's body (a reset link) is its recipient's alone."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from common.exports import Table
from notifications.models import OutboxMessage


def failed_email_table(messages: Iterable[OutboxMessage], *, title: Any) -> Table:
    headers = [_("Recipient"), _("Subject"), _("Reason"), _("Attempts"), _("Last attempt")]
    rows = (
        [
            message.to_email,
            message.subject,
            message.last_error,
            message.attempts,
            message.last_attempt_at,
        ]
        for message in messages
    )
    return Table(title=title, headers=headers, rows=rows)
