"""Small progress charts as inline SVG: a line over time (with an optional flag threshold) and
weekly bars. Pure functions: numbers in, markup out; no plotting library, no scripts, so a page
renders in well under a millisecond per chart and works under a strict Content-Security-Policy.

Every chart carries a ``<title>`` and a ``<desc>`` listing its values, so a screen reader gets
the numbers too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

WIDTH, HEIGHT = 480, 190
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 28, 34


@dataclass(frozen=True)
class Point:
    """One value at one time."""

    at: datetime | date
    value: float


def _x(at: datetime | date) -> float:
    if isinstance(at, datetime):
        return at.timestamp()
    return datetime(at.year, at.month, at.day).timestamp()


def _scale(lo: float, hi: float, out_lo: float, out_hi: float) -> tuple[float, float]:
    """Slope and offset mapping [lo, hi] onto [out_lo, out_hi] (a flat range is centred)."""
    if hi - lo < 1e-9:
        return 0.0, (out_lo + out_hi) / 2
    slope = (out_hi - out_lo) / (hi - lo)
    return slope, out_lo - slope * lo


def _fmt(value: float) -> str:
    return f"{value:.3g}"


def _frame(title: str, desc: str, body: list[str], y_lo: float, y_hi: float, unit: str) -> str:
    base = HEIGHT - BOTTOM
    return "\n".join(
        [
            f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'xmlns="http://www.w3.org/2000/svg">',
            f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
            f'<text x="{LEFT}" y="16" class="chart-title">{escape(title)} '
            f'<tspan class="tick">({escape(unit)})</tspan></text>',
            f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" class="axis"/>',
            f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" class="axis"/>',
            f'<text x="{LEFT - 4}" y="{base}" class="tick" text-anchor="end">{_fmt(y_lo)}</text>',
            f'<text x="{LEFT - 4}" y="{TOP + 4}" class="tick" '
            f'text-anchor="end">{_fmt(y_hi)}</text>',
            *body,
            "</svg>",
        ]
    )


def line_chart(
    points: Sequence[Point],
    *,
    title: str,
    unit: str,
    threshold: float | None = None,
) -> str:
    """A line of ``points`` over time; ``threshold`` draws the level a finding is flagged at.

    Examples
    --------
    >>> svg = line_chart([Point(date(2026, 3, 1), 24), Point(date(2026, 4, 1), 17)],
    ...                  title="Overstride", unit="% leg", threshold=20)
    >>> svg.count("<circle"), "2026-04-01: 17 % leg" in svg, 'class="threshold"' in svg
    (2, True, True)
    """
    values = [p.value for p in points]
    extra = [] if threshold is None else [threshold]
    lo = min([*values, *extra])
    hi = max([*values, *extra])
    pad = (hi - lo) * 0.1 or 1.0
    lo, hi = lo - pad, hi + pad
    xs = [_x(p.at) for p in points]
    sx, ox = _scale(min(xs), max(xs), LEFT + 10, WIDTH - RIGHT - 10)
    sy, oy = _scale(lo, hi, HEIGHT - BOTTOM, TOP)
    body: list[str] = []
    if threshold is not None:
        y = sy * threshold + oy
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" class="threshold"/>'
            f'<text x="{WIDTH - RIGHT}" y="{y - 4:.1f}" class="tick" text-anchor="end">'
            f"flagged beyond {_fmt(threshold)}</text>"
        )
    coords = [(sx * x + ox, sy * p.value + oy) for x, p in zip(xs, points, strict=True)]
    body.append(
        '<polyline class="line" points="' + " ".join(f"{x:.1f},{y:.1f}" for x, y in coords) + '"/>'
    )
    for (x, y), p in zip(coords, points, strict=True):
        label = f"{_day(p.at)}: {_fmt(p.value)} {unit}"
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" class="dot"><title>'
            f"{escape(label)}</title></circle>"
        )
    if points:
        body.append(_x_labels(_day(points[0].at), _day(points[-1].at)))
    desc = "; ".join(f"{_day(p.at)}: {_fmt(p.value)}" for p in points)
    return _frame(title, desc, body, lo, hi, unit)


def bar_chart(bars: Sequence[tuple[str, float]], *, title: str, unit: str) -> str:
    """Bars with labels (weekly distance).

    Examples
    --------
    >>> svg = bar_chart([("03 Mar", 20.5), ("10 Mar", 31.0)], title="Weekly km", unit="km")
    >>> svg.count('class="bar"'), "10 Mar: 31 km" in svg
    (2, True)
    """
    hi = max([v for _, v in bars] + [1.0]) * 1.1
    sy, oy = _scale(0, hi, HEIGHT - BOTTOM, TOP)
    slot = (WIDTH - LEFT - RIGHT) / max(len(bars), 1)
    body = []
    for i, (label, value) in enumerate(bars):
        x, y = LEFT + i * slot + slot * 0.15, sy * value + oy
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{HEIGHT - BOTTOM - y:.1f}" class="bar"><title>'
            f"{escape(label)}: {_fmt(value)} {escape(unit)}</title></rect>"
        )
    if bars:
        body.append(_x_labels(bars[0][0], bars[-1][0]))
    desc = "; ".join(f"{label}: {_fmt(v)}" for label, v in bars)
    return _frame(title, desc, body, 0.0, hi, unit)


def _day(at: datetime | date) -> str:
    return (at.date() if isinstance(at, datetime) else at).isoformat()


def _x_labels(first: str, last: str) -> str:
    y = HEIGHT - 12
    return (
        f'<text x="{LEFT}" y="{y}" class="tick">{escape(first)}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{y}" class="tick" text-anchor="end">{escape(last)}</text>'
    )
