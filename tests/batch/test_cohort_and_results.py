"""The cohort tables' columns, the batch's results file and its resume fingerprint (no video)."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from backstride.assess.models import Assessment, InputKind, RankedFinding
from backstride.batch.cohort import (
    FIXED_COLUMNS,
    StoredAssessment,
    assessment_row,
    columns_of,
    finding_rows,
    to_csv,
    training_columns,
)
from backstride.batch.manifest import ManifestRow
from backstride.batch.results import RowResult, fingerprint, read_results, write_results
from backstride.errors import InputError
from backstride.findings import Finding, Severity, Source


def ranked(code: str, rank: int, score: float) -> RankedFinding:
    finding = Finding(
        code=code,
        source=Source.VIDEO_SIDE,
        title=f"{code} title",
        severity=Severity.MODERATE,
        explanation="why",
    )
    return RankedFinding(
        rank=rank,
        finding=finding,
        score=score,
        why="w",
        numbers="n",
        evidence_says="e",
        evidence_limits="l",
    )


ASSESSMENT = Assessment(
    runner="Ana K",
    created_at=datetime(2026, 3, 1, 9, 30, tzinfo=UTC),
    inputs=(InputKind.SIDE_VIDEO, InputKind.CHECKIN),
    tier="SELF_MANAGE",
    findings=(ranked("overstride", 1, 12.345), ranked("low_cadence", 2, 8.0)),
    disclaimer="guidance",
)
TRAINING = {
    "window": {"weeks": 12},
    "totals": {"runs": 40, "distance_km": 321.5, "descent_m": 4100.0},
    "acwr": {"value": 1.31, "visible": False},
    "flags": {
        "single_run_spike": [{"ratio": 2.1}],
        "weekly_ramp": [{"increase_pct": 34.0}, {"increase_pct": 51.5}],
    },
    "trail_runner": {"is_trail_runner": True},
}


def test_one_row_per_assessment_with_gait_and_training_columns() -> None:
    gait = {"metrics": {"cadence_spm": 171.5, "arm_cross_cm": None, "flag": True}}
    row = assessment_row(StoredAssessment(3, ASSESSMENT, gait=gait, training=TRAINING))
    assert row["findings"] == "overstride low_cadence" and row["findings_count"] == 2
    assert row["inputs"] == "side_video checkin"
    assert row["assessed_at"] == "2026-03-01T09:30:00+00:00"
    assert row["assessed_on"] == "2026-03-01"  # stored before the visit's day was: its time
    dated = ASSESSMENT.model_copy(update={"assessed_on": date(2026, 2, 14)})
    assert assessment_row(StoredAssessment(3, dated))["assessed_on"] == "2026-02-14"
    assert row["gait_cadence_spm"] == 171.5
    assert row["gait_arm_cross_cm"] is None  # not measured: an empty cell, never a zero
    assert row["gait_flag"] is None  # only numbers are metrics
    assert row["training_acwr"] is None  # the report hides it, so does the table
    assert row["training_max_weekly_increase_pct"] == 51.5
    assert (row["training_run_spikes"], row["training_trail_runner"]) == (1, True)


def test_no_training_report_adds_no_training_columns() -> None:
    assert training_columns(None) == {}
    row = assessment_row(StoredAssessment(3, ASSESSMENT))
    assert not any(k.startswith(("gait_", "training_")) for k in row)


def test_findings_long_format_and_csv_cells() -> None:
    rows = finding_rows(StoredAssessment(3, ASSESSMENT))
    assert [(r["rank"], r["code"], r["score"]) for r in rows] == [
        (1, "overstride", 12.345),
        (2, "low_cadence", 8.0),
    ]
    table = [
        assessment_row(StoredAssessment(3, ASSESSMENT, gait={"metrics": {"contact_ms": 250.0}})),
        assessment_row(StoredAssessment(4, ASSESSMENT, training=TRAINING)),
    ]
    columns = columns_of(table, FIXED_COLUMNS)
    assert columns[: len(FIXED_COLUMNS)] == list(FIXED_COLUMNS)
    assert columns[len(FIXED_COLUMNS)] == "gait_contact_ms"  # gait first, then training
    parsed = list(csv.DictReader(io.StringIO(to_csv(table, columns))))
    assert parsed[0]["gait_contact_ms"] == "250" and parsed[1]["gait_contact_ms"] == ""
    assert parsed[1]["training_distance_km"] == "321.5"


def result(line: int, **kw: object) -> RowResult:
    base: dict[str, object] = {"runner": "Ana", "date": "2026-03-01", "status": "done"}
    return RowResult(line=line, **{**base, **kw})  # type: ignore[arg-type]


def test_results_file_round_trip_and_a_broken_one(tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    assert read_results(path) == []
    rows = [
        result(3, status="failed", message='no runner, "quoted", found'),
        result(2, assessment_id=7, tier="SELF_MANAGE", findings=2, seconds=12.25, fingerprint="ab"),
    ]
    write_results(path, rows)
    back = read_results(path)
    assert [r.line for r in back] == [2, 3]  # line order
    assert back[0] == result(
        2, assessment_id=7, tier="SELF_MANAGE", findings=2, seconds=12.2, fingerprint="ab"
    )
    assert back[1].message == 'no runner, "quoted", found' and back[1].assessment_id is None
    assert [p.name for p in tmp_path.iterdir()] == ["batch.csv"]  # no temporary file left
    path.write_text("line,who\n1,Ana\n")
    with pytest.raises(InputError, match="earlier batch cannot be read") as err:
        read_results(path)
    assert str(path) in str(err.value)


def test_fingerprint_follows_content_not_place(tmp_path: Path) -> None:
    first = tmp_path / "a"
    (first / "runs").mkdir(parents=True)
    (first / "runs" / "one.gpx").write_text("<gpx/>")
    (first / "c.yaml").write_text("pain_now: 3\n")

    def row(base: Path, **kw: object) -> ManifestRow:
        values: dict[str, object] = {
            "line": 2,
            "runner": "Ana",
            "activities": (base / "runs",),
            "checkin": base / "c.yaml",
        }
        return ManifestRow(**{**values, **kw})  # type: ignore[arg-type]

    before = fingerprint(row(first))
    moved = shutil.copytree(first, tmp_path / "b")
    assert fingerprint(row(moved)) == before  # the cohort moved to another disk: same rows
    assert fingerprint(row(first, line=9)) == before  # a row moved in the file: same row
    assert fingerprint(row(first, height_cm=170.0)) != before
    (first / "runs" / "two.fit").write_bytes(b"\x0e")
    assert fingerprint(row(first)) != before  # a new activity file
    (first / "runs" / "two.fit").unlink()
    (first / "c.yaml").write_text("pain_now: 4\n")
    assert fingerprint(row(first)) != before  # an edited check-in
