"""The chronology pages: the filtered timeline, its printable version and its CSV download.

Each fetches the child through the one door (`get_child_for_user`, which refuses and logs) before
anything else, whatever the request method."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator

from django.http import HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from lantern.access.selectors import get_child_for_user
from lantern.chronology import selectors
from lantern.chronology.forms import ORDER_CHOICES, ChronologyFilterForm
from lantern.chronology.selectors import PRINT_LIMIT, ChronologyFilter

PER_PAGE = 50
READ_METHODS = ("GET", "HEAD")


def _query(request, *, drop: tuple[str, ...] = ("page",)) -> str:
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params.urlencode()


def _describe(flt: ChronologyFilter) -> str:
    """The filter in words, for the printed header and the results heading."""
    parts = ["significant events only" if flt.significant_only else "all events"]
    if flt.kinds:
        labels = [s.label.lower() for s in selectors.sources() if s.kind in flt.kinds]
        parts.append("of these types: " + ", ".join(labels))
    if flt.date_from and flt.date_to:
        parts.append(f"from {date_format(flt.date_from, 'j F Y')} to {date_format(flt.date_to, 'j F Y')}")
    elif flt.date_from:
        parts.append(f"from {date_format(flt.date_from, 'j F Y')}")
    elif flt.date_to:
        parts.append(f"up to {date_format(flt.date_to, 'j F Y')}")
    parts.append("oldest first" if flt.oldest_first else "newest first")
    text = ", ".join(parts)
    return text[0].upper() + text[1:]


def chronology(request, child_id: int):
    child = get_child_for_user(request.user, child_id, page="Chronology", path=request.path)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    form = ChronologyFilterForm(request.GET)
    page_obj = flt = None
    if form.is_valid():
        flt = form.to_filter()
        page_obj = selectors.events_page(child.pk, flt, page=request.GET.get("page"), per_page=PER_PAGE)
    query = _query(request)
    return render(
        request,
        "chronology/chronology.html",
        {
            "child": child,
            "form": form,
            "kind_groups": form.kind_groups(),
            "order_choices": ORDER_CHOICES,
            "order": "oldest" if request.GET.get("order") == "oldest" else "newest",
            "page_obj": page_obj,
            "query_string": query,
            "filter": flt,
            "description": _describe(flt) if flt else "",
            "print_url": reverse("chronology:print", args=[child.pk]) + (f"?{query}" if query else ""),
            "csv_url": reverse("chronology:csv", args=[child.pk]) + (f"?{query}" if query else ""),
        },
    )


def _invalid_filter_redirect(request, child_id: int):
    """Bad filter input on the print or download link: show the errors on the chronology page."""
    query = _query(request)
    return redirect(reverse("chronology:chronology", args=[child_id]) + (f"?{query}" if query else ""))


def chronology_print(request, child_id: int):
    child = get_child_for_user(request.user, child_id, page="Chronology (printable)", path=request.path)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    form = ChronologyFilterForm(request.GET)
    if not form.is_valid():
        return _invalid_filter_redirect(request, child.pk)
    flt = form.to_filter()
    rows, total = selectors.events_with_total(child.pk, flt, limit=PRINT_LIMIT)
    truncated = total > len(rows)
    query = _query(request)
    return render(
        request,
        "chronology/print.html",
        {
            "child": child,
            "events": rows,
            "truncated": truncated,
            "total": total,
            "limit": PRINT_LIMIT,
            "description": _describe(flt),
            "printed_at": timezone.localtime(),
            "back_url": reverse("chronology:chronology", args=[child.pk]) + (f"?{query}" if query else ""),
        },
    )


# ---------------------------------------------------------------------------------------------
# CSV download
# ---------------------------------------------------------------------------------------------

CSV_HEADER = ("Date", "Time", "Type", "What happened", "Detail", "By", "Significant")
#: A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """Text a spreadsheet will show as text: a leading formula character gets a quote before it."""
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(child_id: int, flt: ChronologyFilter) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a byte order mark, so spreadsheet programs read the file as UTF-8
    yield writer.writerow(CSV_HEADER)
    for event in selectors.iter_events(child_id, flt):
        at = timezone.localtime(event.at).strftime("%H:%M") if event.at else ""
        yield writer.writerow(
            [
                event.on.isoformat(),
                at,
                safe_cell(event.label),
                safe_cell(event.title),
                safe_cell(event.detail),
                safe_cell(event.actor),
                "Yes" if event.significant else "No",
            ]
        )


def chronology_csv(request, child_id: int):
    child = get_child_for_user(request.user, child_id, page="Chronology (CSV download)", path=request.path)
    if request.method not in READ_METHODS:
        return HttpResponseNotAllowed(READ_METHODS)
    form = ChronologyFilterForm(request.GET)
    if not form.is_valid():
        return _invalid_filter_redirect(request, child.pk)
    flt = form.to_filter()
    name = re.sub(r"[^A-Za-z0-9_-]", "", child.la_child_id) or str(child.pk)
    response = StreamingHttpResponse(_csv_lines(child.pk, flt), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chronology-{name}-{timezone.localdate():%Y-%m-%d}.csv"'
    return response
