"""`manage.py preflight`: the settings a production run uses, printed (never the secrets) and
checked, before `make serve` starts anything. Fails (exit 1) when Lantern is not ready:

- Django's deployment check (`check --deploy`) reports anything at WARNING or above;
- the database cannot be reached with DATABASE_URL (or DATABASE_OWNER_URL, when set);
- the settings are not production ones, or the database is not PostgreSQL.

It warns, without failing, when pg_dump is missing (backups need it), when secure cookies are
on with neither TLS nor a trusted proxy, and when no error tracker is set.
"""

from __future__ import annotations

import os
import shutil

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from lantern.operations.backup import Target, redact


def _describe_db(db: dict) -> str:
    host = db.get("HOST") or "local socket"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"{db.get('ENGINE', '').rsplit('.', 1)[-1]} {db.get('NAME')} on {host}{port} as {db.get('USER') or '-'}"


class Command(BaseCommand):
    help = "Print and check the settings a production run uses (make serve runs it first)."

    def handle(self, **options):
        problems: list[str] = []
        warnings: list[str] = []
        db = settings.DATABASES["default"]
        owner_url = os.environ.get("DATABASE_OWNER_URL", "")
        rows = [
            ("LANTERN_ENV", settings.LANTERN_ENV),
            ("DEBUG", "on" if settings.DEBUG else "off"),
            ("ALLOWED_HOSTS", ", ".join(settings.ALLOWED_HOSTS) or "-"),
            ("SECRET_KEY", f"set ({len(settings.SECRET_KEY)} characters)"),
            ("Database (web and worker)", _describe_db(db)),
            ("Database for migrations", redact(owner_url) if owner_url else "the same (DATABASE_OWNER_URL not set)"),
            ("Connections", f"kept {db.get('CONN_MAX_AGE')} s, checked before use: {db.get('CONN_HEALTH_CHECKS')}"),
            ("Trusted proxy", "yes: X-Forwarded-Proto marks HTTPS" if settings.TRUSTED_PROXY else "no"),
            ("HTTPS redirect", "on" if getattr(settings, "SECURE_SSL_REDIRECT", False) else "off"),
            ("HSTS", f"{getattr(settings, 'SECURE_HSTS_SECONDS', 0)} s"),
            ("Sessions", f"end after {settings.SESSION_IDLE_MINUTES} minutes idle and at browser close"),
            ("Static files", str(settings.STATIC_ROOT)),
            (
                "Logs",
                f"{settings.LOG_FORMAT} on standard error, level {settings.LOG_LEVEL}; "
                f"request log {'on' if settings.LOG_REQUESTS else 'off'}",
            ),  # fmt: skip
            (
                "Worker heartbeat",
                f"every {settings.WORKER_HEARTBEAT_SECONDS} s; gone after {settings.WORKER_STALE_SECONDS} s",
            ),
            ("Error tracker", "Sentry (SENTRY_DSN set)" if settings.SENTRY_DSN else "none (optional: SENTRY_DSN)"),
        ]
        width = max(len(name) for name, _ in rows)
        self.stdout.write("Lantern settings for this run:")
        for name, value in rows:
            self.stdout.write(f"  {name.ljust(width)}  {value}")

        if not settings.PRODUCTION:
            problems.append("LANTERN_ENV is not production")
        if db["ENGINE"] != "django.db.backends.postgresql":
            problems.append("the database is not PostgreSQL: set DATABASE_URL=postgres://...")
        else:
            try:
                with connections["default"].cursor() as cursor:
                    cursor.execute("SELECT 1")
            except Exception as e:
                problems.append(
                    f"the database cannot be reached with DATABASE_URL ({type(e).__name__}: {str(e).strip()})"
                )
            if owner_url:
                try:
                    with Target.from_url(owner_url).connect(connect_timeout=10):
                        pass
                except Exception as e:
                    problems.append(f"the database cannot be reached with DATABASE_OWNER_URL ({str(e).strip()})")
        if not shutil.which("pg_dump"):
            warnings.append(
                "pg_dump is not installed: backups need PostgreSQL's client tools (apt-get install postgresql-client)"
            )
        if getattr(settings, "SECURE_SSL_REDIRECT", False) and not settings.TRUSTED_PROXY:
            warnings.append(
                "HTTPS redirect is on without TRUSTED_PROXY: behind a reverse proxy that ends TLS, set TRUSTED_PROXY=1 "
                "(or every request is redirected again)"
            )

        self.stdout.write("Django's deployment check:")
        try:
            call_command("check", deploy=True, fail_level="WARNING", stdout=self.stdout, stderr=self.stderr)
        except Exception as e:  # SystemCheckError, with the check's messages
            self.stderr.write(str(e))
            problems.append("the deployment check reported problems (above)")
        for warning in warnings:
            self.stdout.write(self.style.WARNING(f"Warning: {warning}"))
        if problems:
            raise CommandError("Not ready for production: " + "; ".join(problems) + ".")
        self.stdout.write(self.style.SUCCESS("Ready for production."))
