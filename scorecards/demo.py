"""Demo data: a year of scorecard history (called by `manage.py seed_demo`; once: a project that
already exists is left alone, and so is an opportunity already recorded for its client).

Two running projects span the last four quarters and carry, quarter by quarter, the facts the
scorecards count (scorecards.figures): ACME-CLINICS, Paula Morgan's rollout for Acme Health, and
HX-SPC, 王芳's for 华星, both with Adam Mills as the account manager. Each quarter has milestones
against their baseline (early, on time, late), deliverables accepted the first time or after a
rejection, approved changes with their cost, issues with and without a risk behind them, survey
responses (a follow-up for each detractor, one closed late), complaints (some past their SLA)
and business the account manager won. The figures move from quarter to quarter, up and down,
and the two project managers rank differently in the team view.

The quarters are scorecards.periods.recent_periods of the day the demo is seeded; in the running
quarter nothing is dated after now. The rows are written directly with the dates the services
would have recorded at the time (seeding sends no e-mail), the automatic ones (`created_at`,
`submitted_at` of a round...) set afterwards with an update.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from common.history import set_history_user
from discussions.models import Entry
from discussions.services import thread_for
from feedback.models import (
    Campaign,
    CampaignTrigger,
    DetractorFollowUp,
    FeedbackTicket,
    Opportunity,
    QuestionKind,
    SurveyAnswer,
    SurveyInvitation,
    SurveyResponse,
    TicketKind,
    TicketSeverity,
    TicketStatus,
)
from feedback.services.sla import sla_calendar, ticket_set_sla
from feedback.services.survey_templates import survey_template_default
from feedback.sla import BusinessCalendar
from projects.models import (
    AcceptanceCriterion,
    AcceptanceRound,
    CriterionResult,
    Deliverable,
    Milestone,
    Phase,
    Project,
    QualityReview,
    Role,
)
from projects.services import membership_add
from risks.models import Assessment, Category, Issue, Risk, Side, Strategy
from risks.selectors.settings import risk_settings_of
from scorecards.periods import Period, recent_periods
from stakeholders.models import ChangeRequest

if TYPE_CHECKING:
    from accounts.models import Organization, User
    from feedback.models import SurveyTemplate

# How a deliverable went: accepted the first time, accepted after one rejection, or rejected and
# back with the team (no accepted round yet).
FIRST, AFTER_REJECTION, REWORK = "first", "after_rejection", "rework"
# How a milestone went: completed `late` days after its baseline due date (negative: early);
# in the running quarter, due later in it and completed already (AHEAD), or due a few days ago
# and not completed (OVERDUE).
DONE, AHEAD, OVERDUE = "done", "ahead", "overdue"


@dataclass(frozen=True)
class DeliverablePlan:
    name: str
    criteria: tuple[str, ...]
    story: str = FIRST
    rejection: str = ""  # the client's reason, on the first criterion


@dataclass(frozen=True)
class MilestonePlan:
    name: str
    at: float  # where the baseline due date falls in the quarter (0: its first day, 1: its last)
    late: int
    deliverables: tuple[DeliverablePlan, ...]
    kind: str = DONE
    needs_past_day: bool = False  # left out on the quarter's first day (nothing can be late yet)


@dataclass(frozen=True)
class ChangePlan:
    title: str
    description: str
    reason: str
    cost: Decimal
    at: float  # when it was applied to the plan


@dataclass(frozen=True)
class RiskPlan:
    title: str
    category: str
    probability: int
    impact: int


@dataclass(frozen=True)
class IssuePlan:
    title: str
    impact: str
    resolution: str
    at: float
    risk: RiskPlan | None = None  # None: it happened without being in the register


@dataclass(frozen=True)
class ComplaintPlan:
    title: str
    description: str
    severity: str
    at: float
    first_response: timedelta  # after it was raised
    resolution: timedelta
    answer: str  # the first response, a reply in the ticket's discussion
    resolved: str  # what was done


@dataclass(frozen=True)
class QuarterPlan:
    milestones: tuple[MilestonePlan, ...] = ()
    changes: tuple[ChangePlan, ...] = ()
    issues: tuple[IssuePlan, ...] = ()
    scores: tuple[int, ...] = ()  # the NPS each respondent gave, in the order of `respondents`
    follow_up_days: float = 3  # how long the follow-up of a detractor took
    complaints: tuple[ComplaintPlan, ...] = ()


@dataclass(frozen=True)
class ProjectPlan:
    code: str
    name: str
    client: str
    summary: str
    currency: str
    budget: Decimal
    tags: tuple[str, ...]
    members: tuple[tuple[str, str], ...]  # (e-mail, role)
    contact: str  # raises complaints and accepts deliverables
    approver: str  # approves changes for the client
    respondents: tuple[str, ...]
    follow_up_note: str
    rejection_comment: str
    quarters: tuple[QuarterPlan, QuarterPlan, QuarterPlan, QuarterPlan]  # oldest first
    next_milestone: tuple[str, str]  # after the running quarter: (milestone, deliverable)


H = timedelta(hours=1)
D = timedelta(days=1)

CLINIC_CRITERIA = ("Every appointment type mapped", "Signed off by the clinic manager")
LINE_CRITERIA = ("覆盖全部关键尺寸", "经质量部确认")

PLANS = (
    ProjectPlan(
        code="ACME-CLINICS",
        name="Clinic scheduling rollout",
        client="Acme Health",
        summary="Move Acme's clinics to the new appointment scheduling one group at a time, "
        "with patient reminders and online self-booking.",
        currency="USD",
        budget=Decimal("310000"),
        tags=("healthcare", "scheduling"),
        members=(
            ("pm@rapport.example", Role.PM),
            ("am@rapport.example", Role.AM),
            ("team@rapport.example", Role.TEAM_MEMBER),
            ("rep@acme.example", Role.CUSTOMER_REP),
        ),
        contact="rep@acme.example",
        approver="rep@acme.example",
        respondents=("rep@acme.example",),
        follow_up_note="Called Riley; agreed a weekly check-in until the clinic issues are closed.",
        rejection_comment="Please fix this before the clinics go live.",
        quarters=(
            QuarterPlan(
                milestones=(
                    MilestonePlan(
                        "Pilot clinics live",
                        0.35,
                        -2,
                        (
                            DeliverablePlan("Pilot clinic configuration", CLINIC_CRITERIA),
                            DeliverablePlan(
                                "Front-desk training",
                                ("Every receptionist trained", "A quick guide at each desk"),
                                AFTER_REJECTION,
                                "The late-shift receptionists were not trained.",
                            ),
                        ),
                    ),
                    MilestonePlan(
                        "North clinics live",
                        0.7,
                        9,
                        (
                            DeliverablePlan(
                                "North clinics go-live report",
                                ("Lists every open defect with an owner",),
                            ),
                        ),
                    ),
                ),
                changes=(
                    ChangePlan(
                        "Add the dental clinics to the rollout",
                        "The two dental clinics move to the new scheduling with the north group.",
                        "Acme took over the dental practice this year.",
                        Decimal("24000"),
                        0.5,
                    ),
                ),
                issues=(
                    IssuePlan(
                        "Clinic network outage delayed the pilot go-live",
                        "The pilot clinics went live two days later than planned.",
                        "Acme's network team replaced the clinic router.",
                        0.3,
                    ),
                ),
                scores=(9,),
                complaints=(
                    ComplaintPlan(
                        "Reminder texts arrive late at night",
                        "Patients of the pilot clinics get their reminders after 11 pm.",
                        TicketSeverity.MEDIUM,
                        0.45,
                        4 * D,
                        6 * D,
                        "Sorry for the wait, Riley. We are checking the sending schedule.",
                        "Reminders now go out between 9 am and 7 pm in the clinic's time zone.",
                    ),
                ),
            ),
            QuarterPlan(
                milestones=(
                    MilestonePlan(
                        "Downtown clinics live",
                        0.4,
                        0,
                        (DeliverablePlan("Downtown clinic configuration", CLINIC_CRITERIA),),
                    ),
                    MilestonePlan(
                        "Patient reminders live",
                        0.75,
                        -1,
                        (
                            DeliverablePlan(
                                "Reminder message templates",
                                ("Approved by Acme's patient office", "In English and Spanish"),
                            ),
                        ),
                    ),
                ),
                issues=(
                    IssuePlan(
                        "Interface vendor missed the integration window",
                        "Integration with the health records moved by a week.",
                        "The vendor gave us a second window the following week.",
                        0.35,
                        RiskPlan("Interface vendor availability", Category.TECHNICAL, 3, 3),
                    ),
                ),
                scores=(8,),
                complaints=(
                    ComplaintPlan(
                        "Check-in screen freezes at peak hours",
                        "Between 8 and 9 am the check-in screen freezes for a minute at a time.",
                        TicketSeverity.HIGH,
                        0.55,
                        H,
                        20 * H,
                        "Thank you, Riley. We are on it and will call the clinic today.",
                        "A slow availability query fixed; check-in answers within a second.",
                    ),
                ),
            ),
            QuarterPlan(
                milestones=(
                    MilestonePlan(
                        "Pediatric clinics live",
                        0.25,
                        12,
                        (
                            DeliverablePlan(
                                "Pediatric clinic configuration",
                                CLINIC_CRITERIA,
                                AFTER_REJECTION,
                                "Vaccination appointments are booked for 30 minutes, not 15.",
                            ),
                        ),
                    ),
                    MilestonePlan(
                        "East clinics live",
                        0.55,
                        4,
                        (
                            DeliverablePlan(
                                "East clinic configuration",
                                CLINIC_CRITERIA,
                                AFTER_REJECTION,
                                "Two doctors' rotas are missing.",
                            ),
                        ),
                    ),
                    MilestonePlan(
                        "Waiting-list report live",
                        0.85,
                        0,
                        (
                            DeliverablePlan(
                                "Waiting-list report", ("Daily, by clinic and specialty",)
                            ),
                        ),
                    ),
                ),
                changes=(
                    ChangePlan(
                        "Two-way text confirmations",
                        "Patients confirm or cancel by replying to their reminder.",
                        "Missed appointments are the clinics' largest avoidable cost.",
                        Decimal("8500"),
                        0.3,
                    ),
                    ChangePlan(
                        "Drop the check-in kiosks",
                        "Check-in stays at the front desk; the kiosks are not installed.",
                        "Patients in the pilot preferred the front desk.",
                        Decimal("-6000"),
                        0.7,
                    ),
                ),
                issues=(
                    IssuePlan(
                        "Pediatric rota not loaded before go-live",
                        "Vaccination slots were double-booked for three days.",
                        "Rota loaded and the affected families called by the clinic.",
                        0.35,
                    ),
                    IssuePlan(
                        "Acme's lead trainer left",
                        "Our team trained the east clinics' staff instead.",
                        "Acme named a new lead trainer.",
                        0.5,
                        RiskPlan("Loss of Acme's trainers", Category.RESOURCE, 2, 4),
                    ),
                ),
                scores=(5,),
                follow_up_days=2,
                complaints=(
                    ComplaintPlan(
                        "Double bookings in the pediatric clinic",
                        "Families arrive for vaccinations and find their slot taken.",
                        TicketSeverity.CRITICAL,
                        0.3,
                        H,
                        5 * D,
                        "We are calling the clinic now and checking every booking.",
                        "The rota is loaded and no slot is booked twice.",
                    ),
                    ComplaintPlan(
                        "Training sessions clash with clinic hours",
                        "The east clinics cannot release staff for training at 10 am.",
                        TicketSeverity.LOW,
                        0.65,
                        2 * H,
                        30 * H,
                        "Thanks, we will offer other times.",
                        "Sessions moved to 7.30 am and to Saturday mornings.",
                    ),
                ),
            ),
            QuarterPlan(
                milestones=(
                    MilestonePlan(
                        "Self-booking launched",
                        0.3,
                        0,
                        (
                            DeliverablePlan(
                                "Self-booking launch report", ("Bookings per clinic and day",)
                            ),
                        ),
                    ),
                    MilestonePlan(
                        "Rural clinics live",
                        0.7,
                        0,
                        (DeliverablePlan("Rural clinic configuration", CLINIC_CRITERIA),),
                    ),
                    MilestonePlan(
                        "West clinics live",
                        1,
                        0,
                        (DeliverablePlan("West clinic configuration", CLINIC_CRITERIA),),
                        kind=AHEAD,
                    ),
                ),
                changes=(
                    ChangePlan(
                        "Spanish patient reminders",
                        "Reminders in Spanish for the patients who prefer it.",
                        "A third of the rural clinics' patients speak Spanish at home.",
                        Decimal("4200"),
                        0.4,
                    ),
                ),
                issues=(
                    IssuePlan(
                        "Text message provider outage",
                        "One day's reminders went out six hours late.",
                        "The provider switched to its second data centre.",
                        0.5,
                        RiskPlan("Text message provider reliability", Category.EXTERNAL, 2, 3),
                    ),
                ),
                scores=(6,),
            ),
        ),
        next_milestone=("All clinics live", "Rollout closing report"),
    ),
    ProjectPlan(
        code="HX-SPC",
        name="统计过程控制推广",
        client="华星制造有限公司",
        summary="在两个工厂的注塑和机加工产线逐条推广统计过程控制（SPC），实时监控关键尺寸。",
        currency="CNY",
        budget=Decimal("1450000"),
        tags=("制造", "质量"),
        members=(
            ("pm.zh@rapport.example", Role.PM),
            ("am@rapport.example", Role.AM),
            ("team@rapport.example", Role.TEAM_MEMBER),
            ("admin@huaxing.example", Role.CLIENT_ADMIN),
            ("rep@huaxing.example", Role.CUSTOMER_REP),
            ("viewer@huaxing.example", Role.CLIENT_VIEWER),
        ),
        contact="rep@huaxing.example",
        approver="admin@huaxing.example",
        respondents=("admin@huaxing.example", "rep@huaxing.example"),
        follow_up_note="已与李明电话沟通，约定每周例会通报产线上线进度。",
        rejection_comment="请修改后重新提交。",
        quarters=(
            QuarterPlan(
                milestones=(
                    MilestonePlan(
                        "一号产线SPC上线",
                        0.3,
                        0,
                        (
                            DeliverablePlan("一号产线控制图配置", LINE_CRITERIA),
                            DeliverablePlan("班组长培训材料", ("包含判异规则说明",)),
                        ),
                    ),
                    MilestonePlan(
                        "二号产线SPC上线",
                        0.75,
                        6,
                        (
                            DeliverablePlan(
                                "二号产线控制图配置",
                                LINE_CRITERIA,
                                AFTER_REJECTION,
                                "三个关键尺寸的规格限设置错误。",
                            ),
                        ),
                    ),
                ),
                issues=(
                    IssuePlan(
                        "量具校准延误",
                        "二号产线上线推迟六天。",
                        "校准完成，改为每季度提前安排。",
                        0.6,
                        RiskPlan("量具校准周期长", Category.SCHEDULE, 3, 3),
                    ),
                ),
                scores=(9, 10),
                complaints=(
                    ComplaintPlan(
                        "SPC看板刷新太慢",
                        "车间看板每次刷新需要一分钟以上。",
                        TicketSeverity.LOW,
                        0.5,
                        2 * H,
                        26 * H,
                        "收到，我们今天排查。",
                        "看板查询已优化，刷新在五秒内完成。",
                    ),
                ),
            ),
            QuarterPlan(
                milestones=(
                    MilestonePlan(
                        "三号产线SPC上线",
                        0.5,
                        15,
                        (
                            DeliverablePlan(
                                "三号产线控制图配置",
                                LINE_CRITERIA,
                                AFTER_REJECTION,
                                "报警阈值与工艺文件不一致。",
                            ),
                        ),
                    ),
                ),
                changes=(
                    ChangePlan(
                        "增加三号工厂的两条注塑线",
                        "把三号工厂的两条注塑线纳入本次推广。",
                        "客户扩产计划提前。",
                        Decimal("85000"),
                        0.35,
                    ),
                ),
                issues=(
                    IssuePlan(
                        "数据采集网关故障",
                        "三号产线两天没有实时数据。",
                        "更换网关并增加备用网关。",
                        0.55,
                    ),
                ),
                scores=(6, 8),
                follow_up_days=8,
            ),
            QuarterPlan(
                milestones=(
                    MilestonePlan(
                        "质检数据接口上线",
                        0.3,
                        -3,
                        (DeliverablePlan("质检数据接口", ("与LIMS双向同步", "延迟小于一分钟")),),
                    ),
                    MilestonePlan(
                        "四号产线SPC上线",
                        0.7,
                        0,
                        (DeliverablePlan("四号产线控制图配置", LINE_CRITERIA),),
                    ),
                ),
                changes=(
                    ChangePlan(
                        "控制图增加移动极差图",
                        "单值控制图同时显示移动极差图。",
                        "质量部审核要求。",
                        Decimal("12000"),
                        0.5,
                    ),
                ),
                issues=(
                    IssuePlan(
                        "工厂停电导致数据丢失",
                        "两个班次的测量数据需要手工补录。",
                        "数据已补录，采集端增加本地缓存。",
                        0.2,
                    ),
                    IssuePlan(
                        "班组长培训推迟",
                        "四号产线的班组长培训推迟一周。",
                        "培训已补上。",
                        0.45,
                    ),
                ),
                scores=(9, 9),
                complaints=(
                    ComplaintPlan(
                        "控制图报警没有推送给班组长",
                        "夜班出现异常时班组长没有收到报警。",
                        TicketSeverity.HIGH,
                        0.45,
                        3 * D,
                        4 * D,
                        "抱歉回复晚了，我们正在检查夜班的推送设置。",
                        "推送规则已按班次配置，夜班报警可以正常收到。",
                    ),
                ),
            ),
            QuarterPlan(
                milestones=(
                    MilestonePlan(
                        "移动端报警上线",
                        0,
                        0,
                        (
                            DeliverablePlan(
                                "报警推送配置",
                                ("推送到班组长手机", "夜班同样有效"),
                                REWORK,
                                "夜班报警仍然没有推送。",
                            ),
                        ),
                        kind=OVERDUE,
                        needs_past_day=True,
                    ),
                    MilestonePlan(
                        "SPC月报上线",
                        1,
                        0,
                        (DeliverablePlan("SPC月报模板", ("按产线汇总过程能力指数",)),),
                        kind=AHEAD,
                        needs_past_day=True,
                    ),
                ),
                issues=(
                    IssuePlan(
                        "质检员轮岗",
                        "新质检员需要重新培训测量方法。",
                        "",
                        0.5,
                        RiskPlan("质检人员变动", Category.RESOURCE, 3, 2),
                    ),
                ),
                scores=(10, 9),
                complaints=(
                    ComplaintPlan(
                        "二号线数据采集中断",
                        "二号线今天上午的数据没有进入系统。",
                        TicketSeverity.MEDIUM,
                        0.6,
                        H,
                        6 * H,
                        "收到，正在检查采集网关。",
                        "网关已重启，上午的数据已补传。",
                    ),
                ),
            ),
        ),
        next_milestone=("全部产线SPC上线", "项目总结报告"),
    ),
)

# The account manager's business won: (quarter, oldest first; client; title; value; currency;
# where in the quarter it was won).
WON: tuple[tuple[int, str, str, Decimal, str, float], ...] = (
    (0, "Acme Health", "Patient reminder service, first year", Decimal("36000"), "USD", 0.6),
    (1, "华星制造有限公司", "SPC推广到三号工厂", Decimal("420000"), "CNY", 0.3),
    (1, "Northwind Logistics", "Returns process workshop", Decimal("9500"), "EUR", 0.8),
    (2, "Acme Health", "Waiting-list analytics", Decimal("18000"), "USD", 0.65),
    (3, "华星制造有限公司", "SPC系统年度运维", Decimal("150000"), "CNY", 0.5),
)


@dataclass(frozen=True)
class Window:
    """The days of a quarter that facts fall on: up to its last day, or up to today in the
    running quarter; no moment is after now."""

    period: Period
    last: date
    now: datetime

    @property
    def first(self) -> date:
        return self.period.start

    @property
    def has_past_day(self) -> bool:
        return self.last > self.first

    def day(self, fraction: float) -> date:
        return self.first + timedelta(days=round(fraction * (self.last - self.first).days))

    def past(self, day: date, hour: int) -> datetime:
        """`hour` o'clock on `day`, or just before now."""
        moment = timezone.make_aware(datetime.combine(day, time(hour)))
        return min(moment, self.now - timedelta(minutes=1))

    def inside(self, moment: datetime) -> datetime:
        """`moment`, moved into the quarter (and before now) if it is not."""
        latest = min(self.period.end_at, self.now) - timedelta(minutes=1)
        return max(min(moment, latest), self.period.start_at)

    def moment(self, fraction: float, hour: int) -> datetime:
        return self.inside(self.past(self.day(fraction), hour))


