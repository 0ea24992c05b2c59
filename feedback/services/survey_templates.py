"""Writes for survey templates and their questions: create, copy, set the default, archive; a
template that a campaign used is frozen (its questions are what people answered).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from common.errors import InvalidInput, InvalidTransition, NotAllowed
from common.text import clean_text
from feedback.models import (
    QuestionKind,
    SurveyQuestion,
    SurveyTemplate,
    Topic,
)
from feedback.permissions import manages_surveys_somewhere

if TYPE_CHECKING:
    from accounts.models import User


NAME_MAX = 200
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
QUESTION_MAX = 500
CHOICE_MAX = 200

# --- Templates ----------------------------------------------------------------------------------


def _require_template_manager(actor: User) -> None:
    if not manages_surveys_somewhere(actor):
        raise NotAllowed()


def _require_editable(template: SurveyTemplate) -> None:
    if template.campaigns.exists():
        raise InvalidTransition(
            _("This template was already sent, so its questions stay as they were. Copy it.")
        )


@transaction.atomic
def survey_template_create(
    *, actor: User, name: str, description: str = "", is_default: bool = False
) -> SurveyTemplate:
    _require_template_manager(actor)
    name = clean_text(name, field="name", label=_("The name"), max_length=NAME_MAX)
    template = SurveyTemplate.objects.create(
        name=name, description=(description or "").strip(), created_by=actor
    )
    if is_default:
        survey_template_set_default(actor=actor, template=template)
    return template


# The template that ships with the product (migration feedback/0001_surveys writes the same):
# kind, topic, English, Chinese, required.
DEFAULT_TEMPLATE_NAME = "Project satisfaction"
DEFAULT_QUESTIONS: list[tuple[str, str, str, str, bool]] = [
    (
        QuestionKind.NPS,
        "",
        "How likely are you to recommend us to a friend or colleague?",
        "您向朋友或同事推荐我们的可能性有多大？",
        True,
    ),
    (
        QuestionKind.CSAT,
        "",
        "Overall, how satisfied are you with our work on this project?",
        "总体而言，您对我们在本项目中的工作满意吗？",
        True,
    ),
    (
        QuestionKind.TOPIC_RATING,
        Topic.COMMUNICATION,
        "How do you rate our communication?",
        "您如何评价我们的沟通？",
        False,
    ),
    (
        QuestionKind.TOPIC_RATING,
        Topic.QUALITY,
        "How do you rate the quality of what we delivered?",
        "您如何评价我们交付成果的质量？",
        False,
    ),
    (
        QuestionKind.TOPIC_RATING,
        Topic.TIMELINESS,
        "How do you rate our timeliness?",
        "您如何评价我们的及时性？",
        False,
    ),
    (
        QuestionKind.TOPIC_RATING,
        Topic.VALUE,
        "How do you rate the value for money?",
        "您如何评价我们服务的性价比？",
        False,
    ),
    (QuestionKind.FREE_TEXT, "", "What should we do better?", "我们应该在哪些方面改进？", False),
]


@transaction.atomic
def survey_template_default() -> SurveyTemplate:
    """The default template; the shipped one is written again if none is the default (a
    database flushed after its migrations, for instance)."""
    template = SurveyTemplate.objects.filter(is_default=True).first()
    if template is not None:
        return template
    template = SurveyTemplate.objects.create(
        name=DEFAULT_TEMPLATE_NAME,
        description="NPS, overall satisfaction and a rating of each topic.",
        is_default=True,
    )
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(
            template=template,
            position=position,
            kind=kind,
            topic=topic,
            text=text,
            text_zh_hans=text_zh_hans,
            is_required=required,
        )
        for position, (kind, topic, text, text_zh_hans, required) in enumerate(
            DEFAULT_QUESTIONS, start=1
        )
    )
    return template


@transaction.atomic
def survey_template_set_default(*, actor: User, template: SurveyTemplate) -> SurveyTemplate:
    _require_template_manager(actor)
    if template.is_archived:
        raise InvalidTransition(_("An archived template cannot be the default."))
    SurveyTemplate.objects.select_for_update().filter(is_default=True).exclude(
        pk=template.pk
    ).update(is_default=False)
    template.is_default = True
    template.save(update_fields=["is_default"])
    return template


@transaction.atomic
def survey_template_copy(*, actor: User, template: SurveyTemplate, name: str) -> SurveyTemplate:
    """A new, editable template with the same questions."""
    copy = survey_template_create(actor=actor, name=name, description=template.description)
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(
            template=copy,
            position=question.position,
            kind=question.kind,
            topic=question.topic,
            text=question.text,
            text_zh_hans=question.text_zh_hans,
            choices=question.choices,
            is_required=question.is_required,
        )
        for question in template.questions.all()
    )
    return copy


@transaction.atomic
def survey_template_archive(*, actor: User, template: SurveyTemplate) -> SurveyTemplate:
    _require_template_manager(actor)
    if template.is_default:
        raise InvalidTransition(_("Make another template the default before archiving this one."))
    template.is_archived = True
    template.save(update_fields=["is_archived"])
    return template


def _clean_choices(choices: list[Any]) -> list[dict[str, str]]:
    cleaned = []
    for choice in choices:
        if isinstance(choice, str):
            english, _sep, chinese = choice.partition("|")
        elif isinstance(choice, dict):
            english, chinese = str(choice.get("en", "")), str(choice.get("zh-hans", ""))
        else:
            raise InvalidInput(_("Each choice is a text."), field="choices")
        english = clean_text(english, field="choices", label=_("A choice"), max_length=CHOICE_MAX)
        chinese = clean_text(
            chinese, field="choices", label=_("A choice"), max_length=CHOICE_MAX, required=False
        )
        cleaned.append({"en": english, "zh-hans": chinese})
    return cleaned


@transaction.atomic
def survey_question_add(
    *,
    actor: User,
    template: SurveyTemplate,
    kind: str,
    text: str,
    text_zh_hans: str = "",
    topic: str = "",
    choices: list[Any] | None = None,
    is_required: bool = True,
) -> SurveyQuestion:
    """Add a question at the end of an unsent template. Topic ratings name their topic; choice
    questions have at least two choices ("English | 中文" each)."""
    _require_template_manager(actor)
    template = SurveyTemplate.objects.select_for_update().get(pk=template.pk)
    _require_editable(template)
    if kind not in QuestionKind.values:
        raise InvalidInput(_("Unknown kind of question."), field="kind")
    text = clean_text(text, field="text", label=_("The question"), max_length=QUESTION_MAX)
    text_zh_hans = clean_text(
        text_zh_hans,
        field="text_zh_hans",
        label=_("The Chinese question"),
        max_length=QUESTION_MAX,
        required=False,
    )
    topic = topic or ""
    if kind == QuestionKind.TOPIC_RATING:
        if topic not in Topic.values:
            raise InvalidInput(_("Choose the topic this question rates."), field="topic")
    else:
        topic = ""
    cleaned_choices: list[dict[str, str]] = []
    if kind in CHOICE_KINDS:
        cleaned_choices = _clean_choices(choices or [])
        if len(cleaned_choices) < 2:
            raise InvalidInput(_("Give at least two choices."), field="choices")
    elif choices:
        raise InvalidInput(_("Only choice questions have choices."), field="choices")
    position = (template.questions.aggregate(last=Max("position"))["last"] or 0) + 1
    return SurveyQuestion.objects.create(
        template=template,
        position=position,
        kind=kind,
        topic=topic,
        text=text,
        text_zh_hans=text_zh_hans,
        choices=cleaned_choices,
        is_required=is_required,
    )


@transaction.atomic
def survey_question_delete(*, actor: User, question: SurveyQuestion) -> None:
    _require_template_manager(actor)
    _require_editable(question.template)
    question.delete()
