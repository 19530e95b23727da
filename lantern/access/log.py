"""The access log: every attempt to open a child's record, and every page that shows a child's
case content, leaves a `ChildView` row saying who, when, which page, and whether it was viewed or
refused.

What counts as a view (docs/operator-guide.md, "The access log"): any page of a child's record
(everything fetched through `get_child_for_user`), and any page outside the record that shows,
about a named child, what was said, found or decided (a supervision session's case discussions,
a team's allocation decisions): one row per child shown. Lists that show only a child's name,
identifier, worker, dates and workflow state, to lead to the record (caseloads, My work, the
front door queue, alerts and audit lists), are not views; opening the record from them is.

What counts as a refusal: the door refused (the person may not see the child: 403, or 404 for a
restricted record), or the page answered 403 or 404 after the door let the person in (their role
may read the record but not do what the page does, e.g. an inspector opening "Record a visit").

Inside a request (`AccessLogMiddleware`) the rows wait until the response is known, so an
attempt the page then refuses is written as refused, and all the request's rows are written in
one INSERT. Outside a request (commands, tests calling the selectors) a row is written at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar

from lantern.access.models import ChildView, Outcome

#: The rows waiting for the current request's response; None outside a request.
_pending: ContextVar[list[ChildView] | None] = ContextVar("lantern_access_log", default=None)

#: Responses that mean the person did not get the page.
REFUSED_STATUSES = frozenset({403, 404})


def record(user, child_ids: Iterable[int], *, page: str, path: str = "", outcome: str = Outcome.VIEWED) -> None:
    """Log that `user` viewed (or was refused) each of `child_ids` on `page`."""
    rows = [
        ChildView(child_id=child_id, user=user, page=page[:80], path=path[:300], outcome=outcome)
        for child_id in dict.fromkeys(child_ids)
    ]
    if not rows:
        return
    pending = _pending.get()
    if pending is None:
        ChildView.objects.bulk_create(rows)
    else:
        pending.extend(rows)


def write_now() -> None:
    """Write the request's rows so far as they stand (the access log page shows its own visit)."""
    pending = _pending.get()
    if pending:
        ChildView.objects.bulk_create(pending)
        pending.clear()


def _flush(rows: list[ChildView], status_code: int | None) -> None:
    if not rows:
        return
    if status_code in REFUSED_STATUSES:
        for row in rows:
            row.outcome = Outcome.REFUSED
    ChildView.objects.bulk_create(rows)


class AccessLogMiddleware:
    """Writes the request's access-log rows once the response is known (after the view, outside
    any transaction it used, so a refusal is kept even when the view's work is rolled back)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _pending.set([])
        status_code = None
        try:
            response = self.get_response(request)
            status_code = response.status_code
            return response
        finally:
            rows = _pending.get() or []
            _pending.reset(token)
            _flush(rows, status_code)
