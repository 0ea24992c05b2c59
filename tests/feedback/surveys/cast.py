"""Survey objects for the confidentiality suite's cast (tests/confidentiality/role_table.py):
made on first use and kept on the cast. The PM sends the default template to client A's
project; the customer representative answers with a low score, which opens a follow-up."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from feedback.models import QuestionKind, SurveyInvitation
from feedback.services.campaigns import campaign_create
from feedback.services.responses import response_submit
from feedback.services.sending import campaign_send
from feedback.services.survey_templates import survey_template_default
from feedback.tokens import invitation_token


def survey_cast(cast: Any) -> Any:
    if getattr(cast, "survey_campaign", None) is not None:
        return cast
    template = survey_template_default()
    campaign = campaign_create(
        actor=cast.pm,
        project=cast.project,
        template=template,
        name="Pulse",
        closes_at=timezone.now() + timedelta(days=14),
    )
    campaign_send(campaign_id=campaign.pk)
    invitation = SurveyInvitation.objects.get(campaign=campaign, person=cast.rep)
    questions = {q.kind: q for q in template.questions.all()}
    response = response_submit(
        invitation=invitation,
        values={questions[QuestionKind.NPS].pk: 3, questions[QuestionKind.CSAT].pk: 2},
    )
    cast.survey_template = template
    cast.survey_campaign = campaign
    cast.survey_invitation = invitation
    cast.survey_token = invitation_token(invitation)
    cast.survey_response = response
    cast.survey_follow_up = response.follow_up
    return cast
