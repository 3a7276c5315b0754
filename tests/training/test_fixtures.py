"""Real device files (../shared/fixtures/activities): what each reader makes of them."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import fitdecode
import gpxpy
import numpy as np
import pytest

from backstride.errors import InputError
from backstride.training.activity import (
    Activity,
    CadenceMethod,
    OffsetSource,
    Sport,
    Streams,
    Surface,
)
from backstride.training.dedupe import is_duplicate
from backstride.training.ingest.fit import read_fit
from backstride.training.ingest.gpx import read_gpx
from backstride.training.ingest.normalise import normalise
from backstride.training.ingest.tcx import read_tcx

READERS = {".fit": read_fit, ".gpx": read_gpx, ".tcx": read_tcx}
FR935 = (
    "fit/fr935-run-4801048867.fit",
    "gpx/fr935-run-4801048867-garminconnect.gpx",
    "gpx/fr935-run-4801048867-strava.gpx",
    "tcx/fr935-run-4801048867.tcx",
)


def read(path: Path, tz: str | None = "UTC") -> list[tuple[Activity, Streams, list[str]]]:
    return [normalise(raw, tz=tz) for raw in READERS[path.suffix](path)]


def one(path: Path) -> Activity:
    (activity, _, _), *rest = read(path)
    assert not rest
    return activity


def test_fr935_four_formats_agree_and_are_duplicates(fixtures_dir: Path) -> None:
    acts = [one(fixtures_dir / name) for name in FR935]
    fit = acts[0]
    for other in acts[1:]:
        assert abs((other.start_utc - fit.start_utc).total_seconds()) <= 1
        assert other.distance_m == pytest.approx(fit.distance_m, rel=0.01)
        assert is_duplicate(fit, other) and is_duplicate(other, fit)
    # the files call it a run, its own data say a ride: 36.3 km in 86 min, sport cycling
    assert {a.sport for a in acts} == {Sport.CYCLING}
    assert fit.distance_m == pytest.approx(36322.85)


def _pdt(text: str) -> datetime:
    return datetime.strptime(text.replace("PDT ", ""), "%a %b %d %H:%M:%S %Y").replace(
        tzinfo=UTC
    ) + (datetime(2017, 1, 1, 7, tzinfo=UTC) - datetime(2017, 1, 1, tzinfo=UTC))


def test_fenix5_cadence_against_the_decoded_records(fixtures_dir: Path) -> None:
    path = fixtures_dir / "fit/garmin-fenix-5-run.fit"
    rows = list(csv.DictReader((fixtures_dir / "fit/garmin-fenix-5-run-records.csv").open()))
    ((activity, streams, _),) = read(path)
    assert activity.cadence_method is CadenceMethod.PER_LEG_DOUBLED
    assert len(streams.t_s) == len(rows)
    for row, t_s, spm in zip(rows, streams.t_s, streams.cadence_spm, strict=True):
        when = activity.start_utc.timestamp() + t_s
        assert when == _pdt(row["timestamp"]).timestamp()
        per_leg = float(row["cadence"])  # the CSV keeps whole strides/min; FIT adds a fraction
        assert 2 * per_leg <= spm < 2 * per_leg + 2
    assert activity.utc_offset_s == -7 * 3600 and activity.offset_source is OffsetSource.DEVICE
    assert activity.distance_m == pytest.approx(float(rows[-1]["distance"]))


def test_fenix5_running_dynamics_are_the_decoded_values(fixtures_dir: Path) -> None:
    path = fixtures_dir / "fit/garmin-fenix-5-run.fit"
    raw: dict[str, list[float]] = {"stance_time_balance": [], "step_length": [], "stance_time": []}
    with fitdecode.FitReader(str(path)) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                speed = frame.get_value("enhanced_speed", fallback=0.0)
                for name, values in raw.items():
                    value = frame.get_value(name, fallback=None)
                    if value and speed and speed >= 0.5:
                        values.append(float(value))
    ((activity, streams, _),) = read(path)
    assert activity.stance_balance_pct_left == pytest.approx(np.median(raw["stance_time_balance"]))
    assert activity.step_length_mm == pytest.approx(np.median(raw["step_length"]))
    assert activity.stance_ms == pytest.approx(np.median(raw["stance_time"]))
    assert np.nanmax(streams.stance_balance_pct_left) == pytest.approx(
        max(raw["stance_time_balance"])
    )


def test_compressed_timestamps_against_the_decoded_records(fixtures_dir: Path) -> None:
    rows = list(csv.DictReader((fixtures_dir / "fit/compressed-speed-distance-records.csv").open()))
    ((activity, streams, warnings),) = read(fixtures_dir / "fit/compressed-speed-distance.fit")
    session_start = 17217864  # the session's start_time, seconds since device power-on
    t_s = np.array([float(r["Timestamp"]) for r in rows]) - session_start
    index = np.searchsorted(streams.t_s, t_s)
    assert np.array_equal(streams.t_s[index], t_s)  # every decoded record, at its time
    assert np.allclose(streams.distance_m[index], [float(r["Distance [m]"]) for r in rows])
    cadence = np.array(
        [np.nan if r["Cadence [rpm]"] == "null" else float(r["Cadence [rpm]"]) for r in rows]
    )
    assert np.allclose(streams.cadence_spm[index], 2 * cadence, equal_nan=True)
    # relative timestamps: anchored on the activity's local clock, offset from --tz
    assert activity.offset_source is OffsetSource.GIVEN
    # activity: local_timestamp 12:21:03 at relative 17221751; start 3887 s earlier, UTC (tz)
    assert activity.start_utc == datetime(2012, 2, 13, 11, 16, 16, tzinfo=UTC)
    assert activity.surface is Surface.TREADMILL  # no positions at all: counted as indoor
    assert not warnings


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("activity-filecrc.fit", "checksum (CRC) does not match"),
        ("activity-settings-corruptheader.fit", "second FIT header is corrupt"),
        ("activity-settings-nodata.fit", "ends early"),
        ("activity-unexpected-eof.fit", "ends early"),
    ],
)
def test_damaged_fit_files_keep_what_decoded_and_say_why(
    fixtures_dir: Path, name: str, words: str
) -> None:
    ((activity, _, warnings),) = read(fixtures_dir / "fit" / name)
    assert any(words in w for w in warnings), warnings
    assert activity.samples == 14 and activity.distance_m == pytest.approx(5.73)


def test_the_ride_is_cycling(fixtures_dir: Path) -> None:
    ride = one(fixtures_dir / "fit/garmin-fenix-5-bike.fit")
    assert ride.sport is Sport.CYCLING and not ride.counts_as_running
    assert ride.cadence_spm is None  # pedal rpm is not a step cadence


def test_chained_multisport_file_imports_its_run(fixtures_dir: Path) -> None:
    sessions = [a for a, _, _ in read(fixtures_dir / "fit/sample_mulitple_header.fit")]
    assert [a.sport for a in sessions] == [
        Sport.SWIMMING,
        Sport.OTHER,
        Sport.CYCLING,
        Sport.OTHER,
        Sport.RUNNING,
    ]
    run = sessions[-1]
    assert run.distance_m == pytest.approx(9805.92)
    assert run.cadence_spm == pytest.approx(167.0, abs=3)
    assert run.samples > 400


def test_developer_fields_do_not_override_native_ones(fixtures_dir: Path) -> None:
    run = one(fixtures_dir / "fit/developer-types-sample.fit")
    assert run.distance_m == pytest.approx(6753.99)  # not Stryd's developer "Distance"
    assert run.offset_source is OffsetSource.POSITION  # no local_timestamp: looked up (Lisbon)
    assert run.utc_offset_s == 0


def test_strava_android_file_damaged_mid_way(fixtures_dir: Path) -> None:
    ((run, _, warnings),) = read(fixtures_dir / "fit/strava-android-app-201.10-b1218918.fit")
    assert run.sport is Sport.RUNNING and run.distance_m == pytest.approx(11274.04)
    assert run.offset_source is OffsetSource.POSITION and run.utc_offset_s == -7 * 3600
    assert any("damaged" in w for w in warnings)


@pytest.mark.parametrize(
    "name",
    ["cerknicko-jezero.gpx", "korita-zbevnica.gpx", "fr935-run-4801048867-garminconnect.gpx"],
)
def test_gpx_reader_agrees_with_gpxpy(fixtures_dir: Path, name: str) -> None:
    path = fixtures_dir / "gpx" / name
    reference = gpxpy.parse(path.read_text(encoding="utf-8"))
    points = [p for t in reference.tracks for s in t.segments for p in s.points]
    (raw,) = read_gpx(path)
    assert raw.samples == len(points)
    ((activity, _, _),) = read(path)
    timed = [p for p in points if p.time is not None]
    if len(timed) == len(points) and len([s for t in reference.tracks for s in t.segments]) == 1:
        assert activity.distance_m == pytest.approx(reference.length_2d(), rel=0.005)


def test_gpx_without_valid_times_is_refused_with_the_reason(fixtures_dir: Path) -> None:
    with pytest.raises(InputError, match=r"implausible timestamps .*1901-12-13"):
        read(fixtures_dir / "gpx/Mojstrovka.gpx")


def test_tcx_running_cadence_and_positions(fixtures_dir: Path) -> None:
    run = one(fixtures_dir / "tcx/polar-m400-run-3173437224.tcx")
    assert run.sport is Sport.RUNNING and run.has_positions
    assert run.cadence_method is CadenceMethod.PER_LEG_DOUBLED
    assert run.offset_source is OffsetSource.POSITION and run.utc_offset_s == 3600
