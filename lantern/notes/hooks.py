"""What case notes add to pages owned by other apps (see lantern/core/hooks.py)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from lantern.access.selectors import can_change_child_record
from lantern.casework.selectors import WORK_LIMIT, WorkItem
from lantern.core import hooks
from lantern.core.local_settings import get_setting
from lantern.notes.selectors import latest_final_notes, stale_drafts

PANEL_NOTES = 5


@hooks.register("child_links")
def notes_link(*, request, child):
    return [hooks.Link(text="Case notes", href="#case-notes", order=65)]


@hooks.register("child_panels")
def notes_panel(*, request, child):
    """The latest final notes, with significant events tagged. Two queries."""
    context = {
        "child": child,
        "notes": latest_final_notes(child, limit=PANEL_NOTES),
        "can_write": can_change_child_record(request.user, child),
    }
    return [hooks.Panel(template="notes/_panel.html", order=65, context=context)]


@hooks.register("work_items")
def draft_work_items(*, user, child_ids, team, today):
    """The user's own drafts left unfinished for more than a day (council setting). One query."""
    days = get_setting("note_draft_days")
    items = []
    for note in stale_drafts(user, child_ids, days=days, today=today)[:WORK_LIMIT]:
        started = timezone.localtime(note.created_at).date()
        items.append(
            WorkItem(
                "note",
                note.child_id,
                note.child.person.full_name,
                "Finish your draft case note" + (f": {note.title}" if note.title else ""),
                started + timedelta(days=days),
                reverse("notes:edit", args=[note.child_id, note.pk]),
            )
        )
    return items
