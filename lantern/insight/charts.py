"""The dashboard's trend chart, drawn on the server as inline SVG (no JavaScript, no images).

The `<svg role="img">` is named by its `<title>` and summarised by its `<desc>`; the page gives
the same numbers in a table beside it. Every attribute is a presentation attribute, so the
strict Content-Security-Policy (no inline styles) holds. Colours are GOV.UK's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 16, 40
BLUE, TEXT, SECONDARY, BORDER = "#1d70b8", "#0b0c0c", "#505a5f", "#b1b4b6"
FONT = 'font-family="arial, sans-serif"'


def _step(highest: float) -> int:
    """A round gridline step so that four steps reach at least `highest`."""
    raw = max(highest, 1) / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    for multiple in (1, 2, 5, 10):
        step = int(multiple * magnitude)
        if step >= raw:
            return max(step, 1)
    return int(10 * magnitude)  # pragma: no cover


def trend_chart(series: Sequence[tuple[date, int]], *, chart_id: str = "alert-trend") -> SafeString:
    """Open alerts on each day, as a line, with a label every 14 days."""
    values = [n for _, n in series]
    first, last = series[0][0], series[-1][0]
    step = _step(max(values))
    top = step * 4
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = len(series)

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - min(value, top) / top)

    lowest, highest = min(values), max(values)
    desc = (
        f"Open practice alerts each day from {first.day} {first:%B %Y} to {last.day} {last:%B %Y}: "
        f"{values[0]:,} at the start, {values[-1]:,} at the end, lowest {lowest:,}, highest {highest:,}."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'focusable="false" aria-labelledby="{chart_id}-title {chart_id}-desc" class="lantern-chart">',
        f'<title id="{chart_id}-title">Open practice alerts, last {n} days</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for k in range(5):
        value = step * k
        gy = y(value)
        colour = TEXT if k == 0 else BORDER
        parts.append(f'<line x1="{LEFT}" y1="{gy:.1f}" x2="{WIDTH - RIGHT}" y2="{gy:.1f}" stroke="{colour}"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{gy + 4:.1f}" text-anchor="end" font-size="12" fill="{SECONDARY}" {FONT}>'
            f"{value:,}</text>"
        )
    for i in range(n - 1, -1, -14):
        day = series[i][0]
        anchor = "end" if i == n - 1 else "middle"
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="{anchor}" font-size="12" fill="{TEXT}" '
            f"{FONT}>{day.day} {day:%b}</text>"
        )
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<polyline points="{points}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
    parts.append(f'<circle cx="{x(n - 1):.1f}" cy="{y(values[-1]):.1f}" r="4" fill="{BLUE}"/>')
    parts.append("</svg>")
    # Text went through escape() or is built here from numbers and dates.
    return mark_safe("".join(parts))  # noqa: S308
