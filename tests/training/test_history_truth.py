"""The synthetic history, read from its real files, against the truth it was built from.

Every flag must fire where the truth says and nowhere else; weekly totals must be exact.
"""

from __future__ import annotations

from datetime import date

import pytest

from backstride.store.training import source_counts
from backstride.training.activity import ElevationMethod, Sport, Surface
from backstride.training.elevation import HYSTERESIS_M
from backstride.training.report import TrainingReport
from tests.training.conftest import Imported

FLAG_CODES = (
    "single_run_spike",
    "weekly_ramp",
    "monotony",
    "no_rest",
    "descent_exposure",
    "cadence_drift",
    "gct_balance_drift",
)


def product_flags(report: TrainingReport, code: str) -> set[tuple[date, str]]:
    """(day, level) of the product's events of one flag, keyed like the truth."""
    e = report.events
    items = {
        "single_run_spike": [(x.date, x.level.value) for x in e.spikes],
        "weekly_ramp": [(x.week_start, x.level.value) for x in e.ramps],
        "monotony": [(x.week_start, x.level.value) for x in e.monotony],
        "no_rest": [(x.end, x.level.value) for x in e.streaks],
        "descent_exposure": [(x.date, x.level.value) for x in e.descents],
        "cadence_drift": [(x.week_start, x.level.value) for x in e.cadence_drift],
        "gct_balance_drift": [(x.week_start, x.level.value) for x in e.balance_drift],
    }[code]
    return set(items)


@pytest.mark.parametrize("code", FLAG_CODES)
def test_every_flag_fires_where_the_truth_says_and_nowhere_else(
    imported: Imported, code: str
) -> None:
    expected = imported.truth.flag_set(code)
    assert expected, f"the default history must contain a {code} event"
    assert product_flags(imported.training, code) == expected


def test_weekly_totals_are_exact(imported: Imported) -> None:
    weeks = {w.week_start: w for w in imported.training.weeks}
    assert len(weeks) == len(imported.truth.weeks)
    for truth in imported.truth.weeks:
        got = weeks[truth.week_start]
        assert got.runs == truth.runs
        assert got.distance_km == pytest.approx(truth.distance_km, abs=0.002), truth.week_start
        assert got.time_h == pytest.approx(truth.time_h, abs=2 / 3600), truth.week_start
        # per GPX trail run, hysteresis may lose one dead band at each end of a climb
        tolerance = 2 * HYSTERESIS_M * truth.runs + 0.005 * truth.descent_m
        assert got.descent_m == pytest.approx(truth.descent_m, abs=tolerance), truth.week_start
        assert got.ascent_m == pytest.approx(truth.ascent_m, abs=tolerance), truth.week_start


def test_each_activity_is_measured_as_planned(imported: Imported) -> None:
    by_start = {r.activity.start_utc: r.activity for r in imported.records}
    assert len(by_start) == len(imported.truth.activities)  # the duplicate merged, nothing lost
    for truth in imported.truth.activities:
        a = by_start[truth.start_utc]
        assert a.local_date == truth.local_date
        assert a.sport is Sport(truth.sport)
        assert a.surface is Surface(truth.surface), truth.key
        assert a.distance_m == pytest.approx(truth.distance_m, abs=1.0), truth.key
        assert a.moving_s == pytest.approx(truth.moving_s, abs=1.0), truth.key
        if truth.descent_m is None:
            assert a.elevation_method is ElevationMethod.NONE
        else:
            # hysteresis: up to one dead band lost at the top and one at the bottom
            tolerance = 2 * HYSTERESIS_M + 0.005 * truth.descent_m
            assert a.descent_m == pytest.approx(truth.descent_m, abs=tolerance), truth.key
            assert a.descent_below_5pct_km == pytest.approx(truth.below_5pct_km, abs=0.08)
            assert a.descent_below_10pct_km == pytest.approx(truth.below_10pct_km, abs=0.08)
        if truth.cadence_spm is not None:
            assert a.cadence_spm == truth.cadence_spm, truth.key
        assert a.stance_balance_pct_left == (
            pytest.approx(truth.balance_pct_left) if truth.balance_pct_left else None
        )


def test_fit_files_use_the_device_totals_and_gpx_the_hysteresis(imported: Imported) -> None:
    methods = {
        (t.fmt, r.activity.elevation_method)
        for t in imported.truth.activities
        for r in imported.records
        if r.activity.start_utc == t.start_utc and t.surface != "treadmill"
    }
    assert ("fit", ElevationMethod.DEVICE) in methods
    assert ("gpx", ElevationMethod.HYSTERESIS) in methods
    assert ("fit", ElevationMethod.HYSTERESIS) not in methods


