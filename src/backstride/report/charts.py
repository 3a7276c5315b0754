"""The report's charts as inline SVG strings: pure, deterministic, labelled for screen readers.

* `stride_chart`: one metric's strides as dots, the median as a line, the usual range shaded.
* `weekly_chart`: weekly running distance (bars, km) over weekly descent (bars, m).
* `timeline_chart`: single-run spikes and big descents on a date line.
* `progress_chart`: one measure before and after, with the re-test noise band around "before".

Each returns a complete ``<svg>`` (see `backstride.report.svg.root`); numbers land at positions
proportional to their values so a reader (and a test) can check them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from backstride.assess.models import MetricChange
from backstride.report.data import LoadEvent, StrideSeries, WeekLoad
from backstride.report.svg import Scale, esc, num, padded, root

LEVEL_COLOURS = {"info": "#6b7280", "low": "#ca8a04", "moderate": "#ea580c", "high": "#b91c1c"}
BAND_FILL = "#dcfce7"
INK = "#1f2937"
MUTED = "#6b7280"


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 100 else f"{x:.0f}"


def stride_chart(series: StrideSeries, chart_id: str) -> str:
    """Per-stride values of one metric: dots, the median line and the usual range.

    Examples
    --------
    >>> s = StrideSeries(metric="contact_ms", label="Contact", view="side", units="ms",
    ...                  per_stride=(240.0, 250.0, 260.0), median=250.0, band=None)
    >>> svg = stride_chart(s, "c1")
    >>> svg.count('class="stride"'), 'data-value="250"' in svg
    (3, True)
    """
    w, h, left, right = 360, 74, 12, 348
    values = list(series.per_stride)
    band = series.band
    edges = [] if band is None else [e for e in (band.low, band.high) if e is not None]
    lo, hi = padded([*values, series.median, *edges])
    x = Scale(lo, hi, left, right)
    parts = []
    if band is not None:
        b_lo = x(max(lo, band.low)) if band.low is not None else left
        b_hi = x(min(hi, band.high)) if band.high is not None else right
        parts.append(
            f'<rect class="band" x="{num(b_lo)}" y="8" width="{num(max(b_hi - b_lo, 0))}" '
            f'height="36" fill="{BAND_FILL}"><title>usual range: {esc(band.text)}</title></rect>'
        )
    parts.append(f'<line x1="{left}" y1="44" x2="{right}" y2="44" stroke="{MUTED}"/>')
    for i, v in enumerate(values):
        y = 26 + 7 * ((i % 3) - 1)
        parts.append(
            f'<circle class="stride" data-value="{_fmt(v)}" cx="{num(x(v))}" cy="{y}" r="3.5" '
            f'fill="#2563eb" fill-opacity="0.7"><title>stride {i + 1}: {_fmt(v)} '
            f"{esc(series.units)}</title></circle>"
        )
    mx = num(x(series.median))
    parts.append(
        f'<line class="median" data-value="{_fmt(series.median)}" x1="{mx}" y1="6" x2="{mx}" '
        f'y2="46" stroke="{INK}" stroke-width="2"/>'
    )
    parts.append(
        f'<text x="{left}" y="60" font-size="11" fill="{MUTED}">{_fmt(lo)}</text>'
        f'<text x="{right}" y="60" font-size="11" fill="{MUTED}" text-anchor="end">{_fmt(hi)} '
        f"{esc(series.units)}</text>"
        f'<text x="{mx}" y="72" font-size="11" fill="{INK}" text-anchor="middle">median '
        f"{_fmt(series.median)}</text>"
    )
    band_text = "" if band is None else f"; usual range {band.text}"
    desc = (
        f"{len(values)} strides from {_fmt(min(values))} to {_fmt(max(values))} "
        f"{series.units}, median {_fmt(series.median)}{band_text}."
    )
    return root(chart_id, f"{series.label}, stride by stride", desc, w, h, "".join(parts))


def _week_label(d: date) -> str:
    return f"{d.day} {d.strftime('%b')}"


def weekly_chart(weeks: Sequence[WeekLoad], chart_id: str) -> str:
    """Weekly distance (top, km) and descent (bottom, m) as bars, one pair per week.

    A bar's height is proportional to its value (zero at the baseline); weeks with missing
    days are drawn hatched-pale and say so in their tooltip.

    Examples
    --------
    >>> ws = [WeekLoad(week_start=date(2025, 3, 3), distance_km=d, descent_m=0.0, complete=True)
    ...       for d in (10.0, 20.0)]
    >>> svg = weekly_chart(ws, "w")
    >>> 'data-km="10"' in svg and 'height="60"' in svg and 'height="120"' in svg
    True
    """
    w, left, right = 640, 44, 630
    km_top, km_h, m_top, m_h = 22, 120, 186, 70
    n = max(len(weeks), 1)
    slot = (right - left) / n
    max_km = max([x.distance_km for x in weeks] + [1e-9])
    max_m = max([x.descent_m for x in weeks] + [1e-9])
    parts = [
        f'<text x="{left}" y="14" font-size="11" fill="{INK}">Running distance per week '
        f"(max {max_km:.0f} km)</text>",
        f'<text x="{left}" y="{m_top - 8}" font-size="11" fill="{INK}">Descent per week '
        f"(max {max_m:.0f} m)</text>",
    ]
    for i, wk in enumerate(weeks):
        bx = left + i * slot + 0.15 * slot
        bw = 0.7 * slot
        kh = km_h * wk.distance_km / max_km
        mh = m_h * wk.descent_m / max_m
        op = "1" if wk.complete else "0.4"
        note = "" if wk.complete else " (days missing)"
        parts.append(
            f'<rect class="km" data-km="{_fmt(wk.distance_km)}" x="{num(bx)}" '
            f'y="{num(km_top + km_h - kh)}" width="{num(bw)}" height="{num(kh)}" fill="#2563eb" '
            f'fill-opacity="{op}"><title>week of {wk.week_start}: {wk.distance_km:.1f} km{note}'
            "</title></rect>"
            f'<rect class="descent" data-m="{_fmt(wk.descent_m)}" x="{num(bx)}" '
            f'y="{num(m_top + m_h - mh)}" width="{num(bw)}" height="{num(mh)}" fill="#92400e" '
            f'fill-opacity="{op}"><title>week of {wk.week_start}: {wk.descent_m:.0f} m descent'
            f"{note}</title></rect>"
        )
        if i % 4 == 0:
            parts.append(
                f'<text x="{num(bx)}" y="{m_top + m_h + 14}" font-size="10" fill="{MUTED}">'
                f"{_week_label(wk.week_start)}</text>"
            )
    parts.append(
        f'<line x1="{left}" y1="{km_top + km_h}" x2="{right}" y2="{km_top + km_h}" '
        f'stroke="{MUTED}"/><line x1="{left}" y1="{m_top + m_h}" x2="{right}" '
        f'y2="{m_top + m_h}" stroke="{MUTED}"/>'
    )
    first = weeks[0].week_start if weeks else None
    desc = (
        f"{len(weeks)} weeks from {first}: weekly distance up to {max_km:.0f} km and weekly "
        f"descent up to {max_m:.0f} m."
    )
    return root(
        chart_id,
        "Weekly running distance and descent",
        desc,
        w,
        m_top + m_h + 20,
        "".join(parts),
    )


def timeline_chart(start: date, end: date, events: Sequence[LoadEvent], chart_id: str) -> str:
    """Spikes (circles) and big descents (triangles) at their dates between ``start`` and ``end``.

    Examples
    --------
    >>> ev = [LoadEvent(on=date(2025, 1, 11), kind="spike", level="high", text="31 km")]
    >>> svg = timeline_chart(date(2025, 1, 1), date(2025, 1, 21), ev, "t")
    >>> 'cx="320"' in svg  # 10 of 20 days along 20..620
    True
    """
    w, h, left, right, y = 640, 84, 20, 620, 40
    x = Scale(start.toordinal(), end.toordinal(), left, right)
    parts = [
        f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="{MUTED}" stroke-width="2"/>',
        f'<text x="{left}" y="{y + 30}" font-size="10" fill="{MUTED}">{start}</text>',
        f'<text x="{right}" y="{y + 30}" font-size="10" fill="{MUTED}" text-anchor="end">'
        f"{end}</text>",
    ]
    for e in events:
        cx = x(e.on.toordinal())
        colour = LEVEL_COLOURS.get(e.level, INK)
        tip = f"<title>{e.on}: {esc(e.text)} ({esc(e.level)})</title>"
        if e.kind == "spike":
            parts.append(
                f'<circle class="spike" data-date="{e.on}" cx="{num(cx)}" cy="{y - 12}" r="6" '
                f'fill="{colour}">{tip}</circle>'
            )
        else:
            pts = f"{num(cx)},{y + 4} {num(cx - 6)},{y + 15} {num(cx + 6)},{y + 15}"
            parts.append(
                f'<polygon class="descent-event" data-date="{e.on}" points="{pts}" '
                f'fill="{colour}">{tip}</polygon>'
            )
    parts.append(
        f'<circle cx="{left + 4}" cy="10" r="4" fill="{INK}"/><text x="{left + 12}" y="13" '
        f'font-size="10" fill="{INK}">single-run spike</text>'
        f'<polygon points="{left + 124},6 {left + 119},14 {left + 129},14" fill="{INK}"/>'
        f'<text x="{left + 134}" y="13" font-size="10" fill="{INK}">big descent in one run'
        "</text>"
    )
    n_spikes = sum(e.kind == "spike" for e in events)
    desc = (
        f"From {start} to {end}: {n_spikes} single-run spikes and {len(events) - n_spikes} big "
        "descents. " + " ".join(f"{e.on}: {e.text}." for e in events)
    )
    return root(chart_id, "Load spikes on a timeline", desc, w, h, "".join(parts))


def progress_chart(change: MetricChange, chart_id: str) -> str:
    """Before (hollow) and after (filled) on one scale, the noise band shaded around before.

    Examples
    --------
    >>> c = MetricChange(metric="cadence_spm", label="Cadence", units="steps/min",
    ...     before=160.0, after=170.0, delta=10.0, noise=3.0, noise_source="x",
    ...     better="higher", verdict="improved")
    >>> svg = progress_chart(c, "p")
    >>> svg.count("<circle")
    2
    """
    w, h, left, right, y = 360, 62, 12, 348, 24
    lo, hi = padded(
        [change.before, change.after, change.before - change.noise, change.before + change.noise],
        0.15,
    )
    x = Scale(lo, hi, left, right)
    n_lo, n_hi = x(change.before - change.noise), x(change.before + change.noise)
    bx, ax = x(change.before), x(change.after)
    colour = {"improved": "#15803d", "worse": "#b91c1c"}.get(change.verdict, MUTED)
    body = (
        f'<rect class="noise" x="{num(n_lo)}" y="{y - 12}" width="{num(n_hi - n_lo)}" '
        f'height="24" fill="#e5e7eb"><title>re-test noise: ±{_fmt(change.noise)} '
        f"{esc(change.units)}</title></rect>"
        f'<line x1="{num(bx)}" y1="{y}" x2="{num(ax)}" y2="{y}" stroke="{colour}" '
        'stroke-width="2"/>'
        f'<circle class="before" data-value="{_fmt(change.before)}" cx="{num(bx)}" cy="{y}" '
        f'r="6" fill="white" stroke="{INK}" stroke-width="2"/>'
        f'<circle class="after" data-value="{_fmt(change.after)}" cx="{num(ax)}" cy="{y}" r="6" '
        f'fill="{colour}"/>'
        f'<text x="{num(bx)}" y="{y + 26}" font-size="10" fill="{MUTED}" text-anchor="middle">'
        f"before {_fmt(change.before)}</text>"
        f'<text x="{num(ax)}" y="{y - 15}" font-size="10" fill="{INK}" text-anchor="middle">'
        f"now {_fmt(change.after)}</text>"
    )
    desc = (
        f"{change.label}: {_fmt(change.before)} before, {_fmt(change.after)} now "
        f"{change.units}; re-test noise ±{_fmt(change.noise)}; {change.verdict.replace('_', ' ')}."
    )
    return root(chart_id, f"{change.label}: before and now", desc, w, h, body)
