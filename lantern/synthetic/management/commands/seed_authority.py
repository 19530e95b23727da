"""manage.py seed_authority: fill an empty database with a synthetic council.

    manage.py seed_authority --size demo|lancashire|kent --seed N [--as-of YYYY-MM-DD] [--if-empty]

Everything is made up and reproducible: the same size, seed and as-of date give the same
children, families, episodes, allocations and pathway records (front door decisions,
assessments, section 47 enquiries, CIN plans and reviews, step-downs, closures, approvals).
It refuses to run in production, and only fills an empty database (with --if-empty it skips
quietly when there is data already, for `make run`).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lantern.people.models import Child
from lantern.synthetic.generator import DEMO_PASSWORD, DEMO_USERNAMES, PUBLIC_SIZES, SIZES, seed_authority
from lantern.workforce.models import Service, Team, Worker

#: Earliest and latest as-of dates: the working-day calendar covers 1990-2100 and the generator
#: looks a few years either side.
MIN_AS_OF = date(1997, 1, 1)
MAX_AS_OF = date(2096, 12, 31)


def _size(value: str) -> str:
    # "tiny" (for tests) is accepted but not advertised.
    if value not in SIZES:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(PUBLIC_SIZES)}")
    return value


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError("enter the date as YYYY-MM-DD, for example 2026-03-31") from None


class Command(BaseCommand):
    help = (
        "Create a synthetic authority in an empty database: services, teams, workers (with demo logins), "
        "children and families, contacts, CIN episodes, child protection plans, early help and allocations, and "
        "the pathway along each episode (decisions, assessments, section 47s, CIN plans and reviews, approvals)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--size",
            type=_size,
            default="demo",
            metavar="{" + ",".join(PUBLIC_SIZES) + "}",
            help=(
                "demo: about 350 referrals a year (seconds); lancashire: about 11,300 a year (Lancashire in 2017); "
                "kent: about 24,000 a year (Kent in 2025, the largest authority). Default: demo."
            ),
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed; the same seed gives the same data.")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            type=_day,
            default=None,
            metavar="YYYY-MM-DD",
            help="The 'today' of the data: history runs up to this date. Default: today.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) if the database already has data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "seed_authority makes synthetic data for development, demonstrations and tests. "
                "It will not run in production (LANTERN_ENV=production)."
            )
        size: str = options["size"]
        seed: int = options["seed"]
        as_of: date = options["as_of"] or date.today()
        if not MIN_AS_OF <= as_of <= MAX_AS_OF:
            raise CommandError(f"--as-of must be between {MIN_AS_OF:%Y-%m-%d} and {MAX_AS_OF:%Y-%m-%d}.")

        found = [
            label
            for label, exists in (
                ("children", Child.objects.exists()),
                ("teams", Team.objects.exists()),
                ("services", Service.objects.exists()),
            )
            if exists
        ]
        if found:
            what = ", ".join(found)
            if options["if_empty"]:
                self.stdout.write(f"The database already has {what}: not seeding (--if-empty).")
                self._write_logins(self._existing_logins())
                return
            raise CommandError(
                f"The database already has {what}. seed_authority only fills an empty database: start from a new "
                "one (for SQLite, delete db.sqlite3 and run `manage.py migrate`), then run it again."
            )

        spec = SIZES[size]
        self.stdout.write(f"Seeding a {spec.description}, seed {seed}, as of {as_of:%Y-%m-%d} ...")
        try:
            result = seed_authority(size=size, seed=seed, as_of=as_of, stream=sys.stderr)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

        c, s = result.counts, result.stats
        lines = [
            "",
            f"Done in {result.seconds:.1f} s.",
            f"  Services and teams:      {c.get('services', 0)} services, {c.get('teams', 0)} teams",
            f"  Workers:                 {c.get('workers', 0)} ({s['workers_active']} in post, "
            f"{s['workers_left']} who have left)",
            f"  Children:                {c.get('children', 0)} (in {c.get('households', 0)} households; "
            f"{c.get('people', 0)} people in all)",
            f"  Contacts and referrals:  {c.get('CIN episodes', 0)} CIN episodes "
            f"({s['referrals_last_12_months']} referrals in the last 12 months, "
            f"{s['rereferral_pct_last_12_months']}% re-referrals)",
            f"  Episodes open:           {s['children_in_need_on_as_of']} children in need on {as_of:%d %B %Y}",
            f"  Child protection plans:  {s['cp_plans_open']} open ({c.get('child protection plans', 0)} in all)",
            f"  Early help:              {s['early_help_open']} open episodes",
            f"  Allocations:             {c.get('allocations', 0)} ({s['unallocated_open']} children waiting "
            f"for a worker)",
            f"  Social worker caseloads: average {s['sw_avg_caseload']}, highest {s['sw_max_caseload']}, "
            f"{s['sw_over_25']} over 25, {s['sw_over_30']} over 30",
            f"  Front door decisions:    {c.get('contact decisions', 0)} "
            f"({s['decisions_within_1_working_day_pct']}% within a working day; {c.get('contacts', 0)} contacts)",
            f"  Assessments:             {c.get('assessments', 0)} ({s['assessments_in_progress']} in progress; "
            f"{s['assessments_within_45_working_days_pct']}% authorised within 45 working days)",
            f"  Section 47 enquiries:    {c.get('section 47 enquiries', 0)} "
            f"({s['icpc_within_15_working_days_pct']}% of conferences within 15 working days)",
            f"  CIN plans:               {c.get('CIN plans', 0)} ({s['cin_plans_current']} current, "
            f"{s['cin_plans_awaiting_approval_or_draft']} not yet approved, {s['cin_plan_reviews_overdue']} with a "
            f"review overdue; {c.get('plan reviews', 0)} reviews)",
            f"  Approvals:               {c.get('approvals', 0)} (step-downs {c.get('step-downs', 0)}, "
            f"closures {c.get('closure requests', 0)}, transfers {c.get('transfers', 0)})",
        ]
        self.stdout.write("\n".join(lines))
        self._write_logins(result.logins)

    def _existing_logins(self) -> list[tuple[str, str, str]]:
        """The demo accounts already in the database, in the usual order."""
        workers = Worker.objects.filter(username__in=DEMO_USERNAMES).select_related("team", "service")
        by_name = {w.username: w for w in workers}
        rows = []
        for username in DEMO_USERNAMES:
            w = by_name.get(username)
            if w is not None:
                where = w.team.name if w.team else (w.service.name if w.service else "")
                rows.append((username, w.get_role_display(), where))
        return rows

    def _write_logins(self, logins: list[tuple[str, str, str]]) -> None:
        if not logins:
            return
        width_user = max(len(u) for u, _, _ in logins)
        width_role = max(len(r) for _, r, _ in logins)
        lines = ["", f"Demo logins (password: {DEMO_PASSWORD}):"]
        lines.append(f"  {'Username':<{width_user}}  {'Role':<{width_role}}  Team or service")
        for username, role, where in logins:
            lines.append(f"  {username:<{width_user}}  {role:<{width_role}}  {where or '-'}")
        self.stdout.write("\n".join(lines))
