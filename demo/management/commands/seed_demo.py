"""Demo data: the provider, three clients (one Chinese-speaking), projects and one person of
every role. Idempotent: running it again changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Organization, User
from closeout.demo import seed_closeout
from discussions.demo import seed_discussions
from feedback.demo.surveys import seed_surveys
from feedback.demo.tickets import seed_feedback
from lessons.demo import seed_lessons
from portal.demo import seed_portal
from projects.demo import seed_baselines, seed_costs, seed_delivery, seed_tasks
from projects.models import Membership, Project, Role
from projects.services import membership_add
from reports.demo import seed_reports
from risks.demo import seed_risks
from scorecards.demo import seed_scorecards
from stakeholders.demo.changes import seed_change_requests
from stakeholders.demo.meetings import seed_meetings
from stakeholders.demo.requirements import seed_requirements

DEMO_PASSWORD = "rapport-demo-2026"  # noqa: S105  (printed for the demo; never used elsewhere)

ORGANIZATIONS = [
    ("Rapport Consulting", Organization.Kind.PROVIDER, "en", "Europe/London"),
    ("Northwind Logistics", Organization.Kind.CLIENT, "en", "Europe/Berlin"),
    ("Acme Health", Organization.Kind.CLIENT, "en", "America/New_York"),
    ("华星制造有限公司", Organization.Kind.CLIENT, "zh-hans", "Asia/Shanghai"),
]

# email, display name, organisation, language, time zone, staff admin
PEOPLE = [
    ("admin@rapport.example", "Alex Admin", "Rapport Consulting", "en", "Europe/London", True),
    ("pm@rapport.example", "Paula Morgan", "Rapport Consulting", "en", "Europe/London", False),
    ("am@rapport.example", "Adam Mills", "Rapport Consulting", "en", "Europe/London", False),
    ("team@rapport.example", "Tina Evans", "Rapport Consulting", "en", "Europe/London", False),
    ("pm.zh@rapport.example", "王芳", "Rapport Consulting", "zh-hans", "Asia/Shanghai", False),
    ("admin@northwind.example", "Clara Adler", "Northwind Logistics", "en", "Europe/Berlin", False),
    ("rep@northwind.example", "Rory Peters", "Northwind Logistics", "en", "Europe/Berlin", False),
    ("viewer@northwind.example", "Vera Lang", "Northwind Logistics", "en", "Europe/Berlin", False),
    ("rep@acme.example", "Riley Quinn", "Acme Health", "en", "America/New_York", False),
    ("admin@huaxing.example", "李明", "华星制造有限公司", "zh-hans", "Asia/Shanghai", False),
    ("rep@huaxing.example", "张伟", "华星制造有限公司", "zh-hans", "Asia/Shanghai", False),
    ("viewer@huaxing.example", "陈静", "华星制造有限公司", "zh-hans", "Asia/Shanghai", False),
]
DEMO_EMAILS = [email for email, *_ in PEOPLE]

# code, name, client, summary, start, end, members (email, role)
PROJECTS = [
    (
        "NW-WMS",
        "Warehouse management rollout",
        "Northwind Logistics",
        "Replace the paper-based picking in three warehouses with a scanner-driven WMS.",
        date(2026, 9, 1),
        date(2027, 3, 31),
        [
            ("pm@rapport.example", Role.PM),
            ("am@rapport.example", Role.AM),
            ("team@rapport.example", Role.TEAM_MEMBER),
            ("admin@northwind.example", Role.CLIENT_ADMIN),
            ("rep@northwind.example", Role.CUSTOMER_REP),
            ("viewer@northwind.example", Role.CLIENT_VIEWER),
        ],
    ),
    (
        "NW-PORTAL",
        "Carrier self-service portal",
        "Northwind Logistics",
        "A portal where carriers book loading slots and upload delivery proofs.",
        date(2026, 11, 1),
        date(2027, 6, 30),
        [
            ("pm@rapport.example", Role.PM),
            ("am@rapport.example", Role.AM),
            ("rep@northwind.example", Role.CUSTOMER_REP),
        ],
    ),
    (
        "ACME-EHR",
        "Patient records integration",
        "Acme Health",
        "Connect the clinics' scheduling system to the hospital's electronic health records.",
        date(2026, 6, 15),
        date(2027, 1, 31),
        [
            ("pm@rapport.example", Role.PM),
            ("am@rapport.example", Role.AM),
            ("rep@acme.example", Role.CUSTOMER_REP),
        ],
    ),
    (
        "HX-MES",
        "生产执行系统升级",
        "华星制造有限公司",
        "将两个工厂的生产执行系统升级到新版本，并与ERP系统集成。",
        date(2026, 10, 8),
        date(2027, 5, 31),
        [
            ("pm.zh@rapport.example", Role.PM),
            ("am@rapport.example", Role.AM),
            ("team@rapport.example", Role.TEAM_MEMBER),
            ("admin@huaxing.example", Role.CLIENT_ADMIN),
            ("rep@huaxing.example", Role.CUSTOMER_REP),
            ("viewer@huaxing.example", Role.CLIENT_VIEWER),
        ],
    ),
]


class Command(BaseCommand):
    help = "Create the demo organisations, people and projects (idempotent) and print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        created = self.seed()
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready ({created} new rows).")
            if created
            else "Demo data already present; nothing changed."
        )
        self.print_logins()

    @transaction.atomic
    def seed(self) -> int:
        created = 0
        organizations: dict[str, Organization] = {}
        for name, kind, language, time_zone in ORGANIZATIONS:
            # There is only one provider: the demo people join it whatever it is called.
            lookup: dict[str, str] = (
                {"kind": kind} if kind == Organization.Kind.PROVIDER else {"name": name}
            )
            organization, was_created = Organization.objects.get_or_create(
                **lookup,
                defaults={"name": name, "kind": kind, "language": language, "time_zone": time_zone},
            )
            organizations[name] = organization
            created += was_created
        people: dict[str, User] = {}
        existing = {user.email: user for user in User.objects.filter(email__in=DEMO_EMAILS)}
        # The password hasher takes a third of a second on purpose: hash the shared password
        # once, not once per person.
        password = make_password(DEMO_PASSWORD) if len(existing) < len(PEOPLE) else ""
        for email, display_name, org_name, language, time_zone, is_admin in PEOPLE:
            user = existing.get(email)
            if user is None:
                user = User.objects.create_user(
                    email=email,
                    password=None,
                    display_name=display_name,
                    organization=organizations[org_name],
                    language=language,
                    time_zone=time_zone,
                    is_staff=is_admin,
                    is_superuser=is_admin,
                )
                user.password = password
                user.save(update_fields=["password"])
                created += 1
            people[email] = user
        for code, name, client, summary, start, end, members in PROJECTS:
            project, was_created = Project.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "client": organizations[client],
                    "summary": summary,
                    "start_date": start,
                    "end_date": end,
                },
            )
            created += was_created
            for email, role in members:
                user = people[email]
                if not Membership.objects.filter(project=project, user=user).exists():
                    membership_add(actor=None, project=project, user=user, role=role)
                    created += 1
        created += seed_delivery(people=people)
        created += seed_tasks(people=people)
        created += seed_costs(people=people)
        created += seed_requirements(people=people)
        created += seed_change_requests(people=people)
        created += seed_meetings(people=people)
        created += seed_discussions(people=people)
        created += seed_risks(people=people)
        created += seed_surveys(people=people)
        created += seed_feedback(people=people)
        created += seed_reports(people=people)
        created += seed_portal(people=people)
        created += seed_closeout(people=people, organizations=organizations)
        # After the closeout: the closed projects have their retrospectives too.
        created += seed_lessons(people=people)
        # A year of history behind the scorecards.
        created += seed_scorecards(people=people, organizations=organizations)
        # Last: every open project with a plan by now has its first baseline.
        created += seed_baselines(people=people)
        return created

    def print_logins(self) -> None:
        roles = {
            "admin@rapport.example": "staff admin",
            "pm@rapport.example": "project manager",
            "am@rapport.example": "account manager",
            "team@rapport.example": "team member",
            "pm.zh@rapport.example": "project manager (中文)",
            "admin@northwind.example": "client admin",
            "rep@northwind.example": "customer representative",
            "viewer@northwind.example": "client viewer",
            "rep@acme.example": "customer representative",
            "admin@huaxing.example": "client admin (中文)",
            "rep@huaxing.example": "customer representative (中文)",
            "viewer@huaxing.example": "client viewer (中文)",
        }
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for email, role in roles.items():
            self.stdout.write(f"  {email:<28} {role}")
