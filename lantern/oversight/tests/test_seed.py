"""The synthetic council's oversight: signed entries by the team manager of the team holding the
child, about every four weeks with gaps and some overdue, actions mostly done, check-ins by the
supervising social worker on family support worker cases; immutable once signed; reproducible."""

from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from lantern.oversight import selectors
from lantern.oversight.models import CheckIn, OversightAction, OversightActionCompletion, OversightEntry
from lantern.synthetic.generator import seed_authority
from lantern.workforce.models import Allocation, AllocationRole, Role

AS_OF = date(2026, 3, 31)


def _lead_team_on(child_id: int, day: date, leads) -> set[int]:
    return {team for team, begun, ended in leads[child_id] if begun <= day and (ended is None or ended >= day)}


@pytest.mark.django_db
def test_seeded_oversight_is_regular_by_the_childs_team_manager_with_some_overdue():
    result = seed_authority(size="demo", seed=5, as_of=AS_OF)
    entries = list(
        OversightEntry.objects.values(
            "pk", "child_id", "author_id", "author__role", "author__team_id", "signed_by_id", "signed_at", "created_at"
        )
    )
    assert result.counts["oversight entries"] == len(entries) > 200
    leads = defaultdict(list)
    for child_id, team_id, begun, ended in Allocation.objects.filter(role=AllocationRole.LEAD).values_list(
        "child_id", "team_id", "start_date", "end_date"
    ):
        leads[child_id].append((team_id, begun, ended))
    by_child = defaultdict(list)
    for e in entries:
        on = timezone.localtime(e["created_at"]).date()
        assert AS_OF - timedelta(days=92) <= on <= AS_OF and on.weekday() < 5
        assert e["author__role"] == Role.TEAM_MANAGER
        assert e["author__team_id"] in _lead_team_on(e["child_id"], on, leads)
        if e["signed_at"] is not None:
            assert e["signed_by_id"] == e["author_id"] and e["signed_at"] == e["created_at"]
        by_child[e["child_id"]].append(on)
    drafts = sum(e["signed_at"] is None for e in entries)
    assert 0 < drafts < 0.05 * len(entries)
    gaps = [(b - a).days for days in by_child.values() for a, b in zip(sorted(days), sorted(days)[1:], strict=False)]
    assert sum(21 <= g <= 32 for g in gaps) > 0.7 * len(gaps) and any(g > 35 for g in gaps)
    statuses = selectors.oversight_status(list(by_child))
    overdue = sum(s.overdue(AS_OF) for s in statuses.values())
    assert 0.05 * len(statuses) < overdue < 0.5 * len(statuses)

    actions = OversightAction.objects.count()
    assert result.counts["oversight actions"] == actions > 100
    done = list(OversightActionCompletion.objects.values("completed_on", "action__entry__signed_at"))
    assert 0.5 * actions < len(done) < actions
    assert all(d["completed_on"] <= AS_OF and d["action__entry__signed_at"] is not None for d in done)

    # The database holds the seeded signatures like any other.
    signed = OversightEntry.objects.filter(signed_at__isnull=False).first()
    with pytest.raises(Exception), transaction.atomic(), connection.cursor() as cursor:  # noqa: B017
        cursor.execute("UPDATE oversight_oversightentry SET direction = 'x' WHERE id = %s", [signed.pk])


@pytest.mark.django_db
def test_seeded_check_ins_are_by_the_supervising_social_worker_of_an_fsw_case():
    seed_authority(size="demo", seed=5, as_of=AS_OF)
    check_ins = list(CheckIn.objects.values("child_id", "author_id", "family_support_worker__role", "held_on"))
    assert len(check_ins) > 20
    supervising = defaultdict(list)
    for child_id, worker_id, begun, ended in Allocation.objects.filter(
        role=AllocationRole.SUPERVISING_SOCIAL_WORKER
    ).values_list("child_id", "worker_id", "start_date", "end_date"):
        supervising[(child_id, worker_id)].append((begun, ended))
    for c in check_ins:
        assert c["family_support_worker__role"] == Role.FAMILY_SUPPORT_WORKER and c["held_on"] <= AS_OF
        spans = supervising[(c["child_id"], c["author_id"])]
        assert any(b <= c["held_on"] and (e is None or e >= c["held_on"]) for b, e in spans)


@pytest.mark.django_db
def test_seeded_oversight_is_reproducible():
    def rows(seed: int) -> list[tuple]:
        with transaction.atomic():
            seed_authority(size="tiny", seed=seed, as_of=AS_OF)
            found = list(
                OversightEntry.objects.order_by("child__la_child_id", "created_at").values_list(
                    "child__la_child_id", "author__username", "created_at", "direction", "signed_at",
                    "next_oversight_date",
                )
            ) + list(
                CheckIn.objects.order_by("child__la_child_id", "held_on").values_list(
                    "child__la_child_id", "author__username", "held_on", "summary"
                )
            )  # fmt: skip
            transaction.set_rollback(True)
        return found

    first = rows(31)
    assert first and rows(31) == first
