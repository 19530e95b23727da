"""The synthetic council's case notes: on open cases, by the lead worker, a few significant,
reproducible from the seed."""

from datetime import date

import pytest
from django.db import transaction

from lantern.casework.models import CINEpisode
from lantern.notes.models import CaseNote, NoteStatus
from lantern.notes.selectors import note_history
from lantern.notes.services import case_note_correct
from lantern.synthetic.generator import seed_authority
from lantern.workforce.models import Allocation, AllocationRole

AS_OF = date(2026, 3, 31)


def _fingerprint() -> list[tuple]:
    return list(
        CaseNote.objects.order_by("child__la_child_id", "occurred_on", "title", "finalised_at").values_list(
            "child__la_child_id", "author__username", "title", "body", "occurred_on", "significant_category",
            "finalised_at",
        )
    )  # fmt: skip


@pytest.mark.django_db
def test_seeded_notes_are_on_open_cases_by_the_lead_worker():
    result = seed_authority(size="demo", seed=5, as_of=AS_OF)
    notes = list(CaseNote.objects.values("child_id", "author_id", "occurred_on", "status", "significant", "pk"))
    assert result.counts["case notes"] == len(notes) > 100
    open_cases = dict(CINEpisode.objects.filter(closure_date__isnull=True).values_list("child_id", "referral_date"))
    leads = dict(
        Allocation.objects.filter(end_date__isnull=True, role=AllocationRole.LEAD).values_list("child_id", "worker_id")
    )
    for note in notes:
        assert note["status"] == NoteStatus.FINAL
        assert note["child_id"] in open_cases
        assert note["author_id"] == leads[note["child_id"]]
        assert open_cases[note["child_id"]] <= note["occurred_on"] <= AS_OF
    significant = sum(n["significant"] for n in notes)
    assert 0 < significant < len(notes) * 0.15
    assert not CaseNote.objects.filter(significant=True, significant_category="").exists()
    note = CaseNote.objects.first()
    assert note.created_at == note.finalised_at


@pytest.mark.django_db
def test_seeded_notes_are_reproducible():
    def notes(seed: int) -> list[tuple]:
        with transaction.atomic():
            seed_authority(size="tiny", seed=seed, as_of=AS_OF)
            rows = _fingerprint()
            transaction.set_rollback(True)
        return rows

    first = notes(21)
    assert first and notes(21) == first


@pytest.mark.django_db
def test_correcting_a_seeded_note_keeps_its_original_text():
    seed_authority(size="tiny", seed=21, as_of=AS_OF)
    note = CaseNote.objects.select_related("author").first()
    original = note.body
    case_note_correct(
        note=note, by=note.author, reason="Spelling", title=note.title, body=original + " Corrected.",
        occurred_on=note.occurred_on, note_type=note.note_type, significant=note.significant,
        significant_category=note.significant_category,
    )  # fmt: skip
    versions, corrections = note_history(note)
    assert [v.body for v in versions] == [original]
    assert versions[0].saved_by == note.author.display_name and versions[0].saved_at == note.finalised_at
    assert [c.reason for c in corrections] == ["Spelling"]
