"""Answering a survey: opening the link, unsubscribing, and the response (one per invitation,
changed in place until the campaign closes). An NPS 0-6 or CSAT 1-2 opens a follow-up for the
project's account manager (once per response).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from common.events import EventType, emit
from common.text import SHORT_TEXT_MAX_LENGTH
from feedback.models import (
    Campaign,
    QuestionKind,
    SurveyAnswer,
    SurveyInvitation,
    SurveyOptOut,
    SurveyQuestion,
    SurveyResponse,
)
from feedback.services.follow_ups import follow_up_open

if TYPE_CHECKING:
    pass


FREE_TEXT_MAX = SHORT_TEXT_MAX_LENGTH

# --- Answering ----------------------------------------------------------------------------------


def invitation_record_open(*, invitation: SurveyInvitation, now: datetime | None = None) -> None:
    """Count an opening of the survey page (the first one is kept)."""
    now = now or timezone.now()
    SurveyInvitation.objects.filter(pk=invitation.pk, first_opened_at__isnull=True).update(
        first_opened_at=now
    )
    from django.db.models import F

    SurveyInvitation.objects.filter(pk=invitation.pk).update(open_count=F("open_count") + 1)


@transaction.atomic
def invitation_unsubscribe(
    *, invitation: SurveyInvitation, now: datetime | None = None
) -> SurveyInvitation:
    """The recipient asks never to be surveyed again: no reminder, no further campaign."""
    now = now or timezone.now()
    invitation = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.unsubscribed_at is None:
        invitation.unsubscribed_at = now
        invitation.save(update_fields=["unsubscribed_at"])
    SurveyOptOut.objects.get_or_create(
        person_id=invitation.person_id, defaults={"invitation": invitation}
    )
    return invitation


@dataclass(frozen=True)
class CleanAnswer:
    question: SurveyQuestion
    rating: int | None = None
    choices: tuple[int, ...] = ()
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return self.rating is None and not self.choices and not self.text


def _as_int(value: Any, question: SurveyQuestion) -> int | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        if len(value) != 1:
            raise InvalidInput(_("Choose one answer."), field=f"q{question.pk}")
        value = value[0]
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("Choose one of the answers offered."), field=f"q{question.pk}"
        ) from None


def _clean_answer(question: SurveyQuestion, value: Any) -> CleanAnswer:
    field = f"q{question.pk}"
    if question.kind in (QuestionKind.NPS, QuestionKind.CSAT, QuestionKind.TOPIC_RATING):
        rating = _as_int(value, question)
        if rating is not None and rating not in question.scale:
            raise InvalidInput(
                _("Give a score from %(low)d to %(high)d.")
                % {"low": question.scale.start, "high": question.scale.stop - 1},
                field=field,
            )
        return CleanAnswer(question, rating=rating)
    if question.kind == QuestionKind.SINGLE_CHOICE:
        index = _as_int(value, question)
        if index is not None and not 0 <= index < len(question.choices):
            raise InvalidInput(_("Choose one of the answers offered."), field=field)
        return CleanAnswer(question, choices=() if index is None else (index,))
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        values = (
            value if isinstance(value, list | tuple) else ([] if value in (None, "") else [value])
        )
        indexes = []
        for item in values:
            index = _as_int(item, question)
            if index is None or not 0 <= index < len(question.choices):
                raise InvalidInput(_("Choose among the answers offered."), field=field)
            indexes.append(index)
        return CleanAnswer(question, choices=tuple(sorted(set(indexes))))
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = text.strip()
    if len(text) > FREE_TEXT_MAX:
        raise InvalidInput(
            _("Your answer is %(length)d characters long; at most %(max)d are allowed.")
            % {"length": len(text), "max": FREE_TEXT_MAX},
            field=field,
        )
    return CleanAnswer(question, text=text)


class SurveyErrors(InvalidInput):
    """Several answers are not valid; `errors` maps each field (q<id>) to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        first_field = next(iter(errors))
        super().__init__(_("Some answers need your attention."), field=first_field)


def clean_answers(*, questions: list[SurveyQuestion], values: dict[int, Any]) -> list[CleanAnswer]:
    """Check every answer against its question; all problems are reported together."""
    unknown = set(values) - {q.pk for q in questions}
    if unknown:
        raise InvalidInput(_("An answer refers to a question of another survey."), field="answers")
    errors: dict[str, str] = {}
    cleaned = []
    for question in questions:
        try:
            answer = _clean_answer(question, values.get(question.pk))
        except InvalidInput as error:
            errors[f"q{question.pk}"] = str(error.message)
            continue
        if question.is_required and answer.is_empty:
            errors[f"q{question.pk}"] = _("This question needs an answer.")
            continue
        cleaned.append(answer)
    if errors:
        raise SurveyErrors(errors)
    return cleaned


@transaction.atomic
def response_submit(
    *, invitation: SurveyInvitation, values: dict[int, Any], now: datetime | None = None
) -> SurveyResponse:
    """Record (or change) the invitation's one response while its campaign is open. The link (or
    the signed-in recipient) is the credential; the caller checked it. Nothing is written unless
    every answer is valid. A detractor score opens a follow-up for the account manager."""
    now = now or timezone.now()
    invitation = (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("campaign__project", "person")
        .get(pk=invitation.pk)
    )
    campaign = invitation.campaign
    if campaign.status != Campaign.Status.OPEN or campaign.closes_at <= now:
        raise InvalidTransition(_("This survey is closed; answers can no longer be changed."))
    if invitation.sent_at is None:
        raise NotAllowed()
    questions = list(campaign.template.questions.order_by("position"))
    answers = clean_answers(questions=questions, values=values)
    nps = next(
        (a.rating for a in answers if a.question.kind == QuestionKind.NPS and a.rating is not None),
        None,
    )
    csat = next(
        (
            a.rating
            for a in answers
            if a.question.kind == QuestionKind.CSAT and a.rating is not None
        ),
        None,
    )
    response = SurveyResponse.objects.filter(invitation=invitation).first()
    changed = response is not None
    if response is None:
        response = SurveyResponse.objects.create(
            invitation=invitation,
            campaign=campaign,
            project=campaign.project,
            client_id=campaign.project.client_id,
            respondent=invitation.person,
            nps=nps,
            csat=csat,
            language=invitation.language,
            submitted_at=now,
            updated_at=now,
        )
    else:
        response.nps, response.csat, response.updated_at = nps, csat, now
        response.save(update_fields=["nps", "csat", "updated_at"])
        response.answers.all().delete()
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(
            response=response,
            question=answer.question,
            rating=answer.rating,
            choices=list(answer.choices),
            text=answer.text,
        )
        for answer in answers
        if not answer.is_empty
    )
    if invitation.responded_at is None:
        invitation.responded_at = now
        invitation.save(update_fields=["responded_at"])
    if response.is_detractor:
        follow_up_open(response, now=now)
    # The provider's measure of satisfaction: never sent to a client's endpoint.
    emit(
        EventType.SURVEY_ANSWERED,
        project=campaign.project,
        client_visible=False,
        data={
            "campaign": {"id": campaign.pk, "trigger": campaign.trigger},
            "response": {
                "id": response.pk,
                "nps": nps,
                "csat": csat,
                "respondent": str(invitation.person) if invitation.person else None,
                "submitted_at": now.isoformat(),
                "changed": changed,
            },
        },
    )
    return response