def test_duplicate_ride_and_treadmill(imported: Imported) -> None:
    dup = next(a for a in imported.truth.activities if len(a.files) == 2)
    copies = {str(imported.folder / name) for name in dup.files}
    assert len(imported.report.merged) == 1 and set(imported.report.merged) < copies
    stored = next(r for r in imported.records if r.activity.start_utc == dup.start_utc)
    assert stored.activity.source_format == "fit"  # the richer copy represents it, either order
    assert stored.activity.stance_balance_pct_left is not None
    with imported.db.session() as s:
        assert source_counts(s, imported.runner_id)[stored.id] == 2
    not_runs = [a for a in imported.truth.activities if not a.is_run]
    assert [d for d, _ in imported.report.skipped] == [
        str(imported.folder / a.files[0]) for a in not_runs
    ]
    ride = [r.activity for r in imported.records if r.activity.sport is Sport.CYCLING]
    assert len(ride) == 1 and ride[0].distance_km == pytest.approx(40.0, abs=0.01)
    week = next(w for w in imported.truth.weeks if w.week_start <= ride[0].local_date)
    assert sum(w.distance_km for w in imported.training.weeks) == pytest.approx(
        sum(w.distance_km for w in imported.truth.weeks), abs=0.01
    )  # the ride's 40 km are in no week
    assert week.runs >= 1
    treadmill = [r.activity for r in imported.records if r.activity.surface is Surface.TREADMILL]
    assert len(treadmill) == 1 and not treadmill[0].has_positions
    assert treadmill[0].source_format == "tcx"


def test_shoes_and_wear(imported: Imported) -> None:
    usage = {u.pair.name: u for u in imported.training.shoes}
    for shoe in imported.truth.shoes:
        assert usage[shoe.name].total_km == pytest.approx(shoe.total_km, abs=0.01)
    worn = {e.shoe: e.level.value for e in imported.training.events.worn_shoes}
    assert worn == {s.name: s.level for s in imported.truth.shoes if s.level}
    assert imported.training.rotation_count == 2


def test_acwr_matches_an_independent_ewma(imported: Imported) -> None:
    acwr = imported.training.acwr
    assert acwr.visible and imported.truth.acwr is not None
    assert acwr.value == pytest.approx(imported.truth.acwr, rel=1e-6)


def test_trail_runner_and_load_json(imported: Imported) -> None:
    data = imported.training.load_json()
    assert data["trail_runner"]["is_trail_runner"] is True
    assert [w["week_start"] for w in data["weekly"]] == [
        w.week_start.isoformat() for w in imported.truth.weeks
    ]
    assert {s["date"] for s in data["spikes"]} == {
        d.isoformat() for d, _ in imported.truth.flag_set("single_run_spike")
    }
    codes = {f["code"] for f in data["findings"]}
    assert set(FLAG_CODES) | {"shoe_worn", "acwr"} == codes
    for finding in data["findings"]:
        assert finding["source"] == "training"
        assert finding["ruleset"] == imported.training.thresholds.ruleset
        assert finding["reference"]
        assert "back pain specifically" in finding["explanation"]
    descent = next(f for f in data["findings"] if f["code"] == "descent_exposure")
    assert descent["capacities"] == ["eccentric_quads", "deep_core"]
    assert "linked a training-load metric to low back pain" in data["back_pain_note"]


def test_no_forbidden_wording(imported: Imported) -> None:
    text = str(imported.training.load_json()).lower()
    for word in ("treats", "diagnoses", "clinically proven", "replaces physiotherapy"):
        assert word not in text


def test_missing_data_is_not_rest(gap_history: Imported) -> None:
    truth = gap_history.truth
    assert truth.missing_days, "the gap spec must leave at least 14 days without files"
    report = gap_history.training
    missing_weeks = {w.week_start for w in report.weeks if w.missing_days}
    assert missing_weeks == {d.fromordinal(d.toordinal() - d.weekday()) for d in truth.missing_days}
    for code in FLAG_CODES:
        assert product_flags(report, code) == truth.flag_set(code), code
    assert [g.days for g in report.gaps] == [len(truth.missing_days)]
    # the 32 km run of week 10 is no spike: its 30-day reference reaches into the gap
    assert not product_flags(report, "single_run_spike")
    # week 8 rose from nothing recorded to 50 km: no ramp is claimed across missing data
    assert not product_flags(report, "weekly_ramp")
    assert report.acwr.visible is (truth.acwr is not None)
