"""Demo data for the register, the communication plan, the RACI and meetings (seed_demo).

Idempotent: a project that already has stakeholders is left alone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from projects.models import Project, Visibility
from stakeholders.models import Stakeholder
from stakeholders.services.meetings import (
    action_item_create,
    meeting_create,
    meeting_decision_record,
)
from stakeholders.services.register import (
    communication_item_create,
    raci_assign,
    stakeholder_create,
)


def _at(days: int, hour: int, zone: str) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(zone))


def seed_meetings(*, people: dict[str, User]) -> int:
    return _seed_northwind(people) + _seed_huaxing(people)


def _seed_northwind(people: dict[str, User]) -> int:
    project = Project.objects.filter(code="NW-WMS").first()
    if project is None or Stakeholder.objects.filter(project=project).exists():
        return 0
    pm = people["pm@rapport.example"]
    team = people["team@rapport.example"]
    rep = people["rep@northwind.example"]
    client_admin = people["admin@northwind.example"]
    sponsor = stakeholder_create(
        actor=pm,
        project=project,
        name="Clara Adler",
        user=client_admin,
        organisation="Northwind Logistics",
        role="Sponsor, head of operations",
        influence=5,
        interest=5,
        attitude="supportive",
        engagement_strategy="Manage closely: monthly steering, early warning on budget.",
        visibility=Visibility.CLIENT,
    )
    key_user = stakeholder_create(
        actor=pm,
        project=project,
        name="Rory Peters",
        user=rep,
        organisation="Northwind Logistics",
        role="Key user, warehouse Hamburg",
        influence=3,
        interest=5,
        attitude="champion",
        engagement_strategy="Keep informed; involve in acceptance tests.",
        visibility=Visibility.CLIENT,
    )
    works_council = stakeholder_create(
        actor=pm,
        project=project,
        name="Works council",
        organisation="Northwind Logistics",
        role="Co-determination on scanner tracking",
        influence=4,
        interest=2,
        attitude="resistant",
        engagement_strategy="Keep satisfied: show that scans are not used to rate people.",
    )
    communication_item_create(
        actor=pm,
        project=project,
        what="Weekly status report",
        recipients=[sponsor, key_user],
        sender=pm,
        channel="E-mail",
        frequency="Weekly, Friday",
    )
    communication_item_create(
        actor=pm,
        project=project,
        what="Steering committee",
        recipients=[sponsor],
        sender=pm,
        channel="Video call",
        frequency="Monthly",
    )
    communication_item_create(
        actor=pm,
        project=project,
        what="Works council briefing",
        recipients=[works_council],
        sender=pm,
        channel="In person",
        frequency="Before each go-live",
        visibility=Visibility.INTERNAL,
    )
    raci: list[tuple[str, list[tuple[User | Stakeholder, str]]]] = [
        ("Scanner rollout", [(pm, "A"), (team, "R"), (key_user, "C"), (sponsor, "I")]),
        ("Acceptance tests", [(sponsor, "A"), (key_user, "R"), (team, "C"), (pm, "I")]),
    ]
    for area, cells in raci:
        for person, letter in cells:
            if isinstance(person, Stakeholder):
                raci_assign(
                    actor=pm, project=project, work_area=area, letter=letter, stakeholder=person
                )
            else:
                raci_assign(actor=pm, project=project, work_area=area, letter=letter, user=person)
    kickoff = meeting_create(
        actor=pm,
        project=project,
        title="Kick-off Hamburg",
        visibility=Visibility.CLIENT,
        starts_at=_at(-14, 10, "Europe/Berlin"),
        location="Northwind HQ, room 2.14",
        agenda="1. Goals and scope\n2. Rollout plan\n3. **Risks**",
        minutes="Scope confirmed for three warehouses. Hamburg goes first.",
        minutes_visibility=Visibility.CLIENT,
        attendees=[pm, team, rep, client_admin],
        stakeholder_attendees=[sponsor, key_user],
    )
    meeting_decision_record(
        actor=pm, meeting=kickoff, text="Hamburg is the pilot warehouse.", decided_by="client"
    )
    action_item_create(
        actor=pm,
        meeting=kickoff,
        text="Send the list of scanner users",
        owner=rep,
        due_date=timezone.localdate() - timedelta(days=3),
    )
    action_item_create(
        actor=pm,
        meeting=kickoff,
        text="Order the scanners",
        owner=team,
        due_date=timezone.localdate() + timedelta(days=7),
    )
    internal = meeting_create(
        actor=pm,
        project=project,
        title="Team retrospective",
        starts_at=_at(-2, 15, "Europe/London"),
        location="https://meet.example/rapport-retro",
        agenda="What went well, what did not.",
        minutes="Works council is nervous about tracking; keep scan data anonymous.",
        attendees=[pm, team],
    )
    meeting_decision_record(
        actor=pm,
        meeting=internal,
        text="Anonymise picker ids in the reports.",
        decided_by="provider",
    )
    meeting_create(
        actor=pm,
        project=project,
        title="Steering committee",
        visibility=Visibility.CLIENT,
        starts_at=_at(10, 9, "Europe/Berlin"),
        location="Video call",
        agenda="1. Pilot results\n2. Budget",
        attendees=[pm, client_admin],
    )
    return 14


def _seed_huaxing(people: dict[str, User]) -> int:
    project = Project.objects.filter(code="HX-MES").first()
    if project is None or Stakeholder.objects.filter(project=project).exists():
        return 0
    pm = people["pm.zh@rapport.example"]
    admin = people["admin@huaxing.example"]
    rep = people["rep@huaxing.example"]
    stakeholder = stakeholder_create(
        actor=pm,
        project=project,
        name="李明",
        user=admin,
        organisation="华星制造有限公司",
        role="项目发起人",
        influence=5,
        interest=4,
        attitude="supportive",
        engagement_strategy="每月汇报进度。",
        visibility=Visibility.CLIENT,
    )
    meeting = meeting_create(
        actor=pm,
        project=project,
        title="项目启动会",
        visibility=Visibility.CLIENT,
        starts_at=_at(-7, 9, "Asia/Shanghai"),
        location="苏州工厂会议室",
        agenda="1. 项目目标\n2. 里程碑计划\n3. 风险",
        minutes="确认先升级一号工厂，再升级二号工厂。",
        minutes_visibility=Visibility.CLIENT,
        attendees=[pm, admin, rep],
        stakeholder_attendees=[stakeholder],
    )
    meeting_decision_record(
        actor=pm, meeting=meeting, text="一号工厂先行上线。", decided_by="joint"
    )
    action_item_create(
        actor=pm,
        meeting=meeting,
        text="提供ERP接口文档",
        owner=rep,
        due_date=timezone.localdate() + timedelta(days=5),
    )
    return 4
