"""Small charts drawn on the server as inline SVG: no JavaScript, no stylesheet, no images.

Each chart is an `<svg role="img">` named by its `<title>` and described by its `<desc>` (both
referenced with aria-labelledby), so a screen reader announces it as one image with a summary.
The page must also give the numbers in a table: the chart is never the only way to read them.

Colour is never the only signal: reference lines are dashed and labelled, thresholds carry their
number. Colours are GOV.UK's (blue #1d70b8, text #0b0c0c, secondary text #505a5f, borders
#b1b4b6, orange #f47738, red #d4351c) and every attribute is a presentation attribute, so the
strict Content-Security-Policy (no inline styles) applies cleanly.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 52, 20, 20, 44
BLUE, TEXT, SECONDARY, BORDER, ORANGE, RED = "#1d70b8", "#0b0c0c", "#505a5f", "#b1b4b6", "#f47738", "#d4351c"
FONT = 'font-family="arial, sans-serif"'


@dataclass(frozen=True)
class Reference:
    """A horizontal reference line, such as the national figure."""

    value: float
    label: str


@dataclass(frozen=True)
class Marker:
    """A vertical line after bar `after` (0-based), such as a caseload threshold."""

    after: int
    label: str
    colour: str = RED


def nice_step(raw: float) -> float:
    """A whole, round gridline step at or above raw (1, 2, 2.5 or 5 times a power of 10)."""
    if raw <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 2.5, 5, 10):
        step = multiple * magnitude
        if step >= raw and float(step).is_integer():
            return step
    return 10 * magnitude  # pragma: no cover


def _num(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "chart"


class _Frame:
    def __init__(self, n: int, y_max: float):
        self.n, self.y_max = max(n, 1), y_max
        self.plot_w = WIDTH - LEFT - RIGHT
        self.plot_h = HEIGHT - TOP - BOTTOM

    def y(self, value: float) -> float:
        return TOP + self.plot_h * (1 - min(max(value, 0), self.y_max) / self.y_max)

    def slot(self) -> float:
        return self.plot_w / self.n

    def x_centre(self, i: int) -> float:
        return LEFT + self.slot() * (i + 0.5)


def _open(chart_id: str, title: str, desc: str) -> list[str]:
    cid = _slug(chart_id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" focusable="false" aria-labelledby="{cid}-title {cid}-desc" class="lantern-chart">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]


def _axes(frame: _Frame, labels: Sequence[str], unit: str) -> list[str]:
    out = []
    for k in range(5):
        value = frame.y_max * k / 4
        y = frame.y(value)
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{BORDER}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{SECONDARY}" {FONT}>'
            f"{escape(_num(value))}{escape(unit)}</text>"
        )
    baseline = frame.y(0)
    out.append(
        f'<line x1="{LEFT}" y1="{baseline:.1f}" x2="{WIDTH - RIGHT}" y2="{baseline:.1f}" stroke="{TEXT}" '
        'stroke-width="1"/>'
    )
    for i, label in enumerate(labels):
        out.append(
            f'<text x="{frame.x_centre(i):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="12" '
            f'fill="{TEXT}" {FONT}>{escape(label)}</text>'
        )
    return out


def _reference(frame: _Frame, reference: Reference | None) -> list[str]:
    if reference is None:
        return []
    y = frame.y(reference.value)
    return [
        f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{SECONDARY}" stroke-width="2" '
        'stroke-dasharray="6 4"/>',
        f'<text x="{WIDTH - RIGHT}" y="{y - 6:.1f}" text-anchor="end" font-size="12" fill="{SECONDARY}" {FONT}>'
        f"{escape(reference.label)}</text>",
    ]


def _close(parts: list[str]) -> SafeString:
    parts.append("</svg>")
    # Every piece of text above went through escape(); the rest is markup built here from numbers.
    return mark_safe("".join(parts))  # noqa: S308


def _y_max(values: Sequence[float | None], reference: Reference | None, y_max: float | None, cap: float | None):
    """The top of the axis: four round gridline steps above the highest value (and the reference),
    with a little headroom for labels; no higher than `cap` (e.g. 100%) when the values allow."""
    if y_max is not None:
        return y_max
    highest = max([v for v in values if v is not None] + ([reference.value] if reference else []) + [0])
    top = 4 * nice_step(highest * 1.1 / 4)
    return cap if cap is not None and highest <= cap < top else top


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    unit: str = "",
    reference: Reference | None = None,
    y_max: float | None = None,
    cap: float | None = None,
) -> SafeString:
    """A line over the labels; a None value leaves a gap (no data that month)."""
    frame = _Frame(len(labels), _y_max(values, reference, y_max, cap))
    parts = _open(chart_id, title, desc) + _axes(frame, labels, unit) + _reference(frame, reference)
    runs: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
            continue
        runs[-1].append((frame.x_centre(i), frame.y(value)))
    for run in runs:
        if len(run) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{BLUE}" stroke-width="3"/>')
        for x, y in run:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{BLUE}"/>')
    return _close(parts)


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    unit: str = "",
    reference: Reference | None = None,
    markers: Sequence[Marker] = (),
    y_max: float | None = None,
    cap: float | None = None,
    show_values: bool = True,
) -> SafeString:
    """Bars over the labels, optionally with vertical markers between bars (e.g. thresholds)."""
    frame = _Frame(len(labels), _y_max(values, reference, y_max, cap))
    parts = _open(chart_id, title, desc) + _axes(frame, labels, unit)
    slot = frame.slot()
    bar_w = slot * 0.7
    baseline = frame.y(0)
    for i, value in enumerate(values):
        if value is None:
            continue
        y = frame.y(value)
        x = frame.x_centre(i) - bar_w / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{max(baseline - y, 0):.1f}" fill="{BLUE}"/>'
        )
        if show_values:
            parts.append(
                f'<text x="{frame.x_centre(i):.1f}" y="{y - 5:.1f}" text-anchor="middle" font-size="12" '
                f'fill="{TEXT}" {FONT}>{escape(_num(value))}</text>'
            )
    for marker in markers:
        x = LEFT + slot * (marker.after + 1)
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{baseline:.1f}" stroke="{marker.colour}" '
            'stroke-width="2" stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{x + 4:.1f}" y="{TOP + 12}" font-size="12" fill="{TEXT}" {FONT}>{escape(marker.label)}</text>'
        )
    parts += _reference(frame, reference)
    return _close(parts)
