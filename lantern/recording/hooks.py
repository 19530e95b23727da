"""What visits and direct work add to pages owned by casework (see lantern/core/hooks.py):
the "Seen" summary at the top of the child record, the latest visits and direct work lower down,
links to the visits and the child's voice, and visits overdue or due soon on My work."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from lantern.access.selectors import can_change_child_record
from lantern.casework.selectors import WorkItem
from lantern.core import hooks
from lantern.recording import selectors


@hooks.register("child_panels")
def seen_panels(*, request, child):
    """Two panels: the "Seen" summary (one query, plus one for the change check) and the latest
    visits and direct work sessions (two queries)."""
    seen = selectors.seen_summary([child.pk]).get(child.pk)
    visits, sessions = selectors.latest_records(child)
    today = timezone.localdate()
    return [
        hooks.Panel(
            template="recording/_panel_seen.html",
            order=10,
            context={
                "seen": seen,
                "today": today,
                "can_record": can_change_child_record(request.user, child),
            },
        ),
        hooks.Panel(
            template="recording/_panel_records.html",
            order=60,
            context={"records": _newest_first(visits, sessions)},
        ),
    ]


def _newest_first(visits, sessions) -> list[tuple[str, object]]:
    dated = [(v.visited_on, "visit", v) for v in visits] + [(s.session_date, "direct_work", s) for s in sessions]
    dated.sort(key=lambda row: row[0], reverse=True)
    return [(kind, record) for _day, kind, record in dated]


@hooks.register("child_links")
def recording_links(*, request, child):
    return [
        hooks.Link("Visits and direct work", reverse("recording:visits", args=[child.pk]), order=40),
        hooks.Link("Child's voice", reverse("recording:voice", args=[child.pk]), order=41),
    ]


@hooks.register("work_items")
def visits_due(*, user, child_ids, team, today):
    """Visits overdue or due within a week, for the children on the page: one query."""
    return [
        WorkItem(
            kind="visit",
            child_id=due.child_id,
            child_name=due.child_name,
            what="Child protection visit" if due.basis == "cp" else "Child in need visit",
            due=due.due,
            url=reverse("recording:visit_new", args=[due.child_id]),
        )
        for due in selectors.visits_due(child_ids, today=today)
    ]
