"""Charts drawn on the server as SVG: no script, no network, readable on a phone (it scales)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from core.texts import t

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 16, 40
BAR_HEIGHT, BAR_GAP = 34, 14
COLOURS = {"pending": "#c98a00", "approved": "#2e7d32", "rejected": "#b3261e"}


@dataclasses.dataclass(frozen=True)
class Marker:
    """A flag drawn on the chart at an hour, with its evidence as the tooltip."""

    hour: int
    label: str


def _svg(width: int, height: int, title: str, body: list[str], css_class: str) -> Markup:
    """Wrap drawing elements in a scalable, labelled SVG element."""
    head = (f'<svg class="{css_class}" viewBox="0 0 {width} {height}" role="img" '
            f'preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg" '
            f'aria-label="{escape(title)}"><title>{escape(title)}</title>')
    return Markup(head + "".join(body) + "</svg>")


def state_bars(counts: dict[str, int]) -> Markup:
    """Filings by review state: one horizontal bar per state, with its count."""
    peak = max(counts.values(), default=0) or 1
    height = TOP + len(counts) * (BAR_HEIGHT + BAR_GAP)
    span = WIDTH - 130 - 60
    body = []
    for i, (state, n) in enumerate(counts.items()):
        y = TOP + i * (BAR_HEIGHT + BAR_GAP)
        w = round(span * n / peak)
        label = escape(t(f"filing.state.{state}"))
        body.append(f'<text x="120" y="{y + 23}" text-anchor="end" class="label">{label}</text>'
                    f'<rect class="bar" data-state="{state}" data-count="{n}" x="130" y="{y}" '
                    f'width="{w}" height="{BAR_HEIGHT}" fill="{COLOURS.get(state, "#555")}"/>'
                    f'<text x="{130 + w + 8}" y="{y + 23}" class="value">{n}</text>')
    return _svg(WIDTH, height, t("console.chart.filings"), body, "chart chart-states")


def hourly_lines(valid: Sequence[int], void: Sequence[int], opens: dt.datetime,
                 markers: Sequence[Marker], title: str) -> Markup:
    """Votes per hour over the window: valid votes as a line, voided ones dashed, flags marked."""
    hours = len(valid)
    peak = max([*valid, *void, 1])
    x = _scale(hours)

    def y(v: int) -> float:
        return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * v / peak, 1)

    body = _axes(peak, hours, opens, x)
    body.append(_polyline("valid", [(x(h), y(v)) for h, v in enumerate(valid)]))
    if any(void):
        body.append(_polyline("void", [(x(h), y(v)) for h, v in enumerate(void)]))
    for m in markers:
        cx, cy = x(m.hour), y(valid[m.hour] if 0 <= m.hour < hours else 0)
        body.append(f'<g class="flag"><line x1="{cx}" y1="{TOP}" x2="{cx}" y2="{HEIGHT - BOTTOM}"/>'
                    f'<circle cx="{cx}" cy="{cy}" r="6"><title>{escape(m.label)}</title></circle>'
                    f'<text x="{cx + 4}" y="{TOP + 10}">⚑</text></g>')
    return _svg(WIDTH, HEIGHT, title, body, "chart chart-hourly")


def _scale(hours: int) -> Callable[[int], float]:
    """Hour index -> x coordinate across the plot area."""
    span = WIDTH - LEFT - RIGHT
    return lambda h: round(LEFT + (span * h / (hours - 1) if hours > 1 else span / 2), 1)


def _polyline(series: str, points: list[tuple[float, float]]) -> str:
    coords = " ".join(f"{px},{py}" for px, py in points)
    return f'<polyline class="series {series}" data-series="{series}" points="{coords}"/>'


def _axes(peak: int, hours: int, opens: dt.datetime, x: Callable[[int], float]) -> list[str]:
    """The frame, the vote scale on the left and a few day labels underneath."""
    base = HEIGHT - BOTTOM
    out = [f'<line class="axis" x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}"/>',
           f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}"/>',
           f'<text class="tick" x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{peak}</text>',
           f'<text class="tick" x="{LEFT - 6}" y="{base + 4}" text-anchor="end">0</text>']
    step = max(24, (hours // 6 // 24 + 1) * 24)  # at most about six day labels
    for h in range(0, hours, step):
        label = (opens + dt.timedelta(hours=h)).strftime("%m-%d")
        out.append(f'<text class="tick" x="{x(h)}" y="{base + 18}" text-anchor="middle">{label}</text>')
    out.append(f'<text class="tick" x="{WIDTH - RIGHT}" y="{HEIGHT - 6}" text-anchor="end">'
               f'{escape(t("console.chart.hours", hours=hours))}</text>')
    return out
