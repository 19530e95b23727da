"""Caseload charts drawn on the server as inline SVG (no JavaScript, no inline styles).

Each chart is one `<svg role="img">` named by its `<title>` and described by its `<desc>`; the
page always gives the same numbers in a table next to it. Colour is never the only signal:
threshold lines are dashed and labelled with their number, bars carry their value and band in
text, and stacked series are named in a legend and in the table. Colours are GOV.UK's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
TEXT, SECONDARY, BORDER = "#0b0c0c", "#505a5f", "#b1b4b6"
BLUE, ORANGE, RED, GREEN = "#1d70b8", "#f47738", "#d4351c", "#00703c"
#: Series colours in order (blue, turquoise, purple, orange, pink, green, grey).
PALETTE = ("#1d70b8", "#28a197", "#4c2c92", "#f47738", "#d53880", "#00703c", "#505a5f")
BAND_COLOURS = {"within": BLUE, "amber": ORANGE, "red": RED}
AMBER_LINE = "#b35900"  # a darker orange, so the dashed line has contrast on white
FONT = 'font-family="arial, sans-serif"'


def nice_max(value: float, steps: int = 4) -> tuple[float, float]:
    """A round top for an axis at or above value, and the gridline step."""
    raw = max(value, 1) / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        step = multiple * magnitude
        if step >= raw and float(step).is_integer():
            return step * steps, step
    return 10 * magnitude * steps, 10 * magnitude  # pragma: no cover


def figure(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "chart"


def _open(chart_id: str, title: str, desc: str, height: float) -> list[str]:
    cid = _slug(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'role="img" focusable="false" aria-labelledby="{cid}-title {cid}-desc" class="lantern-chart">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def _close(parts: list[str]) -> SafeString:
    parts.append("</svg>")
    # Every piece of text above went through escape(); the rest is markup built here from numbers.
    return mark_safe("".join(parts))  # noqa: S308


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 12, fill: str = TEXT) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}" {FONT}>'
        f"{escape(text)}</text>"
    )


def _line(x1: float, y1: float, x2: float, y2: float, colour: str, width: int = 1, dash: str = "") -> str:
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
        f'stroke-width="{width}"{dashes}/>'
    )


def _shorten(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


# ---------------------------------------------------------------------------------------------
# Caseload per worker: horizontal bars with the thresholds drawn
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerBar:
    label: str
    value: float
    band: str
    amber: float
    red: float


BAND_WORDS = {"within": "", "amber": "above amber", "red": "above red"}


def worker_bars(*, chart_id: str, title: str, desc: str, bars: Sequence[WorkerBar]) -> SafeString:
    """One bar per worker; amber and red thresholds as dashed lines across the chart (or, when
    roles in the chart have different thresholds, as dashed marks on each worker's row)."""
    left, right, top, row_h, bottom = 190, 110, 34, 26, 30
    height = top + row_h * max(len(bars), 1) + bottom
    top_value = max([b.value for b in bars] + [b.red for b in bars] + [1]) * 1.08
    x_max, step = nice_max(top_value)
    plot_w = WIDTH - left - right

    def x(value: float) -> float:
        return left + plot_w * min(max(value, 0), x_max) / x_max

    parts = _open(chart_id, title, desc, height)
    baseline = top + row_h * max(len(bars), 1)
    tick = 0.0
    while tick <= x_max + 1e-9:
        parts.append(_line(x(tick), top, x(tick), baseline, BORDER))
        parts.append(_text(x(tick), baseline + 16, figure(tick), anchor="middle", fill=SECONDARY))
        tick += step
    for i, bar in enumerate(bars):
        y = top + row_h * i
        parts.append(_text(left - 8, y + row_h / 2 + 4, _shorten(bar.label), anchor="end"))
        width = x(bar.value) - left
        colour = BAND_COLOURS.get(bar.band, BLUE)
        parts.append(
            f'<rect x="{left}" y="{y + 5:.1f}" width="{max(width, 0):.1f}" height="{row_h - 10}" fill="{colour}"/>'
        )
        words = BAND_WORDS.get(bar.band, "")
        parts.append(_text(x(bar.value) + 6, y + row_h / 2 + 4, figure(bar.value) + (f" ({words})" if words else "")))
    thresholds = {(b.amber, b.red) for b in bars}
    if len(thresholds) == 1:
        amber, red = thresholds.pop()
        for value, label, colour in ((amber, f"Amber {figure(amber)}", AMBER_LINE), (red, f"Red {figure(red)}", RED)):
            parts.append(
                f'<line x1="{x(value):.1f}" y1="{top - 6}" x2="{x(value):.1f}" y2="{baseline}" stroke="{colour}" '
                'stroke-width="2" stroke-dasharray="6 4"/>'
            )
            parts.append(_text(x(value), top - 12, label, anchor="middle"))
    else:
        for i, bar in enumerate(bars):
            y = top + row_h * i
            for value, colour in ((bar.amber, AMBER_LINE), (bar.red, RED)):
                parts.append(
                    f'<line x1="{x(value):.1f}" y1="{y + 1:.1f}" x2="{x(value):.1f}" y2="{y + row_h - 1:.1f}" '
                    f'stroke="{colour}" stroke-width="2" stroke-dasharray="4 3"/>'
                )
        parts.append(_text(left, top - 12, "Dashed marks: each worker's amber and red thresholds"))
    return _close(parts)


# ---------------------------------------------------------------------------------------------
# Trend over months: lines with reference lines
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    colour: str = BLUE


@dataclass(frozen=True)
class Reference:
    value: float
    label: str
    colour: str = RED


def _month_labels(labels: Sequence[str], every: int) -> list[str]:
    n = len(labels)
    return [label if (n - 1 - i) % every == 0 else "" for i, label in enumerate(labels)]


def trend_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    series: Sequence[Series],
    references: Sequence[Reference] = (),
) -> SafeString:
    """Lines over months (a None value leaves a gap), each series named in a legend."""
    left, right, top, bottom = 48, 20, 40, 40
    height = 280
    values = [v for s in series for v in s.values if v is not None] + [r.value for r in references]
    y_max, step = nice_max(max(values + [1]) * 1.1)
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    n = max(len(labels), 1)

    def x(i: int) -> float:
        return left + plot_w * (i + 0.5) / n

    def y(value: float) -> float:
        return top + plot_h * (1 - min(max(value, 0), y_max) / y_max)

    parts = _open(chart_id, title, desc, height)
    tick = 0.0
    while tick <= y_max + 1e-9:
        parts.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{WIDTH - right}" y2="{y(tick):.1f}" stroke="{BORDER}" '
            'stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y(tick) + 4, figure(tick), anchor="end", fill=SECONDARY))
        tick += step
    every = 1 if n <= 12 else 3
    for i, label in enumerate(_month_labels(labels, every)):
        if label:
            parts.append(_text(x(i), height - bottom + 18, label, anchor="middle"))
    for ref in references:
        parts.append(
            f'<line x1="{left}" y1="{y(ref.value):.1f}" x2="{WIDTH - right}" y2="{y(ref.value):.1f}" '
            f'stroke="{ref.colour}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        parts.append(_text(WIDTH - right, y(ref.value) - 5, ref.label, anchor="end"))
    legend_x = left
    for k, s in enumerate(series):
        dash = ' stroke-dasharray="2 3"' if k % 2 else ""
        parts.append(
            f'<line x1="{legend_x}" y1="14" x2="{legend_x + 22}" y2="14" stroke="{s.colour}" stroke-width="3"{dash}/>'
        )
        parts.append(_text(legend_x + 28, 18, s.name))
        legend_x += 40 + 7 * len(s.name)
        runs: list[list[tuple[float, float]]] = [[]]
        for i, value in enumerate(s.values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append((x(i), y(value)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
                parts.append(f'<polyline points="{points}" fill="none" stroke="{s.colour}" stroke-width="3"{dash}/>')
            for px, py in run:
                parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{s.colour}"/>')
    return _close(parts)


# ---------------------------------------------------------------------------------------------
# Stacked bars: months x series (transition view), or rows x series (bands per team)
# ---------------------------------------------------------------------------------------------


def stacked_columns(
    *, chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series]
) -> SafeString:
    """One column per label, stacked by series (a month with no data is left empty)."""
    left, right, bottom = 52, 20, 40
    legend_rows = math.ceil(len(series) / 3) if series else 0
    top = 20 + 18 * legend_rows
    height = top + 220 + bottom
    n = max(len(labels), 1)
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(labels))]
    y_max, step = nice_max(max(totals + [1]) * 1.05)
    plot_w, plot_h = WIDTH - left - right, height - top - bottom

    def y(value: float) -> float:
        return top + plot_h * (1 - min(max(value, 0), y_max) / y_max)

    parts = _open(chart_id, title, desc, height)
    for k, s in enumerate(series):
        lx, ly = left + (k % 3) * 190, 8 + 18 * (k // 3)
        parts.append(f'<rect x="{lx}" y="{ly}" width="14" height="14" fill="{s.colour}"/>')
        parts.append(_text(lx + 20, ly + 12, s.name))
    tick = 0.0
    while tick <= y_max + 1e-9:
        parts.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{WIDTH - right}" y2="{y(tick):.1f}" stroke="{BORDER}" '
            'stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y(tick) + 4, figure(tick), anchor="end", fill=SECONDARY))
        tick += step
    slot = plot_w / n
    bar_w = slot * 0.72
    every = 1 if n <= 12 else 3
    for i, label in enumerate(_month_labels(labels, every)):
        cx = left + slot * (i + 0.5)
        if label:
            parts.append(_text(cx, height - bottom + 18, label, anchor="middle"))
        base = 0.0
        for s in series:
            value = s.values[i]
            if not value:
                continue
            parts.append(
                f'<rect x="{cx - bar_w / 2:.1f}" y="{y(base + value):.1f}" width="{bar_w:.1f}" '
                f'height="{y(base) - y(base + value):.1f}" fill="{s.colour}" stroke="#ffffff" stroke-width="0.5"/>'
            )
            base += value
    return _close(parts)


def stacked_rows(
    *, chart_id: str, title: str, desc: str, labels: Sequence[str], series: Sequence[Series]
) -> SafeString:
    """One horizontal bar per label, stacked by series, with each segment's number written in it
    when it fits and the total at the end."""
    left, right, row_h, bottom = 190, 50, 26, 30
    top = 30
    height = top + row_h * max(len(labels), 1) + bottom
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(labels))]
    x_max, step = nice_max(max(totals + [1]) * 1.05)
    plot_w = WIDTH - left - right

    def x(value: float) -> float:
        return left + plot_w * min(max(value, 0), x_max) / x_max

    parts = _open(chart_id, title, desc, height)
    lx = left
    for s in series:
        parts.append(f'<rect x="{lx}" y="6" width="14" height="14" fill="{s.colour}"/>')
        parts.append(_text(lx + 20, 18, s.name))
        lx += 40 + 7 * len(s.name)
    baseline = top + row_h * max(len(labels), 1)
    tick = 0.0
    while tick <= x_max + 1e-9:
        parts.append(_line(x(tick), top, x(tick), baseline, BORDER))
        parts.append(_text(x(tick), baseline + 16, figure(tick), anchor="middle", fill=SECONDARY))
        tick += step
    for i, label in enumerate(labels):
        yy = top + row_h * i
        parts.append(_text(left - 8, yy + row_h / 2 + 4, _shorten(label), anchor="end"))
        base = 0.0
        for s in series:
            value = s.values[i] or 0
            if not value:
                continue
            parts.append(
                f'<rect x="{x(base):.1f}" y="{yy + 5:.1f}" width="{x(base + value) - x(base):.1f}" '
                f'height="{row_h - 10}" fill="{s.colour}" stroke="#ffffff" stroke-width="1"/>'
            )
            base += value
        parts.append(_text(x(base) + 6, yy + row_h / 2 + 4, figure(totals[i])))
    return _close(parts)
