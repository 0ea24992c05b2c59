"""A large, reproducible data set for performance benchmarks (PostgreSQL only):
`manage.py seed_scale --projects 10000`.

It writes only into a database that is empty or holds nothing but an earlier seed_scale set;
`--replace` removes that earlier set first. See demo.scale.build for what it builds."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from demo.scale import guard
from demo.scale.build import Options, ScaleSeed
from feedback.selectors.satisfaction import satisfaction_figures_changed


class Command(BaseCommand):
    help = (
        "Build a large benchmark data set with COPY: clients, people, projects with their "
        "plans, requirements, risks, surveys, feedback and status reports. PostgreSQL only; "
        "refuses a database holding anything else."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--projects", type=int, required=True)
        parser.add_argument(
            "--large-projects",
            type=int,
            default=None,
            help="projects with --large-project-tasks tasks (default 1 per 1,000, at least 1)",
        )
        parser.add_argument("--large-project-tasks", type=int, default=10_000)
        parser.add_argument("--tasks", type=int, default=100, help="tasks of the other projects")
        parser.add_argument("--clients", type=int, default=300, help="at most (1 per 3 projects)")
        parser.add_argument("--people", type=int, default=2000, help="at most (2 per project)")
        parser.add_argument(
            "--report-share", type=float, default=0.02, help="share of projects with reports"
        )
        parser.add_argument("--seed", type=int, default=1, help="of the random generator")
        parser.add_argument(
            "--anchor",
            type=date.fromisoformat,
            default=date(2030, 1, 7),
            help="the day the data set is built around (ISO date; never today)",
        )
        parser.add_argument(
            "--replace", action="store_true", help="remove an earlier seed_scale set first"
        )
        parser.add_argument(
            "--no-analyze",
            action="store_true",
            help="skip ANALYZE at the end (for a seed in a transaction that is rolled back)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale writes with COPY: it needs PostgreSQL.")
        projects = options["projects"]
        if projects < 1:
            raise CommandError("--projects must be at least 1.")
        large = options["large_projects"]
        if large is None:
            large = max(1, projects // 1000)
        seed_options = Options(
            projects=projects,
            large_projects=min(large, projects),
            tasks=max(10, options["tasks"]),
            large_project_tasks=max(10, options["large_project_tasks"]),
            clients=max(1, options["clients"]),
            people=max(1, options["people"]),
            report_share=options["report_share"],
            seed=options["seed"],
            anchor=options["anchor"],
            # Inside a caller's transaction (a test) the rows may be rolled back, but ANALYZE's
            # row counts would stay: statistics only for a seed that commits.
            analyze=not options["no_analyze"] and not connection.in_atomic_block,
        )
        started = time.perf_counter()
        with transaction.atomic():
            foreign = guard.foreign_data()
            if foreign:
                raise CommandError(
                    "The database holds data seed_scale did not write ("
                    + ", ".join(foreign)
                    + "): use an empty database."
                )
            if guard.holds_seed():
                if not options["replace"]:
                    raise CommandError(
                        "The database already holds a seed_scale set: pass --replace to build "
                        "it again."
                    )
                guard.remove_seed()
                self.stdout.write(
                    f"{'earlier set removed':<34} {time.perf_counter() - started:7.1f} s"
                )
            counts = ScaleSeed(seed_options, self.stdout.write).run()
            # Written with COPY, past the signals: what the cache kept of the data is forgotten.
            satisfaction_figures_changed()
        self.stdout.write(f"\n{'table':<40} {'rows':>12}")
        for label, count in counts.items():
            self.stdout.write(f"{label:<40} {count:>12,}")
        self.stdout.write(f"{'total':<40} {sum(counts.values()):>12,}")
        self.stdout.write(f"\nDone in {time.perf_counter() - started:.1f} s.")
