"""The pure parts on constructed inputs: elevation, normalisation rules, load, thresholds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from backstride.errors import DataError
from backstride.training.activity import CadenceMethod, ElevationMethod, Sport, Streams
from backstride.training.elevation import summarise_elevation
from backstride.training.ingest.normalise import cadence_steps_per_min, sport_from_text
from backstride.training.ingest.timeline import distance_stream
from backstride.training.load import ewma, missing_days
from backstride.training.streamcache import read_streams, write_streams
from backstride.training.thresholds import THRESHOLDS_PATH, load_thresholds, parse_thresholds


def profile(segments: list[tuple[float, float]], step: float = 7.0, noise: float = 0.0):
    """Distance and altitude samples along (length, grade) segments, optionally noisy."""
    total = sum(length for length, _ in segments)
    d = np.arange(0.0, total + step / 2, step)
    knots = np.cumsum([0.0] + [length for length, _ in segments])
    alts = np.cumsum([0.0] + [length * g for length, g in segments])
    alt = np.interp(d, knots, alts) + np.random.default_rng(1).normal(0, noise, len(d))
    return d, alt


@pytest.mark.parametrize("noise", [0.0, 0.25])  # barometer-like noise
def test_steep_descent_km_and_hysteresis_on_a_known_profile(noise: float) -> None:
    d, alt = profile(
        [(1000, 0.0), (2000, 0.10), (1000, -0.12), (2000, -0.07), (1000, -0.02)], noise=noise
    )
    e = summarise_elevation(d, alt)
    assert e.method is ElevationMethod.HYSTERESIS
    assert e.ascent_m == pytest.approx(200, abs=6)
    assert e.descent_m == pytest.approx(280, abs=6)
    assert e.below_5pct_km == pytest.approx(3.0, abs=0.06)
    assert e.below_10pct_km == pytest.approx(1.0, abs=0.06)


def test_device_totals_win_and_raw_summation_would_overstate() -> None:
    d, alt = profile([(5000, 0.0)], noise=2.0)  # a flat run with GPS-like altitude noise
    raw_gain = float(np.sum(np.clip(np.diff(alt), 0, None)))
    e = summarise_elevation(d, alt)
    assert raw_gain > 100 and e.ascent_m is not None and e.ascent_m < raw_gain / 3
    device = summarise_elevation(d, alt, device_ascent_m=12.0, device_descent_m=11.0)
    assert (device.ascent_m, device.descent_m, device.method) == (
        12.0,
        11.0,
        ElevationMethod.DEVICE,
    )
    none = summarise_elevation(d, np.full(len(d), np.nan))
    assert none.method is ElevationMethod.NONE and none.descent_m is None


def test_doubled_cadence_is_detected_for_walks_too() -> None:
    moving = np.ones(3, dtype=bool)
    spm, how = cadence_steps_per_min(np.array([112.0, 114, 116]), moving, Sport.WALKING)
    assert how is CadenceMethod.STEPS_PER_MIN and spm.tolist() == [112.0, 114.0, 116.0]
    spm, how = cadence_steps_per_min(np.array([56.0, 57, 58]), moving, Sport.WALKING)
    assert how is CadenceMethod.PER_LEG_DOUBLED and spm.tolist() == [112.0, 114.0, 116.0]
    spm, how = cadence_steps_per_min(np.array([90.0, 91]), moving[:2], Sport.CYCLING)
    assert how is None and np.isnan(spm).all()


def test_distance_from_positions_spans_a_gap_without_them() -> None:
    t = np.array([0.0, 10, 20, 30])
    lat = np.array([46.0, 46.0009, np.nan, 46.0027])  # a drop-out mid-run
    lon = np.full(4, 14.0)
    d = distance_stream(t, np.full(4, np.nan), lat, lon)
    assert d[-1] == pytest.approx(300.2, abs=0.5) and d[2] == pytest.approx(d[-1] * 2 / 3, rel=0.01)


@pytest.mark.parametrize(
    ("text", "sport"),
    [
        ("trail_running", Sport.RUNNING),
        ("Hiking", Sport.HIKING),
        ("1", Sport.CYCLING),
        ("Swim", Sport.SWIMMING),
        ("", None),
        ("generic", None),
    ],
)
def test_sport_words(text: str, sport: Sport | None) -> None:
    assert sport_from_text(text) is sport


def test_missing_data_needs_a_long_enough_gap() -> None:
    active = np.zeros(30, dtype=bool)
    active[[0, 13, 29]] = True
    missing = missing_days(active, gap_days=14)
    assert not missing[1:13].any()  # 12 quiet days: rest, not missing
    assert missing[14:29].all()  # 15 quiet days: missing


def test_ewma_weights_follow_williams() -> None:
    values = np.zeros(60)
    values[0] = 1.0
    out = ewma(values, days=7)
    lam = 2 / 8
    assert out[0] == lam and out[10] == pytest.approx(lam * (1 - lam) ** 10)


def test_thresholds_validate_and_hash() -> None:
    t = load_thresholds()
    assert t.ruleset == f"training-thresholds {t.version} sha256:{t.sha256[:12]}"
    broken = THRESHOLDS_PATH.read_text().replace("high_ratio: 2.00", "high_ratio: 1.05")
    with pytest.raises(DataError, match="high_ratio must be above moderate_ratio"):
        parse_thresholds(broken, path=Path("thresholds.yaml"))
    with pytest.raises(DataError, match="must be a mapping"):
        parse_thresholds("- a list", path=Path("thresholds.yaml"))


def test_streams_round_trip_through_parquet(tmp_path: Path) -> None:
    n = 5
    cols = {
        name: np.arange(n, dtype=float) + i for i, name in enumerate(Streams.__dataclass_fields__)
    }
    cols["lat_deg"][2] = np.nan
    streams = Streams(**cols)
    write_streams(tmp_path, "ab12-0", streams)
    back = read_streams(tmp_path, "ab12-0")
    assert back is not None
    for name in cols:
        np.testing.assert_array_equal(getattr(back, name), cols[name])
    assert read_streams(tmp_path, "ffff-0") is None
    assert not list(tmp_path.rglob(".part-*"))
