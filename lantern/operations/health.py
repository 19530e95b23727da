"""What /healthz reports: the database, pending migrations and the background worker.

Each check answers ok or not, with numbers only (never names or records), so a load balancer
or monitor can read it without signing in. The page is 200 only when every check is ok.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

#: A migration plan once found empty is trusted for this long (reading the plan loads every migration file).
MIGRATIONS_CACHE_SECONDS = 30.0
_migrations_ok_at: float | None = None


@dataclass
class Check:
    ok: bool
    detail: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"ok": self.ok, **self.detail}


def check_database() -> Check:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as e:  # any failure to reach the database is "not ok", never a 500
        return Check(False, {"error": type(e).__name__})
    return Check(True)


def check_migrations() -> Check:
    global _migrations_ok_at
    if _migrations_ok_at is not None and time.monotonic() - _migrations_ok_at < MIGRATIONS_CACHE_SECONDS:
        return Check(True, {"pending": 0})
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as e:
        return Check(False, {"error": type(e).__name__})
    if plan:
        _migrations_ok_at = None
        return Check(False, {"pending": len(plan)})
    _migrations_ok_at = time.monotonic()
    return Check(True, {"pending": 0})


def check_worker(now: datetime) -> Check:
    from django_tasks_db.models import DBTaskResult

    from lantern.operations.jobs import live_workers
    from lantern.operations.models import WorkerHeartbeat

    try:
        workers = live_workers(now=now).count()
        last = (
            WorkerHeartbeat.objects.filter(stopped_at__isnull=True)
            .order_by("-beat_at")
            .values_list("beat_at", flat=True)
            .first()
        )
        waiting = DBTaskResult.objects.ready()
        oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
        detail: dict[str, object] = {
            "workers": workers,
            "last_heartbeat_seconds": round((now - last).total_seconds()) if last else None,
            "stale_after_seconds": settings.WORKER_STALE_SECONDS,
            "tasks_waiting": waiting.count(),
            "oldest_waiting_seconds": round((now - oldest).total_seconds()) if oldest else None,
        }
    except Exception as e:
        return Check(False, {"error": type(e).__name__})
    return Check(workers > 0, detail)


def report() -> tuple[bool, dict[str, object]]:
    now = timezone.now()
    database = check_database()
    checks: dict[str, Check] = {"database": database}
    if database.ok:
        checks["migrations"] = check_migrations()
        checks["worker"] = check_worker(now)
    else:
        # Nothing else can be known without the database.
        checks["migrations"] = Check(False, {"error": "database unavailable"})
        checks["worker"] = Check(False, {"error": "database unavailable"})
    healthy = all(c.ok for c in checks.values())
    return healthy, {
        "status": "ok" if healthy else "fail",
        "time": now.isoformat(timespec="seconds"),
        "checks": {name: c.as_dict() for name, c in checks.items()},
    }
