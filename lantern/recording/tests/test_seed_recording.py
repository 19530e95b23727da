"""The synthetic council's visits and direct work (lantern/synthetic/seed_recording.py)."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.db.models import Q

from lantern.casework.models import CINEpisode
from lantern.people.models import Child
from lantern.recording import selectors
from lantern.recording.models import STATUTORY_TYPES, THEME_LABELS, DirectWorkSession, Visit
from lantern.synthetic.generator import seed_authority
from lantern.workforce.models import Allocation

AS_OF = date(2026, 3, 31)


@pytest.fixture
def council(db):
    seed_authority(size="demo", seed=7, as_of=AS_OF, progress=False)


def test_children_in_need_are_visited_at_about_the_expected_frequency(council):
    visits = Visit.objects.all()
    assert visits.count() > 500
    open_ids = set(
        CINEpisode.objects.filter(closure_date__isnull=True, referral_nfa=False).values_list("child_id", flat=True)
    )
    visited = set(visits.values_list("child_id", flat=True).distinct())
    born = set(Child.objects.filter(person__date_of_birth__isnull=False).values_list("pk", flat=True))
    assert len(open_ids & born - visited) <= 0.05 * len(open_ids & born)  # nearly every open case is visited
    assert not visits.filter(visited_on__gt=AS_OF).exists()
    assert visits.filter(visit_type__in=STATUTORY_TYPES).count() > 0.8 * visits.count()
    seen = visits.filter(child_seen=True).count()
    assert 0.85 * visits.count() < seen < visits.count()  # a few children were not seen
    assert not visits.filter(child_seen=False, not_seen_reason="").exists()


def test_some_visits_are_overdue_and_most_are_not(council):
    today_ids = list(
        CINEpisode.objects.filter(closure_date__isnull=True, referral_nfa=False).values_list("child_id", flat=True)
    )
    due = selectors.visits_due(today_ids, today=AS_OF, within_days=0)
    summaries = selectors.seen_summary(today_ids)
    with_due = [s for s in summaries.values() if s.next_visit_due is not None]
    overdue = [d for d in due if d.due < AS_OF]
    assert overdue, "some visits drift and are overdue"
    assert len(overdue) < 0.4 * len(with_due)


def test_school_age_children_are_mostly_seen_alone_and_babies_never(council):
    rows = Visit.objects.filter(child_seen=True).values_list("visited_on", "seen_alone", "child__person__date_of_birth")
    school = [alone for day, alone, dob in rows if dob and (day - dob).days >= 6 * 365]
    babies = [alone for day, alone, dob in rows if dob and (day - dob).days < 2 * 365]
    assert sum(school) > 0.7 * len(school)
    assert not any(babies)


def test_visits_are_made_by_the_lead_worker_of_the_day(council):
    sample = Visit.objects.order_by("pk")[:200]
    for visit in sample:
        assert (
            Allocation.objects.filter(
                child_id=visit.child_id, worker_id=visit.author_id, role="lead", start_date__lte=visit.visited_on
            )
            .filter(Q(end_date__isnull=True) | Q(end_date__gte=visit.visited_on))
            .exists()
        )


def test_direct_work_has_themes_and_the_childs_words(council):
    sessions = DirectWorkSession.objects.all()
    assert sessions.exists()
    for session in sessions[:100]:
        assert session.child_words and session.method and session.reflection
        assert session.themes and set(session.themes) <= set(THEME_LABELS)
        assert Visit.objects.filter(child_id=session.child_id, visited_on=session.session_date).exists()


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_visits():
    def fingerprint(seed: int) -> list:
        with transaction.atomic():
            seed_authority(size="tiny", seed=seed, as_of=AS_OF, progress=False)
            rows = list(
                Visit.objects.order_by("child__la_child_id", "visited_at").values_list(
                    "child__la_child_id", "visited_at", "visit_type", "seen_alone", "child_said"
                )
            )
            transaction.set_rollback(True)
        return rows

    first = fingerprint(5)
    assert first
    assert fingerprint(5) == first
    assert max(row[1] for row in first).date() <= AS_OF - timedelta(days=1)
