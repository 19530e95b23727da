"""The synthetic council's supervision: about every four weeks for each case-holding worker over
the last year, by their manager, discussing children allocated to them on the day, signed (a few
recent drafts), and reproducible from the seed."""

import itertools
from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.db import transaction

from lantern.supervision.models import CaseDiscussion, SupervisionSession
from lantern.synthetic.generator import seed_authority
from lantern.workforce.models import Allocation, Role, Worker

AS_OF = date(2026, 3, 31)


def _fingerprint() -> list[tuple]:
    return list(
        CaseDiscussion.objects.order_by("session__worker__username", "session__held_on", "child__la_child_id")
        .values_list("session__worker__username", "session__supervisor__username", "session__held_on",
                     "child__la_child_id", "reflection", "decisions", "signed_at")
    )  # fmt: skip


@pytest.mark.django_db
def test_seeded_supervision_is_regular_by_managers_about_the_workers_children():
    result = seed_authority(size="demo", seed=5, as_of=AS_OF)
    sessions = list(
        SupervisionSession.objects.values(
            "pk", "worker_id", "worker__role", "worker__team_id", "worker__team__service_id", "supervisor_id",
            "supervisor__role", "supervisor__team_id", "supervisor__service_id", "held_on", "signed_at",
        )
    )  # fmt: skip
    assert result.counts["supervision sessions"] == len(sessions) > 100
    by_worker = defaultdict(list)
    for s in sessions:
        assert AS_OF - timedelta(days=365) <= s["held_on"] <= AS_OF and s["held_on"].weekday() < 5
        if s["worker__role"] == Role.TEAM_MANAGER:
            assert s["supervisor__role"] == Role.SERVICE_MANAGER
            assert s["supervisor__service_id"] == s["worker__team__service_id"]
        else:
            assert s["supervisor__role"] == Role.TEAM_MANAGER and s["supervisor__team_id"] == s["worker__team_id"]
        by_worker[s["worker_id"]].append(s["held_on"])
    # Regular with gaps: most intervals about four weeks, some longer.
    gaps = [(b - a).days for dates in by_worker.values() for a, b in itertools.pairwise(sorted(dates))]
    assert sum(21 <= g <= 35 for g in gaps) > 0.7 * len(gaps)
    assert any(g > 40 for g in gaps)
    active = Worker.objects.filter(
        is_active=True, role__in=[Role.SOCIAL_WORKER, Role.FAMILY_SUPPORT_WORKER], team__isnull=False
    ).count()
    assert len(by_worker) >= 0.9 * active
    # Every discussion is about a child allocated to the worker on the day, and signed with its session.
    held = {s["pk"]: s for s in sessions}
    discussions = list(CaseDiscussion.objects.values("session_id", "child_id", "signed_at"))
    assert result.counts["supervision case discussions"] == len(discussions) > len(sessions)
    allocations = defaultdict(list)
    for worker_id, child_id, begun, ended in Allocation.objects.values_list(
        "worker_id", "child_id", "start_date", "end_date"
    ):
        allocations[worker_id].append((child_id, begun, ended))

    def caseload_on(worker_id, day):
        return {c for c, b, e in allocations[worker_id] if b <= day and (e is None or e >= day)}

    per_session = defaultdict(int)
    for d in discussions:
        s = held[d["session_id"]]
        assert d["signed_at"] == s["signed_at"]
        assert d["child_id"] in caseload_on(s["worker_id"], s["held_on"])
        per_session[d["session_id"]] += 1
    for s in sessions:
        allocated = len(caseload_on(s["worker_id"], s["held_on"]))
        assert min(2, allocated) <= per_session[s["pk"]] <= min(4, allocated)
    drafts = sum(s["signed_at"] is None for s in sessions)
    assert drafts < 0.05 * len(sessions)


@pytest.mark.django_db
def test_seeded_supervision_is_reproducible():
    def rows(seed: int) -> list[tuple]:
        with transaction.atomic():
            seed_authority(size="tiny", seed=seed, as_of=AS_OF)
            found = _fingerprint()
            transaction.set_rollback(True)
        return found

    first = rows(31)
    assert first and rows(31) == first
