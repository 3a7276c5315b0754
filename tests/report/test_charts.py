"""The report's SVG charts: well-formed, accessible, deterministic, numbers where they belong."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from backstride.assess.models import MetricChange
from backstride.report.charts import progress_chart, stride_chart, timeline_chart, weekly_chart
from backstride.report.data import Band, LoadEvent, StrideSeries, WeekLoad


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def by_class(root: ET.Element, cls: str) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == cls]


def accessible(root: ET.Element, chart_id: str) -> None:
    assert root.tag == "svg" and root.get("role") == "img" and root.get("id") == chart_id
    assert root.get("aria-label")
    labelled = root.get("aria-labelledby", "").split()
    assert labelled == [f"{chart_id}-t", f"{chart_id}-d"]
    ids = {e.get("id"): e for e in root.iter()}
    assert ids[f"{chart_id}-t"].tag == "title" and ids[f"{chart_id}-t"].text
    assert ids[f"{chart_id}-d"].tag == "desc" and ids[f"{chart_id}-d"].text
    assert root.get("viewBox") and root.get("width") is None  # scales with the page


WEEKS = [
    WeekLoad(
        week_start=date(2025, 3, 3) + timedelta(weeks=i),
        distance_km=km,
        descent_m=m,
        complete=i != 2,
    )
    for i, (km, m) in enumerate([(20.0, 0.0), (40.0, 300.0), (10.0, 150.0), (30.0, 600.0)])
]


def test_weekly_bars_are_proportional_to_distance_and_descent() -> None:
    root = parse(weekly_chart(WEEKS, "weekly"))
    accessible(root, "weekly")
    km = by_class(root, "km")
    assert [float(r.get("data-km", "")) for r in km] == [20, 40, 10, 30]
    heights = [float(r.get("height", "")) for r in km]
    assert heights[1] == pytest.approx(120)  # the largest week fills the panel
    for h, w in zip(heights, WEEKS, strict=True):
        assert h / heights[1] == pytest.approx(w.distance_km / 40, abs=0.01)
    # every bar stands on the same baseline
    assert len({float(r.get("y", "")) + float(r.get("height", "")) for r in km}) == 1
    descent = [float(r.get("height", "")) for r in by_class(root, "descent")]
    assert descent[0] == 0 and descent[3] == pytest.approx(70)
    assert descent[1] == pytest.approx(35)
    # bars in date order from left to right
    xs = [float(r.get("x", "")) for r in km]
    assert xs == sorted(xs)
    # an incomplete week is drawn pale and says so
    assert km[2].get("fill-opacity") == "0.4"
    assert "days missing" in (km[2].findtext("title") or "")


def test_stride_dots_land_at_their_values_and_the_band_is_shaded() -> None:
    values = (240.0, 250.0, 262.0, 255.0, 270.0)
    band = Band(low=None, high=278.0, text="up to 278 ms", source="x")
    series = StrideSeries(
        metric="contact_ms",
        label="Ground contact time",
        view="side",
        units="ms",
        per_stride=values,
        median=255.0,
        band=band,
    )
    root = parse(stride_chart(series, "s1"))
    accessible(root, "s1")
    dots = by_class(root, "stride")
    assert len(dots) == 5
    cx = [float(d.get("cx", "")) for d in dots]
    # linear: the pixel distance per ms is the same between any two strides
    per_ms = (cx[4] - cx[0]) / (values[4] - values[0])
    for x, v in zip(cx, values, strict=True):
        assert x - cx[0] == pytest.approx(per_ms * (v - values[0]), abs=0.02)
    median = by_class(root, "median")[0]
    assert float(median.get("x1", "")) == pytest.approx(cx[3], abs=0.02)  # 255 is stride 4
    rect = by_class(root, "band")[0]
    right_edge = float(rect.get("x", "")) + float(rect.get("width", ""))
    assert right_edge == pytest.approx(cx[0] + per_ms * (278 - 240), abs=0.05)
    assert "usual range up to 278 ms" in (root.findtext("desc") or "")


def test_a_band_far_from_the_values_still_shows_its_edge() -> None:
    series = StrideSeries(
        metric="pelvic_drop_deg",
        label="Pelvic drop",
        view="rear",
        units="deg",
        per_stride=(8.5, 8.8, 9.0),
        median=8.8,
        band=Band(low=None, high=5.0, text="up to 5 deg", source=""),
    )
    root = parse(stride_chart(series, "pd"))
    rect = by_class(root, "band")[0]
    dots = [float(d.get("cx", "")) for d in by_class(root, "stride")]
    assert float(rect.get("width", "")) > 0
    assert float(rect.get("x", "")) + float(rect.get("width", "")) < min(dots)


def test_timeline_places_events_by_date() -> None:
    start, end = date(2025, 3, 3), date(2025, 6, 22)
    events = [
        LoadEvent(on=date(2025, 5, 11), kind="spike", level="high", text="31.4 km"),
        LoadEvent(on=date(2025, 5, 24), kind="descent", level="high", text="896 m"),
    ]
    root = parse(timeline_chart(start, end, events, "tl"))
    accessible(root, "tl")
    spike = by_class(root, "spike")[0]
    days = (end - start).days
    expected = 20 + 600 * (date(2025, 5, 11) - start).days / days
    assert float(spike.get("cx", "")) == pytest.approx(expected, abs=0.01)
    tri = by_class(root, "descent-event")[0]
    apex_x = float((tri.get("points") or "").split()[0].split(",")[0])
    assert apex_x == pytest.approx(20 + 600 * (date(2025, 5, 24) - start).days / days, abs=0.01)
    assert "2025-05-11: 31.4 km" in (root.findtext("desc") or "")


def test_progress_noise_band_is_centred_on_before() -> None:
    change = MetricChange(
        metric="cadence_spm",
        label="Cadence",
        units="steps/min",
        before=158.0,
        after=168.0,
        delta=10.0,
        noise=3.0,
        noise_source="x",
        better="higher",
        verdict="improved",
    )
    root = parse(progress_chart(change, "pc"))
    accessible(root, "pc")
    before = float(by_class(root, "before")[0].get("cx", ""))
    after = float(by_class(root, "after")[0].get("cx", ""))
    noise = by_class(root, "noise")[0]
    lo = float(noise.get("x", ""))
    hi = lo + float(noise.get("width", ""))
    assert (lo + hi) / 2 == pytest.approx(before, abs=0.02)
    # 3 steps/min of noise on each side, 10 steps/min of change: widths in that ratio
    assert (hi - lo) / (after - before) == pytest.approx(6 / 10, abs=0.01)
    assert after > hi  # an improvement outside the noise band


def test_charts_escape_text_and_are_deterministic() -> None:
    series = StrideSeries(
        metric="m",
        label='a <b> & "c"',
        view="side",
        units="ms",
        per_stride=(1.0, 2.0),
        median=1.5,
        band=None,
    )
    svg = stride_chart(series, "x")
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    parse(svg)  # still well-formed
    assert stride_chart(series, "x") == svg
    assert weekly_chart(WEEKS, "w") == weekly_chart(WEEKS, "w")


def test_an_empty_history_still_draws() -> None:
    root = parse(weekly_chart([], "empty"))
    assert by_class(root, "km") == []
    root = parse(timeline_chart(date(2025, 1, 1), date(2025, 1, 1), [], "t0"))
    assert by_class(root, "spike") == []
