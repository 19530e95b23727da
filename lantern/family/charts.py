"""Progress charts drawn on the server as inline SVG: a child's 0 to 10 scaling for one outcome
over time, and a tiny trend line for cards and panels.

The full chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>`
(referenced with aria-labelledby); the page always gives the same numbers in a table next to it.
The trend line is decoration beside text that already says the scores, so it is hidden from
assistive technology. Every attribute is a presentation attribute (no inline styles, so the
strict Content-Security-Policy applies) and colour is never the only signal: points carry their
score, the target date is a labelled dashed line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# GOV.UK colours: blue, text, secondary text, mid-grey border.
BLUE, TEXT, SECONDARY, BORDER = "#1d70b8", "#0b0c0c", "#505a5f", "#b1b4b6"
FONT = 'font-family="arial, sans-serif"'

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 24, 28, 46
SCALE_MAX = 10


@dataclass(frozen=True)
class Point:
    day: date
    score: int
    label: str  # what the score was recorded at: "Baseline", "Review"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "chart"


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def describe(points: Sequence[Point]) -> str:
    """One sentence a screen reader reads for the chart."""
    if not points:
        return "No scores recorded yet."
    first, last = points[0], points[-1]
    if len(points) == 1:
        return f"One score: {first.score} out of 10 on {_day(first.day)}."
    change = last.score - first.score
    trend = "no change" if change == 0 else (f"up {change}" if change > 0 else f"down {-change}")
    return (
        f"{len(points)} scores from {_day(first.day)} to {_day(last.day)}: "
        f"{first.score} out of 10 at first, {last.score} out of 10 most recently ({trend})."
    )


def progress_chart(*, chart_id: str, title: str, points: Sequence[Point], target: date | None = None) -> SafeString:
    """A line of scores (0 to 10) against time, with the target date marked when it is known."""
    cid = _slug(chart_id)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    days = [p.day for p in points] + ([target] if target else [])
    start = min(days) if days else date.today()
    end = max(days) if days else start
    if (end - start).days < 28:  # give a single point, or points close together, some room
        start, end = start - timedelta(days=14), end + timedelta(days=14)
    span = (end - start).days or 1

    def x(d: date) -> float:
        return LEFT + plot_w * (d - start).days / span

    def y(score: float) -> float:
        return TOP + plot_h * (1 - min(max(score, 0), SCALE_MAX) / SCALE_MAX)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" focusable="false" aria-labelledby="{cid}-title {cid}-desc" class="lantern-chart">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(describe(points))}'
        + (escape(f" Target date {_day(target)}.") if target else "")
        + "</desc>",
    ]
    for score in range(0, SCALE_MAX + 1, 2):
        yy = y(score)
        colour, width = (TEXT, 1) if score == 0 else (BORDER, 1)
        parts.append(
            f'<line x1="{LEFT}" y1="{yy:.1f}" x2="{WIDTH - RIGHT}" y2="{yy:.1f}" stroke="{colour}" '
            f'stroke-width="{width}"/>'
        )
        parts.append(
            f'<text x="{LEFT - 8}" y="{yy + 4:.1f}" text-anchor="end" font-size="12" fill="{SECONDARY}" {FONT}>'
            f"{score}</text>"
        )
    parts.append(
        f'<text x="12" y="{TOP + plot_h / 2:.1f}" font-size="12" fill="{SECONDARY}" text-anchor="middle" '
        f'transform="rotate(-90 12 {TOP + plot_h / 2:.1f})" {FONT}>Score (0 to 10)</text>'
    )
    if target:
        tx = x(target)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{TOP}" x2="{tx:.1f}" y2="{y(0):.1f}" stroke="{SECONDARY}" stroke-width="2" '
            'stroke-dasharray="6 4"/>'
        )
        anchor = "end" if tx > WIDTH - RIGHT - 60 else "start"
        offset = -4 if anchor == "end" else 4
        parts.append(
            f'<text x="{tx + offset:.1f}" y="{TOP - 10}" text-anchor="{anchor}" font-size="12" fill="{SECONDARY}" '
            f"{FONT}>Target {escape(_day(target))}</text>"
        )
    # Date labels under the axis: each point's date, skipping any that would overlap the last one.
    last_label = -1000.0
    for p in points:
        px = x(p.day)
        if px - last_label < 80:
            continue
        last_label = px
        parts.append(
            f'<text x="{px:.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" fill="{TEXT}" '
            f"{FONT}>{escape(f'{p.day.day} {p.day:%b %y}')}</text>"
        )
    coords = [(x(p.day), y(p.score)) for p in points]
    if len(coords) > 1:
        line = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
    for (cx, cy), p in zip(coords, points, strict=True):
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{BLUE}"/>')
        above = cy - 10 if p.score < SCALE_MAX else cy + 20
        parts.append(
            f'<text x="{cx:.1f}" y="{above:.1f}" text-anchor="middle" font-size="13" font-weight="bold" '
            f'fill="{TEXT}" {FONT}>{p.score}</text>'
        )
    parts.append("</svg>")
    # Every piece of text above went through escape(); the rest is markup built here from numbers.
    return mark_safe("".join(parts))  # noqa: S308


def sparkline(scores: Sequence[int], *, width: int = 96, height: int = 24) -> SafeString:
    """A tiny trend line; decoration only (aria-hidden), so it must sit beside text giving the scores."""
    if not scores:
        return mark_safe("")
    pad = 3
    n = len(scores)
    step = (width - 2 * pad) / max(n - 1, 1)

    def y(score: int) -> float:
        return pad + (height - 2 * pad) * (1 - min(max(score, 0), SCALE_MAX) / SCALE_MAX)

    coords = [(pad + step * i if n > 1 else width / 2, y(s)) for i, s in enumerate(scores)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'aria-hidden="true" focusable="false" class="lantern-sparkline">',
        f'<line x1="0" y1="{height - pad}" x2="{width}" y2="{height - pad}" stroke="{BORDER}" stroke-width="1"/>',
    ]
    if n > 1:
        line = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{BLUE}" stroke-width="2"/>')
    cx, cy = coords[-1]
    parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" fill="{BLUE}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (numbers only)
