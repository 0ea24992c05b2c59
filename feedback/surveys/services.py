"""Writes for satisfaction surveys: templates and questions, campaigns and the automations that
start them, sending (invitations, reminders) through the outbox, responses and the detractor
follow-up.

Rules kept here:
- A template that a campaign used is frozen (its questions are what people answered); copy it to
  change it.
- A person is not sent a survey again within `RAPPORT_SURVEY_QUIET_DAYS` of the last one they
  were sent, across all campaigns, nor ever after they unsubscribed; they are recorded as skipped.
- Sending is idempotent: a campaign is locked while it is sent and sends once; every e-mail has a
  dedupe key (invitation, reminder number), so a task that runs twice sends once.
- Reminders go after `reminder_after_days` without a response, at most `reminder_max`, and stop
  as soon as the person responded or unsubscribed, or the campaign closed.
- One response per invitation, changed in place until the campaign closes. An NPS 0-6 or CSAT
  1-2 opens a follow-up for the project's account manager (once per response).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from common.text import clean_text
from feedback.models import (
    Campaign,
    CampaignTrigger,
    DetractorFollowUp,
    QuestionKind,
    SurveyAnswer,
    SurveyAutomation,
    SurveyInvitation,
    SurveyOptOut,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
    Topic,
)
from feedback.surveys.permissions import (
    can_close_follow_up,
    can_manage_surveys,
    manages_surveys_somewhere,
)
from feedback.surveys.tokens import invitation_token
from notifications.services import notify, outbox_enqueue
from projects.models import CLIENT_ROLES, Deliverable, Membership, Project, Role

if TYPE_CHECKING:
    from accounts.models import User

NAME_MAX = 200
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
QUESTION_MAX = 500
CHOICE_MAX = 200
FREE_TEXT_MAX = 5000
NOTE_MAX = 5000
MAX_OPEN_DAYS = 90
MAX_REMINDERS = 5


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


# --- Campaigns ----------------------------------------------------------------------------------


def _check_template(template: SurveyTemplate) -> None:
    if template.is_archived:
        raise InvalidInput(_("This template is archived."), field="template")
    if not template.questions.exists():
        raise InvalidInput(_("This template has no questions yet."), field="template")


def _check_reminders(reminder_after_days: int, reminder_max: int) -> None:
    if not 1 <= reminder_after_days <= MAX_OPEN_DAYS:
        raise InvalidInput(
            _("Remind after 1 to %(max)d days.") % {"max": MAX_OPEN_DAYS},
            field="reminder_after_days",
        )
    if not 0 <= reminder_max <= MAX_REMINDERS:
        raise InvalidInput(
            _("Send at most %(max)d reminders.") % {"max": MAX_REMINDERS}, field="reminder_max"
        )


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    project: Project,
    template: SurveyTemplate,
    name: str,
    closes_at: datetime,
    opens_at: datetime | None = None,
    reminder_after_days: int = 5,
    reminder_max: int = 2,
) -> Campaign:
    """The PM or AM sends a survey to the project's client contacts by hand: at once (no
    `opens_at`, or one in the past) or when its window opens. Celery sends it after commit."""
    if not can_manage_surveys(actor, project):
        raise NotAllowed()
    name = clean_text(name, field="name", label=_("The name"), max_length=NAME_MAX)
    _check_template(template)
    now = timezone.now()
    opens_at = max(opens_at or now, now)
    if closes_at <= opens_at:
        raise InvalidInput(_("The survey must close after it opens."), field="closes_at")
    if closes_at - opens_at > timedelta(days=MAX_OPEN_DAYS):
        raise InvalidInput(
            _("A survey stays open at most %(days)d days.") % {"days": MAX_OPEN_DAYS},
            field="closes_at",
        )
    _check_reminders(reminder_after_days, reminder_max)
    if project.is_archived:
        raise InvalidTransition(_("An archived project is not surveyed."))
    campaign = Campaign.objects.create(
        project=project,
        template=template,
        name=name,
        trigger=CampaignTrigger.MANUAL,
        opens_at=opens_at,
        closes_at=closes_at,
        reminder_after_days=reminder_after_days,
        reminder_max=reminder_max,
        created_by=actor,
    )
    _queue_send(campaign)
    return campaign


def _queue_send(campaign: Campaign) -> None:
    if campaign.opens_at <= timezone.now():
        from feedback.surveys.tasks import campaign_send_task

        campaign_id = campaign.pk
        transaction.on_commit(lambda: campaign_send_task.delay(campaign_id))


@transaction.atomic
def campaign_start(
    *,
    project: Project,
    automation: SurveyAutomation,
    trigger_key: str,
    deliverable: Deliverable | None = None,
    now: datetime | None = None,
) -> Campaign | None:
    """An automation starts a campaign (the system acts). The trigger key makes a second start
    for the same event return the first campaign; an inactive automation, an archived template
    or project starts nothing."""
    existing = Campaign.objects.filter(trigger_key=trigger_key).first()
    if existing is not None:
        return existing
    if not automation.is_active or automation.template.is_archived or project.is_archived:
        return None
    now = now or timezone.now()
    if automation.trigger == CampaignTrigger.DELIVERABLE_ACCEPTED and deliverable is not None:
        name = _("Feedback on %(deliverable)s") % {"deliverable": deliverable.name}
    elif automation.trigger == CampaignTrigger.PROJECT_CLOSED:
        name = _("Feedback on the project %(project)s") % {"project": project.name}
    else:
        name = _("%(project)s: satisfaction survey %(month)s") % {
            "project": project.name,
            "month": now.strftime("%Y-%m"),
        }
    with transaction.atomic():
        campaign, created = Campaign.objects.get_or_create(
            trigger_key=trigger_key,
            defaults={
                "project": project,
                "template": automation.template,
                "automation": automation,
                "deliverable": deliverable,
                "name": name[:NAME_MAX],
                "trigger": automation.trigger,
                "opens_at": now,
                "closes_at": now + timedelta(days=automation.open_days),
                "reminder_after_days": automation.reminder_after_days,
                "reminder_max": automation.reminder_max,
            },
        )
    if created:
        _queue_send(campaign)
    return campaign


@transaction.atomic
def automation_create(
    *,
    actor: User,
    project: Project,
    template: SurveyTemplate,
    trigger: str,
    open_days: int = 14,
    reminder_after_days: int = 5,
    reminder_max: int = 2,
    interval_months: int | None = None,
    first_run_on: date | None = None,
) -> SurveyAutomation:
    """The PM or AM sets a project to survey its client on each deliverable's acceptance, when it
    closes, or every `interval_months` from `first_run_on`."""
    if not can_manage_surveys(actor, project):
        raise NotAllowed()
    valid = [c for c in CampaignTrigger.values if c != CampaignTrigger.MANUAL]
    if trigger not in valid:
        raise InvalidInput(_("Choose when the survey is sent."), field="trigger")
    _check_template(template)
    if not 1 <= open_days <= MAX_OPEN_DAYS:
        raise InvalidInput(
            _("A survey stays open 1 to %(days)d days.") % {"days": MAX_OPEN_DAYS},
            field="open_days",
        )
    _check_reminders(reminder_after_days, reminder_max)
    if trigger == CampaignTrigger.PERIODIC:
        if not interval_months or not 1 <= interval_months <= 24:
            raise InvalidInput(_("Say every how many months (1 to 24)."), field="interval_months")
        if first_run_on is None:
            raise InvalidInput(_("Say when the first survey goes out."), field="first_run_on")
        if first_run_on < timezone.localdate():
            raise InvalidInput(_("The first survey cannot be in the past."), field="first_run_on")
    else:
        interval_months, first_run_on = None, None
    if SurveyAutomation.objects.filter(project=project, trigger=trigger, is_active=True).exists():
        raise Conflict(_("The project already has this automation."), field="trigger")
    return SurveyAutomation.objects.create(
        project=project,
        template=template,
        trigger=trigger,
        open_days=open_days,
        reminder_after_days=reminder_after_days,
        reminder_max=reminder_max,
        interval_months=interval_months,
        next_run_on=first_run_on,
        created_by=actor,
    )


@transaction.atomic
def automation_stop(*, actor: User, automation: SurveyAutomation) -> SurveyAutomation:
    if not can_manage_surveys(actor, automation.project):
        raise NotAllowed()
    automation.is_active = False
    automation.save(update_fields=["is_active"])
    return automation


def _add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    return date(year, month, 28)


def automations_run_periodic(*, today: date | None = None, limit: int = 200) -> int:
    """Start a campaign for every active periodic automation due today or earlier, once per
    due date (the trigger key names it), and move its next date on."""
    today = today or timezone.localdate()
    started = 0
    due = list(
        SurveyAutomation.objects.filter(
            trigger=CampaignTrigger.PERIODIC, is_active=True, next_run_on__lte=today
        ).values_list("pk", flat=True)[:limit]
    )
    for automation_id in due:
        with transaction.atomic():
            automation = (
                SurveyAutomation.objects.select_for_update(skip_locked=True)
                .select_related("project", "template")
                .filter(pk=automation_id, next_run_on__lte=today, is_active=True)
                .first()
            )
            if automation is None or automation.next_run_on is None:
                continue
            campaign_start(
                project=automation.project,
                automation=automation,
                trigger_key=f"auto:{automation.pk}:periodic:{automation.next_run_on.isoformat()}",
            )
            next_run = automation.next_run_on
            while next_run <= today:
                next_run = _add_months(next_run, automation.interval_months or 3)
            automation.next_run_on = next_run
            automation.save(update_fields=["next_run_on"])
            started += 1
    return started


def campaigns_on_deliverable_accepted(*, deliverable_id: int) -> list[Campaign]:
    """Called after a deliverable's acceptance is committed: each active automation of its
    project that surveys on acceptance starts a campaign (once per deliverable)."""
    deliverable = Deliverable.objects.select_related("project").filter(pk=deliverable_id).first()
    if deliverable is None:
        return []
    started = []
    for automation in SurveyAutomation.objects.filter(
        project=deliverable.project,
        trigger=CampaignTrigger.DELIVERABLE_ACCEPTED,
        is_active=True,
    ).select_related("template"):
        campaign = campaign_start(
            project=deliverable.project,
            automation=automation,
            deliverable=deliverable,
            trigger_key=f"auto:{automation.pk}:deliverable:{deliverable.pk}",
        )
        if campaign is not None:
            started.append(campaign)
    return started


def campaigns_on_project_closed(*, project_id: int) -> list[Campaign]:
    """Called after a project's close is committed: once per automation and project."""
    project = Project.objects.filter(pk=project_id).first()
    if project is None:
        return []
    started = []
    for automation in SurveyAutomation.objects.filter(
        project=project, trigger=CampaignTrigger.PROJECT_CLOSED, is_active=True
    ).select_related("template"):
        campaign = campaign_start(
            project=project, automation=automation, trigger_key=f"auto:{automation.pk}:closed"
        )
        if campaign is not None:
            started.append(campaign)
    return started


