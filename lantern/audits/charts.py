"""The themes report's chart, drawn on the server as inline SVG (no JavaScript, no images).

One bar per quarter, 100% high, split into Ofsted's four grades (best at the bottom), with the
number of audits graded above each bar and the count in each segment tall enough to hold it.
The `<svg role="img">` is named by its `<title>` and summarised by its `<desc>`; the page gives
the same numbers in a table beside it, and the legend repeats the grade names, so colour is
never the only way to read it. Every attribute is a presentation attribute (strict CSP).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lantern.audits.models import Grade

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 52, 16, 48, 44
TEXT, SECONDARY, BORDER, WHITE = "#0b0c0c", "#505a5f", "#b1b4b6", "#ffffff"
FONT = 'font-family="arial, sans-serif"'

#: (fill, label text colour) per grade, best first; GOV.UK colours.
COLOURS = {
    Grade.OUTSTANDING: ("#00703c", WHITE),
    Grade.GOOD: ("#1d70b8", WHITE),
    Grade.REQUIRES_IMPROVEMENT: ("#f47738", TEXT),
    Grade.INADEQUATE: ("#d4351c", WHITE),
}


def legend() -> list[tuple[str, str]]:
    """(grade label, colour) for a legend beside the chart."""
    return [(label, COLOURS[value][0]) for value, label in Grade.choices]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "chart"


def _describe(title: str, quarters: Sequence[str], rows: Sequence[Sequence[int]]) -> str:
    total = sum(sum(r) for r in rows)
    if not total:
        return f"{title}: no audits graded in the period."
    parts = []
    for quarter, counts in zip(quarters, rows, strict=True):
        n = sum(counts)
        if n:
            good = counts[0] + counts[1]
            parts.append(f"{quarter}: {n} graded, {round(100 * good / n)}% good or outstanding")
    return f"{title}. " + "; ".join(parts) + "."


def stacked_grades(*, chart_id: str, title: str, quarters: Sequence[str], rows: Sequence[Sequence[int]]) -> SafeString:
    """`rows[i]` are the counts per grade (Outstanding, Good, Requires improvement, Inadequate)
    in quarter `quarters[i]`."""
    cid = _slug(chart_id)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(quarters), 1)
    slot = plot_w / n
    bar_w = min(slot * 0.6, 80)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'focusable="false" aria-labelledby="{cid}-title {cid}-desc" class="lantern-chart">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(_describe(title, quarters, rows))}</desc>',
    ]
    # Legend across the top, in grade order.
    x = LEFT
    for value, label in Grade.choices:
        fill = COLOURS[value][0]
        parts.append(f'<rect x="{x}" y="8" width="14" height="14" fill="{fill}"/>')
        parts.append(f'<text x="{x + 20}" y="20" font-size="12" fill="{TEXT}" {FONT}>{escape(label)}</text>')
        x += 20 + 7 * len(label) + 18  # swatch, the label at about 7 px a character, a gap
    # Gridlines at 0, 25, 50, 75 and 100%.
    for k in range(5):
        y = TOP + plot_h * (1 - k / 4)
        colour = TEXT if k == 0 else BORDER
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{colour}"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{SECONDARY}" {FONT}>'
            f"{25 * k}%</text>"
        )
    for i, (quarter, counts) in enumerate(zip(quarters, rows, strict=True)):
        centre = LEFT + slot * (i + 0.5)
        total = sum(counts)
        parts.append(
            f'<text x="{centre:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" fill="{TEXT}" '
            f"{FONT}>{escape(quarter)}</text>"
        )
        if not total:
            parts.append(
                f'<text x="{centre:.1f}" y="{TOP + plot_h - 6}" text-anchor="middle" font-size="12" '
                f'fill="{SECONDARY}" {FONT}>none</text>'
            )
            continue
        bottom = TOP + plot_h
        for value, count in zip(Grade.values, counts, strict=True):
            if not count:
                continue
            height = plot_h * count / total
            fill, ink = COLOURS[value]
            top = bottom - height
            parts.append(
                f'<rect x="{centre - bar_w / 2:.1f}" y="{top:.1f}" width="{bar_w:.1f}" height="{height:.1f}" '
                f'fill="{fill}" stroke="{WHITE}" stroke-width="1"/>'
            )
            if height >= 16:
                parts.append(
                    f'<text x="{centre:.1f}" y="{top + height / 2 + 4:.1f}" text-anchor="middle" font-size="12" '
                    f'fill="{ink}" {FONT}>{count}</text>'
                )
            bottom = top
        parts.append(
            f'<text x="{centre:.1f}" y="{TOP - 6}" text-anchor="middle" font-size="12" fill="{TEXT}" {FONT}>'
            f"n={total}</text>"
        )
    parts.append("</svg>")
    # Text went through escape() or is built here from numbers.
    return mark_safe("".join(parts))  # noqa: S308
