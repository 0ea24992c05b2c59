"""The seed_scale data set, stage by stage (see demo/management/commands/seed_scale.py).

Everything is drawn from one random generator seeded with `seed`, and every date and instant is
placed around `anchor` (never today), so that the same options build the same names, dates and
figures. Each stage writes through CopyWriter and says how long it took.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection

from accounts.models import Organization, User
from demo.scale import names
from demo.scale.copy import CopyWriter, allocate_ids
from demo.scale.guard import SEED_CODE_PREFIX, SEED_DOMAIN
from feedback.models import (
    Campaign,
    DetractorFollowUp,
    FeedbackTicket,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyResponse,
    SurveyTemplate,
)
from feedback.services.sla import DEFAULT_SLA_TARGETS
from projects.models import (
    AcceptanceCriterion,
    CostEntry,
    Deliverable,
    Membership,
    Milestone,
    Project,
    Role,
    Task,
    TaskDependency,
)
from reports.models import Report, ReportDelivery, ReportSchedule
from reports.snapshot import SnapshotRequest, take_snapshots
from risks.models import Assessment, Risk
from risks.models.settings import RiskSettings
from stakeholders.models import Confirmation, Requirement, RequirementVersion

MILESTONES = 10
DELIVERABLES_PER_MILESTONE = 3
REQUIREMENTS = 15
RISKS = 10
CAMPAIGNS = 5
RESPONSES = 20
TICKETS = 5
CLIENT_PEOPLE = 5  # a client admin, two customer representatives, two viewers
TEAM_MEMBERS = 4
REPORT_WEEKS = 104


@dataclass(frozen=True)
class Options:
    projects: int
    large_projects: int
    tasks: int = 100
    large_project_tasks: int = 10_000
    clients: int = 300
    people: int = 2000
    report_share: float = 0.02
    seed: int = 1
    anchor: date = date(2030, 1, 7)
    # Fresh planner statistics for the new rows. Off for a seed inside a transaction that is
    # rolled back (a test): ANALYZE's row counts outlive the rollback and would mislead the
    # planner for whatever runs next on that database.
    analyze: bool = True


@dataclass
class Person:
    id: int
    email: str
    name: str
    language: str


@dataclass
class Client:
    id: int
    name: str
    time_zone: str
    people: list[Person] = field(default_factory=list)
    am: int = 0


@dataclass
class Plan:
    """What later stages need of a project."""

    id: int
    code: str
    client: Client
    pm: int
    am: int
    team: list[int]
    start: date
    end: date
    budget: Decimal
    milestones: list[tuple[int, date, bool]] = field(default_factory=list)  # id, due, client
    earned: float = 0.0  # share of the estimated work done


class ScaleSeed:
    def __init__(self, options: Options, say: Callable[[str], None]) -> None:
        self.options = options
        self.say = say
        self.rng = random.Random(options.seed)  # noqa: S311  (reproducible, not secret)
        self.anchor = options.anchor
        self.now = datetime.combine(options.anchor, datetime.min.time(), tzinfo=UTC).replace(hour=9)
        self.writer = CopyWriter(now=self.now)
        self.clients: list[Client] = []
        self.plans: list[Plan] = []
        self.person_count = 1  # numbers the addresses: ids differ from one run to the next

    # -- helpers --------------------------------------------------------------------------

    def at(self, day: date, hour: int = 10) -> datetime:
        return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)

    def stage(self, label: str, work: Callable[[], None]) -> None:
        started = time.perf_counter()
        work()
        self.writer.flush_all()
        self.say(f"{label:<34} {time.perf_counter() - started:7.1f} s")

    def run(self) -> dict[str, int]:
        self.stage("people and organisations", self.people)
        self.stage("projects and memberships", self.projects)
        self.stage("milestones, deliverables, tasks", self.plans_)
        self.stage("requirements and risks", self.conversation)
        self.stage("surveys and feedback tickets", self.satisfaction)
        self.stage("costs", self.costs)
        self.stage("status reports", self.reports)
        if self.options.analyze:
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.say(f"{'statistics (ANALYZE)':<34} {time.perf_counter() - started:7.1f} s")
        return dict(sorted(self.writer.counts.items()))

    # -- people ---------------------------------------------------------------------------

    def people(self) -> None:
        options, rng = self.options, self.rng
        client_count = max(1, min(options.clients, math.ceil(options.projects / 3)))
        people = min(options.people, max(30, options.projects * 2))
        provider_count = max(8, people - CLIENT_PEOPLE * client_count)
        organization_ids = iter(allocate_ids(Organization, client_count + 1))
        user_ids = iter(allocate_ids(User, provider_count + CLIENT_PEOPLE * client_count))
        provider_id = next(organization_ids)
        self.writer.add(
            Organization,
            {
                "id": provider_id,
                "name": "Rapport Scale Consulting",
                "kind": "provider",
                "language": "en",
                "time_zone": "Europe/London",
            },
        )
        base = [f"{w} {s}" for w in names.CLIENT_WORDS for s in names.CLIENT_SECTORS]
        chinese = [
            f"{w}{s}" for w in names.CHINESE_CLIENT_WORDS for s in names.CHINESE_CLIENT_SECTORS
        ]
        rng.shuffle(base)
        rng.shuffle(chinese)
        used: set[str] = set()
        for index in range(client_count):
            is_chinese = rng.random() < 0.15
            pool = chinese if is_chinese else base
            name = pool[index % len(pool)]
            if name in used:
                name = f"{name} {index + 1}"
            used.add(name)
            language = "zh-hans" if is_chinese else "en"
            time_zone = "Asia/Shanghai" if is_chinese else rng.choice(names.TIME_ZONES)
            client = Client(id=next(organization_ids), name=name, time_zone=time_zone)
            self.writer.add(
                Organization,
                {
                    "id": client.id,
                    "name": name,
                    "kind": "client",
                    "language": language,
                    "time_zone": time_zone,
                },
            )
            for number in range(CLIENT_PEOPLE):
                person = self._person(
                    next(user_ids), f"client{index + 1:03d}", number, language, time_zone
                )
                self._user(person, client.id, "client", time_zone)
                client.people.append(person)
            self.clients.append(client)
        admins = max(1, provider_count // 100)
        pms = max(2, provider_count // 5)
        ams = max(1, provider_count // 12)
        staff = [
            self._person(next(user_ids), "provider", number, "en", "Europe/London")
            for number in range(provider_count)
        ]
        for number, person in enumerate(staff):
            self._user(person, provider_id, "provider", "Europe/London", is_staff=number < admins)
        self.pm_pool = [p.id for p in staff[admins : admins + pms]]
        self.am_pool = [p.id for p in staff[admins + pms : admins + pms + ams]]
        self.team_pool = [p.id for p in staff[admins + pms + ams :]]
        for index, client in enumerate(self.clients):
            client.am = self.am_pool[index % len(self.am_pool)]

    def _person(self, user_id: int, domain: str, number: int, language: str, zone: str) -> Person:
        if language == "zh-hans":
            name = self.rng.choice(names.CHINESE_NAMES)
            local = f"user{self.person_count}"
        else:
            first, last = self.rng.choice(names.FIRST_NAMES), self.rng.choice(names.LAST_NAMES)
            name = f"{first} {last}"
            local = f"{first}.{last}.{self.person_count}".lower()
        self.person_count += 1
        return Person(user_id, f"{local}@{domain}.{SEED_DOMAIN}", name, language)

    def _user(
        self, person: Person, organization: int, side: str, zone: str, *, is_staff: bool = False
    ) -> None:
        self.writer.add(
            User,
            {
                "id": person.id,
                "password": "!seed_scale",  # unusable: no one logs in with a password
                "email": person.email,
                "display_name": person.name,
                "organization_id": organization,
                "language": person.language,
                "time_zone": zone,
                "side": side,
                "is_staff": is_staff,
                "date_joined": self.at(self.anchor - timedelta(days=900)),
            },
        )

    # -- projects -------------------------------------------------------------------------

    def projects(self) -> None:
        options, rng, anchor = self.options, self.rng, self.anchor
        count = options.projects
        large = max(1, options.large_projects) if count else 0
        self.large = {index * count // large for index in range(large)}
        ids = iter(allocate_ids(Project, count))
        for index in range(count):
            client = self.clients[index % len(self.clients)]
            start = anchor - timedelta(days=rng.randint(-90, 600))
            duration = rng.randint(120, 720)
            baseline_end = start + timedelta(days=duration)
            slip = rng.choice([0, 0, 0, 0, 0, 7, 14, 30, 60])
            end = baseline_end + timedelta(days=slip)
            if start > anchor:
                phase = rng.choice(["initiation", "planning"])
            elif end < anchor:
                phase = "closed" if rng.random() < 0.3 else "closing"
            else:
                phase = rng.choice(["execution", "execution", "execution", "monitoring"])
            team = rng.sample(self.team_pool, min(TEAM_MEMBERS, len(self.team_pool)))
            plan = Plan(
                id=next(ids),
                code=f"{SEED_CODE_PREFIX}{index + 1:05d}",
                client=client,
                pm=rng.choice(self.pm_pool),
                am=client.am,
                team=team,
                start=start,
                end=end,
                budget=Decimal(rng.randint(50, 2000) * 1000),
            )
            self.plans.append(plan)
            subject = rng.choice(names.PROJECT_SUBJECTS)
            self.writer.add(
                Project,
                {
                    "id": plan.id,
                    "client_id": client.id,
                    "code": plan.code,
                    "name": f"{subject} {rng.choice(names.PROJECT_KINDS)}",
                    "summary": f"{subject} for {client.name}.",
                    "phase": phase,
                    "scope_statement": f"Deliver the {subject.lower()} to every site.",
                    "baseline_start_date": start,
                    "baseline_end_date": baseline_end,
                    "start_date": start,
                    "end_date": end,
                    "budget": plan.budget,
                    "currency": rng.choice(["EUR", "EUR", "EUR", "USD", "GBP"]),
                    "budget_visibility": rng.choice(["nothing", "totals", "detail"]),
                    "tags": [subject.split()[0].lower()],
                    "created_at": self.at(start - timedelta(days=30)),
                    "updated_at": self.now,
                },
            )
            members = [(plan.pm, Role.PM, "provider"), (plan.am, Role.AM, "provider")]
            members += [(user, Role.TEAM_MEMBER, "provider") for user in team]
            roles = [Role.CLIENT_ADMIN, Role.CUSTOMER_REP, Role.CUSTOMER_REP]
            roles += [Role.CLIENT_VIEWER] * (CLIENT_PEOPLE - 3)
            members += [
                (person.id, role, "client")
                for person, role in zip(client.people, roles, strict=True)
            ]
            seen: set[int] = set()
            for user, role, side in members:
                if user in seen:
                    continue
                seen.add(user)
                self.writer.add(
                    Membership,
                    {
                        "project_id": plan.id,
                        "user_id": user,
                        "role": role,
                        "member_organization_id": client.id
                        if side == "client"
                        else self.provider_id,
                        "member_side": side,
                        "project_client_id": client.id,
                        "created_at": self.at(start - timedelta(days=30)),
                    },
                )

    @property
    def provider_id(self) -> int:
        return self.clients[0].id - 1

    # -- plans ----------------------------------------------------------------------------

    def plans_(self) -> None:
        options = self.options
        task_counts = [
            options.large_project_tasks if index in self.large else options.tasks
            for index in range(len(self.plans))
        ]
        milestone_ids = iter(allocate_ids(Milestone, MILESTONES * len(self.plans)))
        deliverable_ids = iter(
            allocate_ids(Deliverable, MILESTONES * DELIVERABLES_PER_MILESTONE * len(self.plans))
        )
        task_ids = iter(allocate_ids(Task, sum(task_counts)))
        for number, (plan, tasks) in enumerate(zip(self.plans, task_counts, strict=True), 1):
            self._milestones(plan, milestone_ids, deliverable_ids)
            self._tasks(plan, tasks, task_ids)
            if number % 1000 == 0:
                self.say(f"  {number} projects planned")

    def _milestones(self, plan: Plan, milestone_ids: Any, deliverable_ids: Any) -> None:
        rng, anchor = self.rng, self.anchor
        span = (plan.end - plan.start).days
        slip_total = rng.choice([0, 0, 0, 5, 10, 20, 40])
        internal = set(rng.sample(range(MILESTONES), 2))
        for index in range(MILESTONES):
            baseline = plan.start + timedelta(days=span * (index + 1) // MILESTONES)
            due = baseline + timedelta(days=slip_total * (index + 1) // MILESTONES)
            if due < anchor:
                status = "completed" if rng.random() < 0.9 else "in_progress"
            elif not plan.milestones or plan.milestones[-1][1] < anchor:
                status = "in_progress"
            else:
                status = "planned"
            visible = index not in internal
            milestone_id = next(milestone_ids)
            plan.milestones.append((milestone_id, due, visible))
            self.writer.add(
                Milestone,
                {
                    "id": milestone_id,
                    "project_id": plan.id,
                    "name": names.MILESTONE_NAMES[index % len(names.MILESTONE_NAMES)],
                    "baseline_due_date": baseline,
                    "due_date": due,
                    "status": status,
                    "completed_at": self.at(due, 16) if status == "completed" else None,
                    "visibility": "client" if visible else "internal",
                    "position": index,
                },
            )
            for number in range(DELIVERABLES_PER_MILESTONE):
                self._deliverable(plan, milestone_id, due, status, number, next(deliverable_ids))

    def _deliverable(
        self, plan: Plan, milestone: int, due: date, status: str, number: int, pk: int
    ) -> None:
        rng = self.rng
        day = max(plan.start, due - timedelta(days=3 * (DELIVERABLES_PER_MILESTONE - number)))
        internal = rng.random() < 0.1
        if status == "completed":
            state = "accepted" if rng.random() < 0.92 else "deemed_accepted"
        elif status == "in_progress":
            state = rng.choice(["submitted", "submitted", "rejected", "in_progress", "accepted"])
        else:
            state = "in_progress"
        if internal and state in ("submitted", "rejected"):
            state = "in_progress"
        submitted = self.at(day - timedelta(days=2)) if state != "in_progress" else None
        accepted = state in ("accepted", "deemed_accepted")
        kind = rng.choice(names.DELIVERABLE_KINDS)
        self.writer.add(
            Deliverable,
            {
                "id": pk,
                "project_id": plan.id,
                "milestone_id": milestone,
                "name": f"{kind} {number + 1}",
                "description": f"The {kind.lower()} of this milestone.",
                "owner_id": rng.choice(plan.team),
                "due_date": day,
                "status": state,
                "visibility": "internal" if internal else "client",
                "submitted_at": None if internal else submitted,
                "accepted_at": self.at(day) if accepted and not internal else None,
                "internally_accepted_by_id": plan.pm if accepted and internal else None,
                "internally_accepted_at": self.at(day) if accepted and internal else None,
                "created_at": self.at(plan.start),
            },
        )
        for position in range(2):
            self.writer.add(
                AcceptanceCriterion,
                {
                    "deliverable_id": pk,
                    "text": f"Criterion {position + 1}: reviewed and signed by the client.",
                    "position": position,
                },
            )

    def _tasks(self, plan: Plan, count: int, task_ids: Any) -> None:
        """Groups of ten (a parent and nine subtasks in sequence) spread over the milestones,
        the subtasks linked finish-to-start now and then; the leaves carry the estimates."""
        rng, anchor = self.rng, self.anchor
        groups = max(1, count // 10)
        estimated = done = 0.0
        position = 0
        previous_last: int | None = None
        window_start = plan.start
        per_milestone = math.ceil(groups / MILESTONES)
        for group in range(groups):
            milestone_index = min(group // per_milestone, MILESTONES - 1)
            milestone_id, milestone_due, _visible = plan.milestones[milestone_index]
            first_of_milestone = group % per_milestone == 0
            if first_of_milestone and milestone_index:
                window_start = plan.milestones[milestone_index - 1][1]
            length = max(9, (milestone_due - window_start).days // per_milestone)
            group_start = window_start + timedelta(days=length * (group % per_milestone))
            children = 9 if group < groups - 1 else count - 10 * (groups - 1) - 1
            parent = next(task_ids)
            rows = []
            child_ids = []
            slice_days = max(1, length // max(1, children))
            progress = []
            for child in range(children):
                start = group_start + timedelta(days=slice_days * child)
                due = start + timedelta(days=slice_days - 1)
                estimate = rng.randint(4, 60)
                if due < anchor:
                    status = "done" if rng.random() < 0.92 else "in_progress"
                elif start <= anchor:
                    status = "blocked" if rng.random() < 0.1 else "in_progress"
                else:
                    status = "todo"
                if status == "done":
                    percent = 100
                elif status == "todo":
                    percent = 0
                else:
                    elapsed = (anchor - start).days / max(1, (due - start).days + 1)
                    percent = max(5, min(95, int(elapsed * 100) + rng.randint(-20, 10)))
                estimated += estimate
                done += estimate * percent / 100
                progress.append(percent)
                client_owned = rng.random() < 0.04
                task_id = next(task_ids)
                child_ids.append(task_id)
                actual = estimate * percent / 100 * rng.uniform(0.8, 1.3)
                rows.append(
                    {
                        "id": task_id,
                        "project_id": plan.id,
                        "milestone_id": milestone_id,
                        "parent_id": parent,
                        "name": f"{rng.choice(names.TASK_VERBS)} {rng.choice(names.TASK_OBJECTS)}",
                        "assignee_id": None if client_owned else rng.choice(plan.team),
                        "estimate_hours": Decimal(estimate),
                        "actual_hours": Decimal(f"{actual:.2f}"),
                        "start_date": start,
                        "due_date": due,
                        "baseline_start_date": start,
                        "baseline_due_date": due,
                        "owner_side": "client" if client_owned else "team",
                        "status": status,
                        "completed_at": self.at(due, 17) if status == "done" else None,
                        "percent_complete": percent,
                        "visibility": "client"
                        if client_owned or rng.random() < 0.25
                        else "internal",
                        "created_at": self.at(plan.start),
                        "updated_at": self.now,
                    }
                )
            group_end = rows[-1]["due_date"] if rows else group_start
            if all(p == 100 for p in progress):
                parent_status = "done"
            elif any(progress):
                parent_status = "in_progress"
            else:
                parent_status = "todo"
            self.writer.add(
                Task,
                {
                    "id": parent,
                    "project_id": plan.id,
                    "milestone_id": milestone_id,
                    "name": f"Work package {group + 1}",
                    "assignee_id": plan.pm,
                    "start_date": group_start,
                    "due_date": group_end,
                    "baseline_start_date": group_start,
                    "baseline_due_date": group_end,
                    "status": parent_status,
                    "completed_at": self.at(group_end, 17) if parent_status == "done" else None,
                    "percent_complete": sum(progress) // max(1, len(progress)),
                    "visibility": "client" if rng.random() < 0.5 else "internal",
                    "position": position,
                    "created_at": self.at(plan.start),
                    "updated_at": self.now,
                },
            )
            position += 1
            for row in rows:
                row["position"] = position
                position += 1
                self.writer.add(Task, row)
            links = [pair for pair in itertools.pairwise(child_ids) if rng.random() < 0.5]
            if previous_last is not None and child_ids and rng.random() < 0.5:
                links.append((previous_last, child_ids[0]))
            for predecessor, successor in links:
                self.writer.add(
                    TaskDependency,
                    {
                        "predecessor_id": predecessor,
                        "successor_id": successor,
                        "kind": "fs",
                        "created_at": self.at(plan.start),
                    },
                )
            previous_last = child_ids[-1] if child_ids else previous_last
        plan.earned = done / estimated if estimated else 0.0

    # -- requirements and risks ------------------------------------------------------------

    def conversation(self) -> None:
        rng, anchor = self.rng, self.anchor
        thresholds = RiskSettings()
        requirement_ids = iter(allocate_ids(Requirement, REQUIREMENTS * len(self.plans)))
        risk_ids = iter(allocate_ids(Risk, RISKS * len(self.plans)))
        signed = ("confirmed", "in_progress", "delivered", "accepted")
        link = Requirement.milestones.through
        for plan in self.plans:
            deciders = [p.id for p in plan.client.people[:3]]
            for number in range(1, REQUIREMENTS + 1):
                pk = next(requirement_ids)
                internal = rng.random() < 0.2
                if internal:
                    status = rng.choice(["draft", "in_progress", "delivered", "deferred"])
                else:
                    status = rng.choices(
                        [
                            "submitted",
                            "clarified",
                            "confirmed",
                            "in_progress",
                            "delivered",
                            "accepted",
                            "deferred",
                            "rejected",
                        ],
                        weights=[2, 3, 3, 3, 2, 3, 1, 1],
                    )[0]
                from_client = not internal and rng.random() < 0.5
                created = self.at(plan.start + timedelta(days=rng.randint(0, 60)))
                content = {
                    "title": f"{rng.choice(names.REQUIREMENT_SUBJECTS).capitalize()} ({number})",
                    "description": "The system **shall** support this, measured by the test.",
                    "priority": rng.choice(["must", "must", "should", "could", "wont"]),
                    "acceptance_notes": "Shown in the acceptance test.",
                }
                author = rng.choice(deciders) if from_client else plan.pm
                self.writer.add(
                    Requirement,
                    {
                        "id": pk,
                        "project_id": plan.id,
                        "number": number,
                        **content,
                        "source": "client" if from_client else "internal",
                        "visibility": "internal" if internal else "client",
                        "status": status,
                        "status_reason": "Not in this phase's budget."
                        if status in ("deferred", "rejected")
                        else "",
                        "created_by_id": author,
                        "created_at": created,
                        "updated_at": created,
                    },
                )
                self.writer.add(
                    RequirementVersion,
                    {
                        "requirement_id": pk,
                        "number": 1,
                        **content,
                        "visibility": "internal" if internal else "client",
                        "created_by_id": author,
                        "created_at": created,
                    },
                )
                if not internal and status in signed:
                    self.writer.add(
                        Confirmation,
                        {
                            "requirement_id": pk,
                            "version": 1,
                            **content,
                            "confirmed_by_id": rng.choice(deciders),
                            "confirmed_at": created + timedelta(days=7),
                        },
                    )
                milestone = rng.choice(plan.milestones)
                if milestone[2] or internal:
                    self.writer.add(link, {"requirement_id": pk, "milestone_id": milestone[0]})
            for number in range(1, RISKS + 1):
                pk = next(risk_ids)
                probability, impact = rng.randint(1, 5), rng.randint(1, 5)
                score = probability * impact
                residual = (max(1, probability - 1), max(1, impact - rng.randint(0, 2)))
                status = rng.choices(
                    ["open", "monitoring", "occurred", "closed"], weights=[10, 5, 1, 4]
                )[0]
                from_client = rng.random() < 0.15
                raised = self.at(plan.start + timedelta(days=rng.randint(0, 90)))
                assessed = raised + timedelta(days=rng.randint(0, 20))
                self.writer.add(
                    Risk,
                    {
                        "id": pk,
                        "project_id": plan.id,
                        "number": number,
                        "title": rng.choice(names.RISK_TITLES),
                        "description": "If this happens, the plan slips.",
                        "category": rng.choice(
                            [
                                "schedule",
                                "cost",
                                "quality",
                                "scope",
                                "technical",
                                "resource",
                                "client",
                                "commercial",
                                "external",
                            ]
                        ),
                        "probability": probability,
                        "impact": impact,
                        "score": score,
                        "level": thresholds.level_for(score),
                        "residual_probability": residual[0],
                        "residual_impact": residual[1],
                        "residual_score": residual[0] * residual[1],
                        "residual_level": thresholds.level_for(residual[0] * residual[1]),
                        "owner_id": rng.choice([plan.pm, *plan.team]),
                        "strategy": rng.choice(
                            ["avoid", "mitigate", "mitigate", "transfer", "accept"]
                        ),
                        "contingency_plan": "Fall back to the manual process.",
                        "trigger": "Two missed weekly checkpoints.",
                        "proximity": anchor + timedelta(days=rng.randint(-30, 120)),
                        "next_review_date": anchor + timedelta(days=rng.randint(-21, 30)),
                        "status": status,
                        "closed_reason": "No longer possible." if status == "closed" else "",
                        "occurred_at": assessed + timedelta(days=30)
                        if status == "occurred"
                        else None,
                        "closed_at": assessed + timedelta(days=45) if status == "closed" else None,
                        "visibility": "client" if from_client or rng.random() < 0.4 else "internal",
                        "raised_by_id": rng.choice(deciders) if from_client else plan.pm,
                        "raised_side": "client" if from_client else "provider",
                        "assessed_at": assessed,
                        "created_at": raised,
                        "updated_at": assessed,
                    },
                )
                self.writer.add(
                    Assessment,
                    {
                        "risk_id": pk,
                        "probability": probability,
                        "impact": impact,
                        "score": score,
                        "level": thresholds.level_for(score),
                        "residual_probability": residual[0],
                        "residual_impact": residual[1],
                        "residual_score": residual[0] * residual[1],
                        "residual_level": thresholds.level_for(residual[0] * residual[1]),
                        "assessed_by_id": plan.pm,
                        "assessed_at": assessed,
                    },
                )

    # -- satisfaction ---------------------------------------------------------------------

    def satisfaction(self) -> None:
        rng, now = self.rng, self.now
        template = SurveyTemplate.objects.filter(is_default=True).first()
        if template is None:
            template = SurveyTemplate.objects.create(name="Project satisfaction", is_default=True)
            SurveyQuestion.objects.create(template=template, position=1, kind="nps", text="NPS")
            SurveyQuestion.objects.create(template=template, position=2, kind="csat", text="CSAT")
        questions = list(template.questions.values_list("id", "kind"))
        count = len(self.plans)
        campaign_ids = iter(allocate_ids(Campaign, CAMPAIGNS * count))
        invitation_ids = iter(allocate_ids(SurveyInvitation, CAMPAIGNS * CLIENT_PEOPLE * count))
        response_ids = iter(allocate_ids(SurveyResponse, RESPONSES * count))
        for plan in self.plans:
            mood = rng.uniform(-2.0, 1.5)  # how this client feels about this project
            answered = set(rng.sample(range(CAMPAIGNS * CLIENT_PEOPLE), RESPONSES))
            slot = 0
            for number in range(CAMPAIGNS):
                opens = now - timedelta(days=75 * (CAMPAIGNS - number) - 20)
                closes = opens + timedelta(days=14)
                campaign = next(campaign_ids)
                self.writer.add(
                    Campaign,
                    {
                        "id": campaign,
                        "project_id": plan.id,
                        "template_id": template.pk,
                        "name": f"Quarterly survey {number + 1}",
                        "trigger": "manual",
                        "status": "closed" if closes < now else "open",
                        "opens_at": opens,
                        "closes_at": closes,
                        "sent_at": opens,
                        "closed_at": closes if closes < now else None,
                        "created_by_id": plan.am,
                        "created_at": opens - timedelta(days=2),
                    },
                )
                for person in plan.client.people:
                    invitation = next(invitation_ids)
                    responds = slot in answered
                    slot += 1
                    submitted = opens + timedelta(hours=rng.randint(2, 300))
                    self.writer.add(
                        SurveyInvitation,
                        {
                            "id": invitation,
                            "campaign_id": campaign,
                            "person_id": person.id,
                            "email": person.email,
                            "language": person.language,
                            "nonce": f"seed{invitation}",
                            "sent_at": opens,
                            "first_opened_at": submitted if responds else None,
                            "open_count": 1 if responds else 0,
                            "reminders_sent": 0 if responds else 2,
                            "responded_at": submitted if responds else None,
                            "created_at": opens,
                        },
                    )
                    if responds:
                        self._response(
                            plan,
                            campaign,
                            invitation,
                            person,
                            submitted,
                            mood,
                            questions,
                            next(response_ids),
                        )
            self._tickets(plan)

    def _response(
        self,
        plan: Plan,
        campaign: int,
        invitation: int,
        person: Person,
        submitted: datetime,
        mood: float,
        questions: list[tuple[int, str]],
        pk: int,
    ) -> None:
        rng = self.rng
        nps = max(0, min(10, round(rng.gauss(8 + mood, 1.8))))
        csat = max(1, min(5, round(rng.gauss(4 + mood / 2, 0.8))))
        self.writer.add(
            SurveyResponse,
            {
                "id": pk,
                "invitation_id": invitation,
                "campaign_id": campaign,
                "project_id": plan.id,
                "client_id": plan.client.id,
                "respondent_id": person.id,
                "nps": nps,
                "csat": csat,
                "language": person.language,
                "submitted_at": submitted,
                "updated_at": submitted,
            },
        )
        for question, kind in questions:
            if kind == "nps":
                answer: dict[str, Any] = {"rating": nps}
            elif kind == "csat":
                answer = {"rating": csat}
            elif kind == "topic_rating":
                answer = {"rating": max(1, min(5, csat + rng.randint(-1, 1)))}
            elif kind == "free_text" and rng.random() < 0.3:
                answer = {"text": "More frequent demos would help."}
            else:
                continue
            self.writer.add(SurveyAnswer, {"response_id": pk, "question_id": question, **answer})
        if nps <= 6 or csat <= 2:
            closed = rng.random() < 0.6
            self.writer.add(
                DetractorFollowUp,
                {
                    "response_id": pk,
                    "project_id": plan.id,
                    "owner_id": plan.am,
                    "status": "closed" if closed else "open",
                    "opened_at": submitted,
                    "closed_at": submitted + timedelta(days=5) if closed else None,
                    "closed_by_id": plan.am if closed else None,
                    "note": "Called the client; agreed a weekly check-in." if closed else "",
                },
            )

    def _tickets(self, plan: Plan) -> None:
        rng, now = self.rng, self.now
        for number in range(1, TICKETS + 1):
            kind = rng.choices(["complaint", "suggestion", "question", "praise"], [4, 2, 3, 1])[0]
            severity = rng.choice(["low", "medium", "medium", "high", "critical"])
            from_client = rng.random() < 0.8
            raised = now - timedelta(hours=rng.randint(4, 24 * 120))
            age_days = (now - raised).days
            if age_days > 30:
                status = rng.choice(["confirmed", "confirmed", "resolved", "reopened"])
            elif age_days > 7:
                status = rng.choice(["in_progress", "resolved", "acknowledged"])
            else:
                status = rng.choice(["new", "acknowledged", "in_progress"])
            responded = raised + timedelta(hours=rng.randint(1, 30)) if status != "new" else None
            resolved = (
                raised + timedelta(days=rng.randint(1, max(1, min(age_days, 25))))
                if status in ("resolved", "confirmed", "reopened")
                else None
            )
            row: dict[str, Any] = {
                "project_id": plan.id,
                "number": number,
                "kind": kind,
                "severity": severity,
                "title": rng.choice(names.TICKET_TITLES[kind]),
                "description": "Details as discussed in the weekly call.",
                "status": status,
                "visibility": "client" if from_client or rng.random() < 0.5 else "internal",
                "raised_by_id": rng.choice(plan.client.people[:3]).id if from_client else plan.pm,
                "raised_side": "client" if from_client else "provider",
                "raised_at": raised,
                "owner_id": plan.am,
                "first_responded_at": responded,
                "first_responded_by_id": plan.am if responded else None,
                "resolved_at": resolved,
                "resolved_by_id": plan.am if resolved else None,
                "resolution": "Fixed and explained in the call." if resolved else "",
                "confirmed_at": resolved + timedelta(days=2)
                if resolved and status == "confirmed"
                else None,
                "confirmed_by_id": plan.client.people[1].id if status == "confirmed" else None,
                "reopened_count": 1 if status == "reopened" else 0,
                "updated_at": resolved or responded or raised,
            }
            if kind == "complaint":
                first_hours, resolution_hours = DEFAULT_SLA_TARGETS[severity]
                # Business hours (eight a working day) spread over the calendar.
                first_due = raised + timedelta(hours=first_hours * 3 * 7 / 5)
                resolution_due = raised + timedelta(hours=resolution_hours * 3 * 7 / 5)
                row["first_response_due_at"] = first_due
                row["resolution_due_at"] = resolution_due
                if (responded or now) > first_due:
                    row["first_response_breached_at"] = first_due
                if (resolved or now) > resolution_due:
                    row["resolution_breached_at"] = resolution_due
            self.writer.add(FeedbackTicket, row)

    # -- costs ----------------------------------------------------------------------------

    def costs(self) -> None:
        """Monthly cost entries up to the anchor, summing to about the earned value times a
        cost performance of 0.8 to 1.25, so that CPI tells the projects apart."""
        rng, anchor = self.rng, self.anchor
        for plan in self.plans:
            if plan.start >= anchor:
                continue
            months = [
                day
                for day in (plan.start + timedelta(days=30 * k) for k in range(1, 40))
                if day <= min(anchor, plan.end)
            ]
            if not months:
                continue
            total = float(plan.budget) * plan.earned / rng.uniform(0.8, 1.25)
            for day in months:
                self.writer.add(
                    CostEntry,
                    {
                        "project_id": plan.id,
                        "date": day,
                        "category": rng.choice(["labour", "labour", "services", "materials"]),
                        "amount": Decimal(f"{total / len(months):.2f}"),
                        "note": f"Invoice {day:%Y-%m}",
                        "visibility": "client" if rng.random() < 0.2 else "internal",
                        "created_by_id": plan.pm,
                        "created_at": self.at(day),
                    },
                )

    # -- status reports -------------------------------------------------------------------

    def reports(self) -> None:
        """Two years of weekly reports for a share of the running projects: each freezes the
        project's real snapshot as of the anchor, dated for its own week."""
        started = [plan for plan in self.plans if plan.start <= self.anchor]
        if not started:
            return
        share = max(1, round(len(self.plans) * self.options.report_share))
        chosen = self.rng.sample(started, min(share, len(started)))
        projects = Project.objects.select_related("client").in_bulk([plan.id for plan in chosen])
        requests = [
            SnapshotRequest(
                project=projects[plan.id],
                period_start=self.anchor - timedelta(days=7),
                period_end=self.anchor - timedelta(days=1),
                until=self.now,
                summary="Steady progress; the next milestone is on track.",
                time_zone=plan.client.time_zone,
            )
            for plan in chosen
        ]
        snapshots = take_snapshots(requests)
        report_ids = iter(allocate_ids(Report, REPORT_WEEKS * len(chosen)))
        for plan in chosen:
            self.writer.add(
                ReportSchedule,
                {
                    "project_id": plan.id,
                    "cadence": "weekly",
                    "weekday": self.anchor.weekday(),
                    "hour": 9,
                    "anchor_date": self.anchor - timedelta(weeks=REPORT_WEEKS),
                    "recipient_roles": [Role.CLIENT_ADMIN, Role.CUSTOMER_REP, Role.CLIENT_VIEWER],
                    "next_run_at": self.now + timedelta(weeks=1),
                    "updated_at": self.now,
                },
            )
            for week in range(REPORT_WEEKS):
                period_end = self.anchor - timedelta(days=7 * week + 1)
                period_start = period_end - timedelta(days=6)
                taken = self.at(period_end + timedelta(days=1), 9)
                snapshot = dict(snapshots[plan.id])
                snapshot["period"] = {
                    "start": period_start.isoformat(),
                    "end": period_end.isoformat(),
                }
                snapshot["taken_at"] = taken.isoformat()
                report = next(report_ids)
                self.writer.add(
                    Report,
                    {
                        "id": report,
                        "project_id": plan.id,
                        "period_start": period_start,
                        "period_end": period_end,
                        "trigger": "schedule",
                        "created_at": taken,
                        "snapshot": snapshot,
                    },
                )
                for person in plan.client.people:
                    self.writer.add(
                        ReportDelivery,
                        {
                            "report_id": report,
                            "email": person.email,
                            "name": person.name,
                            "user_id": person.id,
                            "language": person.language,
                            "status": "sent",
                            "attempts": 1,
                            "sent_at": taken + timedelta(minutes=2),
                            "message_id": f"<report.{report}.{person.id}@{SEED_DOMAIN}>",
                            "created_at": taken,
                        },
                    )
