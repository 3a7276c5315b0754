"""``synth.history``: real files, deterministic, and a truth with every event the flags need."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fitdecode
import gpxpy
import numpy as np
import pytest
from defusedxml.ElementTree import parse as parse_xml
from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.profile_type import FileType, Manufacturer

from backstride.synth.fitwriter import FitWriter, fit_time
from backstride.synth.history import HistorySpec, five_year_spec, write_history
from backstride.synth.history_plan import plan_history
from backstride.training.geo import step_distances_m

SMALL = HistorySpec(
    weeks=5,
    ramp_week=4,
    streak_week=None,
    spike_week=None,
    big_descent_week=None,
    cadence_drop_week=None,
    balance_shift_week=None,
    late_spike_week=None,
    trail_shoes_on_road_week=None,
)


def decoded_records(data: bytes) -> list[dict[str, Any]]:
    out = []
    with fitdecode.FitReader(
        data, check_crc=fitdecode.CrcCheck.RAISE, error_handling=fitdecode.ErrorHandling.RAISE
    ) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                out.append({f.name: f.value for f in frame.fields})
    return out


def test_fit_writer_matches_fit_tool(tmp_path: Path) -> None:
    start = datetime(2025, 3, 4, 6, tzinfo=UTC)
    values: dict[str, list[float]] = {
        "lat": [46.05, 46.0501, 46.0502],
        "lon": [14.5, 14.5001, 14.5003],
        "alt": [300.0, 300.2, 301.4],
        "dist": [0.0, 13.6, 31.25],
        "cad": [85, 86, 84],
        "bal": [50.2, 50.25, 49.9],
        "stance": [250.3, 251.0, 249.9],
    }
    builder = FitFileBuilder(auto_define=True)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.GARMIN.value
    file_id.time_created = round(start.timestamp() * 1000)
    builder.add(file_id)
    for i in range(3):
        rec = RecordMessage()
        rec.timestamp = round(start.timestamp() * 1000) + i * 5000
        rec.position_lat, rec.position_long = values["lat"][i], values["lon"][i]
        rec.enhanced_altitude, rec.distance = values["alt"][i], values["dist"][i]
        rec.cadence, rec.stance_time_balance = values["cad"][i], values["bal"][i]
        rec.stance_time = values["stance"][i]
        builder.add(rec)
    reference = decoded_records(builder.build().to_bytes())
    ours = FitWriter()
    ours.message("file_id", type=4, manufacturer=1, time_created=start)
    ours.records_of(
        "record",
        {
            "timestamp": fit_time(start) + np.arange(3) * 5.0,
            "position_lat": np.array(values["lat"]),
            "position_long": np.array(values["lon"]),
            "enhanced_altitude": np.array(values["alt"]),
            "distance": np.array(values["dist"]),
            "cadence": np.array(values["cad"], dtype=float),
            "stance_time_balance": np.array(values["bal"]),
            "stance_time": np.array(values["stance"]),
        },
    )
    mine = decoded_records(ours.to_bytes())
    assert len(mine) == len(reference) == 3
    for a, b in zip(mine, reference, strict=True):
        for key in (
            "timestamp",
            "position_lat",
            "position_long",
            "enhanced_altitude",
            "distance",
            "cadence",
            "stance_time_balance",
            "stance_time",
        ):
            assert a[key] == b[key], key


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def test_seeded_and_deterministic(tmp_path: Path) -> None:
    a = write_history(tmp_path / "a", SMALL)
    b = write_history(tmp_path / "b", SMALL)
    assert _digest(tmp_path / "a") == _digest(tmp_path / "b")
    assert a == b
    c = write_history(tmp_path / "c", SMALL.model_copy(update={"seed": 8}))
    assert _digest(tmp_path / "c") != _digest(tmp_path / "a")
    assert c.weeks != a.weeks  # the jitter moved the distances


def test_every_file_is_real_and_says_what_the_truth_says(tmp_path: Path) -> None:
    truth = write_history(tmp_path, SMALL)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(truth.files)
    for activity in truth.activities:
        for name in activity.files:
            path = tmp_path / name
            if path.suffix == ".fit":
                records = decoded_records(path.read_bytes())  # CRC checked
                assert records[-1]["distance"] == pytest.approx(activity.distance_m, abs=0.01)
            elif path.suffix == ".gpx":
                gpx = gpxpy.parse(path.read_text())
                assert gpx.length_2d() == pytest.approx(activity.distance_m, rel=0.002)
                points = gpx.tracks[0].segments[0].points
                lat = np.array([p.latitude for p in points])
                lon = np.array([p.longitude for p in points])
                assert step_distances_m(lat, lon).sum() == pytest.approx(
                    activity.distance_m, abs=1.0
                )
            else:
                root = parse_xml(path).getroot()
                assert root.tag.endswith("TrainingCenterDatabase")


def test_default_truth_has_every_event_far_from_its_threshold(tmp_path: Path) -> None:
    truth = write_history(tmp_path)
    codes = {f.code for f in truth.flags}
    assert codes == {
        "single_run_spike",
        "weekly_ramp",
        "monotony",
        "no_rest",
        "descent_exposure",
        "cadence_drift",
        "gct_balance_drift",
    }
    levels = {(f.code, f.level) for f in truth.flags}
    assert {("single_run_spike", "high"), ("single_run_spike", "moderate")} <= levels
    kinds = {a.surface for a in truth.activities} | {a.sport for a in truth.activities}
    assert {"road", "trail", "treadmill", "cycling"} <= kinds
    assert sum(len(a.files) == 2 for a in truth.activities) == 1  # one run exported twice
    assert {s.name: s.level for s in truth.shoes} == {"Road pair": "moderate", "Trail pair": None}
    rest_days = {w.week_start for w in truth.weeks if w.runs < 7}
    assert len(rest_days) == len(truth.weeks) - 1  # one week without a rest day
    margins = sorted((c.margin(), c.code, c.day) for c in truth.comparisons)
    assert margins[0][0] >= 0.05, margins[:3]  # no event sits on a threshold
    assert truth.acwr is not None


def test_five_year_spec_plans_about_1500_files() -> None:
    planned = plan_history(five_year_spec())
    assert 1400 <= len(planned) <= 1700
    assert {p.fmt for p in planned} == {"fit", "gpx", "tcx"}
