"""Returns pages: Ofsted's Annex A workbook and the performance indicators (L20).

- returns:annex_a - senior leaders and inspectors choose the as-of date and download the
  workbook. Every child is counted (restricted records too), so every download is logged with
  who and the as-of date.
- returns:indicators - senior leaders, inspectors, quality auditors and service managers see
  the indicators for the 12 months to today, each with a chart and its figures in a table.
"""

from __future__ import annotations

import io
import logging

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from lantern.access.selectors import can_run_return, children_for_return
from lantern.core.forms import GovukDateField
from lantern.returns.annex_a import (
    NOT_HELD_OPTIONAL,
    NOT_HELD_REQUIRED,
    NOT_HELD_UNKNOWN,
    XLSX_CONTENT_TYPE,
    AnnexASpecError,
    window,
    write_annex_a,
)
from lantern.returns.indicators import build_indicators, month_starts

logger = logging.getLogger("lantern.returns")


class AnnexAForm(forms.Form):
    as_of = GovukDateField(
        label="Date the lists describe",
        help_text="Usually the day before the inspection starts. For example, 31 3 2026",
        past=True,
    )


def _require(user, kind: str) -> None:
    if not can_run_return(user, kind):
        raise PermissionDenied("Your role cannot see this return.")


def _not_held() -> list[dict]:
    rows = [{"list": k[0], "column": k[1], "why": why, "required": True} for k, why in NOT_HELD_REQUIRED.items()]
    rows += [{"list": k[0], "column": k[1], "why": why, "required": False} for k, why in NOT_HELD_OPTIONAL.items()]
    rows += [{"list": k[0], "column": k[1], "why": why, "required": False} for k, why in NOT_HELD_UNKNOWN.items()]
    return sorted(rows, key=lambda r: (int(r["list"].split()[1]), r["column"]))


def annex_a(request):
    _require(request.user, "annex_a")
    today = timezone.localdate()
    if request.method == "POST":
        form = AnnexAForm(request.POST)
        if form.is_valid():
            as_of = form.cleaned_data["as_of"]
            children = children_for_return(request.user, "annex_a")
            buffer = io.BytesIO()
            try:
                counts = write_annex_a(buffer, as_of=as_of, children=children)
            except AnnexASpecError as e:
                logger.error("Annex A could not be written: %s", e)
                form.add_error(
                    None, "The Annex A template is not installed on this server. Tell the system administrator."
                )
            else:
                logger.info(
                    "Annex A downloaded by user %s (%s) as of %s: %s",
                    request.user.pk,
                    request.user.role,
                    as_of.isoformat(),
                    ", ".join(f"{name} {n}" for name, n in counts.items() if n) or "no rows",
                )
                response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
                response["Content-Disposition"] = f'attachment; filename="annex-a-{as_of.isoformat()}.xlsx"'
                return response
    else:
        form = AnnexAForm(initial={"as_of": today})
    start, _ = window(today)
    return render(
        request,
        "returns/annex_a/download.html",
        {"form": form, "example_start": start, "example_end": today, "not_held": _not_held()},
    )


def indicators(request):
    _require(request.user, "indicators")
    today = timezone.localdate()
    children = children_for_return(request.user, "indicators")
    context = {
        "as_of": today,
        "since": month_starts(today)[0],
        "indicators": build_indicators(as_of=today, children=children),
    }
    return render(request, "returns/indicators/indicators.html", context)


urlpatterns: list = [
    path("annex-a/", annex_a, name="annex_a"),
    path("indicators/", indicators, name="indicators"),
]