def _client_contacts(project: Project) -> list[User]:
    memberships = (
        Membership.objects.filter(project=project, role__in=CLIENT_ROLES, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    return [m.user for m in memberships]


def _survey_path(invitation: SurveyInvitation) -> str:
    return reverse("feedback:survey_answer", kwargs={"token": invitation_token(invitation)})


def _send_invitation_email(invitation: SurveyInvitation, *, event: str) -> None:
    campaign = invitation.campaign
    person = invitation.person
    outbox_enqueue(
        kind="survey",
        to_email=invitation.email,
        to_user=person,
        language=invitation.language,
        time_zone=person.time_zone,
        template="feedback/surveys/email/invitation",
        context={
            "person": person,
            "campaign": campaign,
            "project": campaign.project,
            "path": _survey_path(invitation),
            "is_reminder": event != "invite",
        },
        dedupe_key=f"survey:{invitation.pk}:{event}",
    )


@transaction.atomic
def campaign_send(*, campaign_id: int, now: datetime | None = None) -> int:
    """Send a due campaign: an invitation to every active client contact of the project, except
    those surveyed within the quiet period or unsubscribed (recorded as skipped). Returns how many
    were sent; a campaign already sent, not due yet, or being sent by another worker sends none."""
    now = now or timezone.now()
    campaign = (
        Campaign.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("project")
        .filter(pk=campaign_id)
        .first()
    )
    if campaign is None or campaign.sent_at is not None:
        return 0
    if campaign.status != Campaign.Status.SCHEDULED or campaign.opens_at > now:
        return 0
    if campaign.closes_at <= now:
        campaign.status = Campaign.Status.CLOSED
        campaign.closed_at = now
        campaign.save(update_fields=["status", "closed_at"])
        return 0
    people = _client_contacts(campaign.project)
    quiet_since = now - timedelta(days=settings.RAPPORT_SURVEY_QUIET_DAYS)
    recently = set(
        SurveyInvitation.objects.filter(person__in=people, sent_at__gte=quiet_since).values_list(
            "person_id", flat=True
        )
    )
    opted_out = set(
        SurveyOptOut.objects.filter(person__in=people).values_list("person_id", flat=True)
    )
    sent = 0
    for person in people:
        skipped = ""
        if person.pk in opted_out:
            skipped = SurveyInvitation.Skipped.UNSUBSCRIBED
        elif person.pk in recently:
            skipped = SurveyInvitation.Skipped.QUIET_PERIOD
        invitation, _created = SurveyInvitation.objects.get_or_create(
            campaign=campaign,
            person=person,
            defaults={
                "email": person.email,
                "language": person.language,
                "skipped_reason": skipped,
                "sent_at": None if skipped else now,
            },
        )
        if invitation.sent_at is not None and not skipped:
            invitation.campaign = campaign
            _send_invitation_email(invitation, event="invite")
            sent += 1
    campaign.status = Campaign.Status.OPEN
    campaign.sent_at = now
    campaign.save(update_fields=["status", "sent_at"])
    return sent


@transaction.atomic
def campaign_close(
    *, actor: User | None, campaign: Campaign, now: datetime | None = None
) -> Campaign:
    """Close a campaign (the PM or AM early, or the system when the window ends): answers can no
    longer be given or changed, and no reminder goes out. Closing again changes nothing."""
    campaign = Campaign.objects.select_for_update().select_related("project").get(pk=campaign.pk)
    if actor is not None and not can_manage_surveys(actor, campaign.project):
        raise NotAllowed()
    if campaign.status == Campaign.Status.CLOSED:
        return campaign
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = now or timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    return campaign


def campaign_remind(*, campaign_id: int, now: datetime | None = None) -> int:
    """Send the reminders due in an open campaign; returns how many. Each invitation is locked
    while it is reminded and each reminder has its own dedupe key, so running twice sends once."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_related("project").filter(pk=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.OPEN or campaign.closes_at <= now:
        return 0
    if campaign.reminder_max == 0:
        return 0
    due_before = now - timedelta(days=campaign.reminder_after_days)
    sent = 0
    with transaction.atomic():
        invitations = (
            SurveyInvitation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("person")
            .filter(
                campaign=campaign,
                sent_at__isnull=False,
                responded_at__isnull=True,
                unsubscribed_at__isnull=True,
                reminders_sent__lt=campaign.reminder_max,
            )
            .filter(
                Q(last_reminded_at__isnull=True, sent_at__lte=due_before)
                | Q(last_reminded_at__lte=due_before)
            )
            .exclude(person__survey_opt_out__isnull=False)
        )
        for invitation in invitations:
            invitation.campaign = campaign
            invitation.reminders_sent += 1
            invitation.last_reminded_at = now
            invitation.save(update_fields=["reminders_sent", "last_reminded_at"])
            _send_invitation_email(invitation, event=f"reminder-{invitation.reminders_sent}")
            sent += 1
    return sent


def survey_campaigns_tick(*, now: datetime | None = None) -> dict[str, int]:
    """The periodic job: start due periodic campaigns, send campaigns whose window opened, remind,
    and close campaigns whose window ended. Each step is safe to run twice."""
    now = now or timezone.now()
    counts = {"started": automations_run_periodic(today=timezone.localdate(now))}
    due = Campaign.objects.filter(status=Campaign.Status.SCHEDULED, opens_at__lte=now).values_list(
        "pk", flat=True
    )[:200]
    counts["sent"] = sum(campaign_send(campaign_id=pk, now=now) for pk in list(due))
    ending = list(
        Campaign.objects.filter(status=Campaign.Status.OPEN, closes_at__lte=now).values_list(
            "pk", flat=True
        )[:500]
    )
    for campaign_id in ending:
        campaign_close(actor=None, campaign=Campaign(pk=campaign_id), now=now)
    counts["closed"] = len(ending)
    open_ids = list(
        Campaign.objects.filter(status=Campaign.Status.OPEN).values_list("pk", flat=True)[:500]
    )
    counts["reminded"] = sum(campaign_remind(campaign_id=pk, now=now) for pk in open_ids)
    return counts


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
        _open_follow_up(response, now=now)
    return response


def _open_follow_up(response: SurveyResponse, *, now: datetime) -> DetractorFollowUp | None:
    if DetractorFollowUp.objects.filter(response=response).exists():
        return None
    managers = list(
        Membership.objects.filter(
            project_id=response.project_id, role=Role.AM, user__is_active=True
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )
    if not managers:
        managers = list(
            Membership.objects.filter(
                project_id=response.project_id, role=Role.PM, user__is_active=True
            )
            .select_related("user")
            .order_by("created_at", "pk")
        )
    follow_up = DetractorFollowUp.objects.create(
        response=response,
        project_id=response.project_id,
        owner=managers[0].user if managers else None,
        opened_at=now,
    )
    url = reverse("feedback:follow_up", kwargs={"follow_up_id": follow_up.pk})
    project = response.project
    for membership in managers:
        person = membership.user
        with translation.override(person.language):
            title = _("%(client)s gave a low score on %(project)s: follow it up") % {
                "client": response.respondent.display_name,
                "project": project.name,
            }
        notify(
            user=person,
            kind="survey",
            title=title,
            url=url,
            email_template="feedback/surveys/email/follow_up",
            context={"project": project, "response": response, "follow_up": follow_up},
            dedupe_key=f"survey-follow-up:{follow_up.pk}:{person.pk}",
        )
    return follow_up


@transaction.atomic
def follow_up_close(*, actor: User, follow_up: DetractorFollowUp, note: str) -> DetractorFollowUp:
    """The AM (or PM) closes the follow-up with a note of what was done; it stops counting on
    the dashboard. The note is internal."""
    follow_up = (
        DetractorFollowUp.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=follow_up.pk)
    )
    if not can_close_follow_up(actor, follow_up):
        raise NotAllowed()
    if follow_up.status == DetractorFollowUp.Status.CLOSED:
        raise InvalidTransition(_("This follow-up is already closed."))
    note = clean_text(note, field="note", label=_("The note"), max_length=NOTE_MAX)
    follow_up.status = DetractorFollowUp.Status.CLOSED
    follow_up.note = note
    follow_up.closed_at = timezone.now()
    follow_up.closed_by = actor
    follow_up.save(update_fields=["status", "note", "closed_at", "closed_by"])
    return follow_up