def _windows(now: datetime) -> list[Window]:
    today = timezone.localdate(now)
    return [
        Window(period=period, last=min(period.last_day(), today), now=now)
        for period in recent_periods(today=today)
    ]


def _midday(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def _save(instance: models.Model, *, by: User | None, at: datetime) -> None:
    """Save with the history naming `by` at `at` (not now)."""
    set_history_user(instance, by)
    instance._history_date = at  # type: ignore[attr-defined]  # read by django-simple-history
    instance.save()


def _backdate(instance: models.Model, **values: datetime) -> None:
    """Set automatic timestamps (auto_now_add) to the past, in the row and in its history."""
    type(instance)._default_manager.filter(pk=instance.pk).update(**values)
    history = getattr(instance, "history", None)
    if history is not None:
        history.update(**values)


class _Seeder:
    """Writes one project's year; `created` counts the rows."""

    def __init__(
        self,
        plan: ProjectPlan,
        *,
        people: dict[str, User],
        organizations: dict[str, Organization],
        template: SurveyTemplate,
        calendar: BusinessCalendar,
    ) -> None:
        self.plan = plan
        self.people = people
        self.organizations = organizations
        self.template = template
        self.calendar = calendar
        self.pm = people[plan.members[0][0]]
        self.am = people["am@rapport.example"]
        self.team = people["team@rapport.example"]
        self.contact = people[plan.contact]
        self.approver = people[plan.approver]
        self.numbers: dict[str, int] = {}
        self.created = 0
        questions = {question.kind: question for question in template.questions.all()}
        self.nps_question = questions.get(QuestionKind.NPS)
        self.csat_question = questions.get(QuestionKind.CSAT)

    def next_number(self, kind: str) -> int:
        self.numbers[kind] = self.numbers.get(kind, 0) + 1
        return self.numbers[kind]

    def seed(self, windows: list[Window]) -> int:
        plan = self.plan
        start = windows[0].first - timedelta(days=45)
        end = windows[-1].period.end + timedelta(days=120)
        self.opened = _midday(start - timedelta(days=14))
        self.project = Project(
            code=plan.code,
            name=plan.name,
            client=self.organizations[plan.client],
            summary=plan.summary,
            phase=Phase.EXECUTION,
            start_date=start,
            end_date=end,
            baseline_start_date=start,
            baseline_end_date=end,
            budget=plan.budget,
            currency=plan.currency,
            tags=list(plan.tags),
        )
        _save(self.project, by=None, at=self.opened)
        _backdate(self.project, created_at=self.opened)
        self.created += 1
        for email, role in plan.members:
            person = self.people[email]
            membership_add(actor=None, project=self.project, user=person, role=role)
            # A person's roles are read once per user object: forget them for the new project.
            person.__dict__.pop("project_roles", None)
            self.created += 1
        self.risk_settings = risk_settings_of(self.project)
        for window, quarter in zip(windows, plan.quarters, strict=True):
            for milestone in quarter.milestones:
                # Nothing can be late on the quarter's first day.
                if (milestone.kind == OVERDUE or milestone.needs_past_day) and not (
                    window.has_past_day
                ):
                    continue
                self.milestone(milestone, window)
            for change in quarter.changes:
                self.change(change, window)
            for issue in quarter.issues:
                self.issue(issue, window)
            if quarter.scores:
                self.survey(quarter, window)
            for complaint in quarter.complaints:
                self.complaint(complaint, window)
        self.planned_milestone(end)
        return self.created

    # --- Milestones and deliverables ------------------------------------------------------------

    def milestone(self, plan: MilestonePlan, window: Window) -> None:
        completed: datetime | None
        if plan.kind == AHEAD:
            target = min(window.period.last_day(), window.last + timedelta(days=12))
            completed = window.past(max(window.first, window.last - timedelta(days=1)), 11)
        elif plan.kind == OVERDUE:
            target = max(window.first, window.last - timedelta(days=4))
            completed = None
        else:
            target = window.day(plan.at)
            completed = window.past(target + timedelta(days=plan.late), 15)
        milestone = Milestone(
            project=self.project,
            name=plan.name,
            baseline_due_date=target,
            due_date=target,
            status=Milestone.Status.COMPLETED if completed else Milestone.Status.IN_PROGRESS,
            completed_at=completed,
            position=self.next_number("milestone"),
        )
        _save(milestone, by=self.pm, at=self.opened)
        self.created += 1
        for deliverable in plan.deliverables:
            self.deliverable(deliverable, milestone, window, completed)

    def deliverable(
        self,
        plan: DeliverablePlan,
        milestone: Milestone,
        window: Window,
        completed: datetime | None,
    ) -> None:
        due = milestone.due_date
        # (submitted, decided, accepted) of each round, oldest first
        rounds: list[tuple[datetime, datetime, bool]]
        accepted: datetime | None = None
        if completed is not None:
            accepted = window.inside(completed - 2 * H)
            rounds = [(accepted - 5 * D, accepted, True)]
            if plan.story == AFTER_REJECTION:
                rounds.insert(0, (accepted - 14 * D, accepted - 11 * D, False))
        else:
            rejected = window.past(due, 12) - 3 * D
            rounds = [(rejected - 3 * D, rejected, False)]
        deliverable = Deliverable(
            project=self.project,
            milestone=milestone,
            name=plan.name,
            owner=self.team,
            due_date=due,
            status=Deliverable.Status.ACCEPTED if accepted else Deliverable.Status.REJECTED,
            submitted_at=rounds[-1][0],
            accepted_at=accepted,
        )
        created_at = rounds[0][0] - 20 * D
        _save(deliverable, by=self.pm, at=created_at)
        _backdate(deliverable, created_at=created_at)
        criteria = []
        for position, text in enumerate(plan.criteria):
            criteria.append(
                AcceptanceCriterion.objects.create(
                    deliverable=deliverable, text=text, position=position
                )
            )
        self.created += 1 + len(criteria)
        for number, (submitted, decided, passed) in enumerate(rounds, start=1):
            review = QualityReview.objects.create(
                deliverable=deliverable, reviewer=self.team, passed=True
            )
            _backdate(review, created_at=submitted - D)
            acceptance_round = AcceptanceRound.objects.create(
                deliverable=deliverable,
                number=number,
                quality_review=review,
                submitted_by=self.pm,
                decision=(
                    AcceptanceRound.Decision.ACCEPTED
                    if passed
                    else AcceptanceRound.Decision.REJECTED
                ),
                decided_by=self.contact,
                decided_at=decided,
                comment="" if passed else self.plan.rejection_comment,
            )
            _backdate(acceptance_round, submitted_at=submitted)
            CriterionResult.objects.bulk_create(
                CriterionResult(
                    round=acceptance_round,
                    criterion=criterion,
                    passed=passed or index > 0,
                    reason="" if passed or index > 0 else plan.rejection,
                )
                for index, criterion in enumerate(criteria)
            )
            self.created += 2 + len(criteria)

    def planned_milestone(self, end: date) -> None:
        name, deliverable_name = self.plan.next_milestone
        due = end - timedelta(days=20)
        milestone = Milestone(
            project=self.project,
            name=name,
            baseline_due_date=due,
            due_date=due,
            position=self.next_number("milestone"),
        )
        _save(milestone, by=self.pm, at=self.opened)
        deliverable = Deliverable(
            project=self.project,
            milestone=milestone,
            name=deliverable_name,
            owner=self.team,
            due_date=due,
        )
        _save(deliverable, by=self.pm, at=self.opened)
        _backdate(deliverable, created_at=self.opened)
        self.created += 2

    # --- Changes and issues ---------------------------------------------------------------------

    def change(self, plan: ChangePlan, window: Window) -> None:
        applied = window.moment(plan.at, 14)
        change = ChangeRequest(
            project=self.project,
            number=self.next_number("change"),
            title=plan.title,
            description=plan.description,
            reason=plan.reason,
            requested_by=self.contact,
            requested_side=ChangeRequest.Side.CLIENT,
            scope_impact=plan.description,
            cost_impact=plan.cost,
            status=ChangeRequest.Status.APPROVED,
            assessed_by=self.pm,
            assessed_at=applied - 6 * D,
            provider_approved_by=self.pm,
            provider_approved_at=applied - 5 * D,
            client_approved_by=self.approver,
            client_approved_at=applied,
            applied_at=applied,
        )
        _save(change, by=self.approver, at=applied)
        _backdate(change, requested_at=applied - 10 * D)
        self.created += 1

    def issue(self, plan: IssuePlan, window: Window) -> None:
        occurred = window.moment(plan.at, 11)
        risk = None
        if plan.risk is not None:
            raised = occurred - 40 * D
            score = plan.risk.probability * plan.risk.impact
            level = self.risk_settings.level_for(score)
            risk = Risk(
                project=self.project,
                number=self.next_number("risk"),
                title=plan.risk.title,
                category=plan.risk.category,
                probability=plan.risk.probability,
                impact=plan.risk.impact,
                score=score,
                level=level,
                owner=self.pm,
                strategy=Strategy.MITIGATE,
                status=Risk.Status.OCCURRED,
                occurred_at=occurred,
                raised_by=self.pm,
                raised_side=Side.PROVIDER,
                assessed_at=raised,
            )
            _save(risk, by=self.pm, at=occurred)
            _backdate(risk, created_at=raised)
            Assessment.objects.create(
                risk=risk,
                probability=plan.risk.probability,
                impact=plan.risk.impact,
                score=score,
                level=level,
                assessed_by=self.pm,
                assessed_at=raised,
            )
            self.created += 2
        resolved = occurred + 6 * D
        is_resolved = bool(plan.resolution) and resolved < window.now
        issue = Issue(
            project=self.project,
            number=self.next_number("issue"),
            risk=risk,
            title=plan.title,
            impact=plan.impact,
            owner=self.pm,
            status=Issue.Status.RESOLVED if is_resolved else Issue.Status.OPEN,
            resolution=plan.resolution if is_resolved else "",
            resolved_at=resolved if is_resolved else None,
        )
        _save(issue, by=self.pm, at=occurred)
        _backdate(issue, created_at=occurred)
        self.created += 1

    # --- Satisfaction ---------------------------------------------------------------------------

    def survey(self, plan: QuarterPlan, window: Window) -> None:
        opened = window.moment(0.4, 9)
        closes = max(min(opened + 14 * D, window.now), opened + timedelta(minutes=1))
        campaign = Campaign.objects.create(
            project=self.project,
            template=self.template,
            name=f"{self.project.name}: {opened:%Y-%m}",
            trigger=CampaignTrigger.PERIODIC,
            status=Campaign.Status.CLOSED,
            opens_at=opened,
            closes_at=closes,
            sent_at=opened,
            closed_at=closes,
            created_by=self.am,
        )
        _backdate(campaign, created_at=opened)
        self.created += 1
        for position, (email, nps) in enumerate(
            zip(self.plan.respondents, plan.scores, strict=True)
        ):
            person = self.people[email]
            answered = window.inside(opened + (1 + position) * D + 2 * H)
            invitation = SurveyInvitation.objects.create(
                campaign=campaign,
                person=person,
                email=person.email,
                language=person.language,
                sent_at=opened,
                first_opened_at=answered,
                open_count=1,
                responded_at=answered,
            )
            _backdate(invitation, created_at=opened)
            csat = max(1, min(5, round(nps / 2)))
            response = SurveyResponse.objects.create(
                invitation=invitation,
                campaign=campaign,
                project=self.project,
                client=self.project.client,
                respondent=person,
                nps=nps,
                csat=csat,
                language=person.language,
                submitted_at=answered,
                updated_at=answered,
            )
            answers = [
                SurveyAnswer(response=response, question=question, rating=rating)
                for question, rating in ((self.nps_question, nps), (self.csat_question, csat))
                if question is not None
            ]
            SurveyAnswer.objects.bulk_create(answers)
            self.created += 2 + len(answers)
            if nps <= 6:
                self.follow_up(response, answered, plan.follow_up_days, window)

    def follow_up(
        self, response: SurveyResponse, opened: datetime, days: float, window: Window
    ) -> None:
        """The account manager's follow-up of a detractor, closed after `days` (still open if
        that is not past yet)."""
        closed: datetime | None = opened + timedelta(days=days)
        if closed is not None and closed >= window.now:
            closed = None
        DetractorFollowUp.objects.create(
            response=response,
            project=self.project,
            owner=self.am,
            opened_at=opened,
            status=(DetractorFollowUp.Status.CLOSED if closed else DetractorFollowUp.Status.OPEN),
            closed_at=closed,
            closed_by=self.am if closed else None,
            note=self.plan.follow_up_note if closed else "",
        )
        self.created += 1

    def complaint(self, plan: ComplaintPlan, window: Window) -> None:
        raised = window.moment(plan.at, 10)
        latest = window.now - timedelta(minutes=1)
        ticket = FeedbackTicket(
            project=self.project,
            number=self.next_number("ticket"),
            kind=TicketKind.COMPLAINT,
            severity=plan.severity,
            title=plan.title,
            description=plan.description,
            raised_by=self.contact,
            raised_side=FeedbackTicket.Side.CLIENT,
            raised_at=raised,
            owner=self.am,
        )
        ticket_set_sla(ticket, self.calendar)
        responded, resolved = raised + plan.first_response, raised + plan.resolution
        confirmed = resolved + 20 * H
        if responded <= latest:
            ticket.status = TicketStatus.ACKNOWLEDGED
            ticket.first_responded_at, ticket.first_responded_by = responded, self.am
            due = ticket.first_response_due_at
            if due is not None and responded > due:
                ticket.first_response_breached_at = ticket.first_response_due_at
        if responded <= latest and resolved <= latest:
            ticket.status = TicketStatus.RESOLVED
            ticket.resolved_at, ticket.resolved_by = resolved, self.am
            ticket.resolution = plan.resolved
            due = ticket.resolution_due_at
            if due is not None and resolved > due:
                ticket.resolution_breached_at = ticket.resolution_due_at
            if confirmed <= latest:
                ticket.status = TicketStatus.CONFIRMED
                ticket.confirmed_at, ticket.confirmed_by = confirmed, self.contact
        _save(ticket, by=self.contact, at=raised)
        self.created += 1
        if ticket.first_responded_at is not None:
            # The first response is the handler's reply in the ticket's discussion.
            thread = thread_for(target=ticket)
            reply = Entry.objects.create(
                thread=thread, author=self.am, kind=Entry.Kind.REPLY, body=plan.answer
            )
            _backdate(thread, created_at=responded)
            _backdate(reply, created_at=responded)
            self.created += 2


def _seed_won(
    *, people: dict[str, User], organizations: dict[str, Organization], windows: list[Window]
) -> int:
    am = people["am@rapport.example"]
    created = 0
    for quarter, client, title, value, currency, at in WON:
        organization = organizations[client]
        if Opportunity.objects.filter(organization=organization, title=title).exists():
            continue
        won = windows[quarter].moment(at, 16)
        opportunity = Opportunity(
            organization=organization,
            title=title,
            value_estimate=value,
            currency=currency,
            stage=Opportunity.Stage.WON,
            expected_close_on=timezone.localdate(won),
            won_at=won,
            owner=am,
        )
        _save(opportunity, by=am, at=won)
        _backdate(opportunity, created_at=won - 75 * D)
        created += 1
    return created


def seed_scorecards(*, people: dict[str, User], organizations: dict[str, Organization]) -> int:
    """Create the two projects with a year of history and the business won (each once)."""
    windows = _windows(timezone.now())
    template = survey_template_default()
    calendar = sla_calendar()
    created = 0
    for plan in PLANS:
        if Project.objects.filter(code=plan.code).exists():
            continue
        seeder = _Seeder(
            plan,
            people=people,
            organizations=organizations,
            template=template,
            calendar=calendar,
        )
        created += seeder.seed(windows)
    created += _seed_won(people=people, organizations=organizations, windows=windows)
    return created
