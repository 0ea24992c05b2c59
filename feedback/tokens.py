"""The tokenised survey link: the invitation's id and nonce, signed with a timestamp.

A link stops working `RAPPORT_SURVEY_LINK_MAX_AGE_DAYS` after it was made (each e-mail, reminder
and portal listing makes a fresh one); a changed character breaks the signature. The nonce ties
the link to the invitation row, so a link of a deleted and re-created invitation is refused.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from feedback.models import SurveyInvitation

SALT = "feedback.survey-invitation"


class LinkProblem(enum.Enum):
    TAMPERED = "tampered"
    EXPIRED = "expired"


@dataclass(frozen=True)
class LinkCheck:
    """What a link says: the invitation (None only for a tampered link) and, if it may not be
    used to answer, why."""

    invitation: SurveyInvitation | None
    problem: LinkProblem | None = None


def invitation_token(invitation: SurveyInvitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT)


def _invitation(payload: object) -> SurveyInvitation | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("i"), int):
        return None
    invitation = (
        SurveyInvitation.objects.select_related(
            "campaign__project__client", "campaign__template", "person"
        )
        .filter(pk=payload["i"])
        .first()
    )
    if invitation is None or invitation.nonce != payload.get("n"):
        return None
    return invitation


def invitation_check_token(token: str) -> LinkCheck:
    """The invitation of a link, and the problem with it if any. An expired link still names
    its invitation (its signature is sound), so the refusal speaks the recipient's language."""
    max_age = settings.RAPPORT_SURVEY_LINK_MAX_AGE_DAYS * 86400
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        payload = signing.loads(token, salt=SALT)
        invitation = _invitation(payload)
        if invitation is None:
            return LinkCheck(None, LinkProblem.TAMPERED)
        return LinkCheck(invitation, LinkProblem.EXPIRED)
    except signing.BadSignature:
        return LinkCheck(None, LinkProblem.TAMPERED)
    invitation = _invitation(payload)
    if invitation is None:
        return LinkCheck(None, LinkProblem.TAMPERED)
    return LinkCheck(invitation)
