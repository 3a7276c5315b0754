"""The training and shoes commands, run as a user runs them (a real subprocess)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from backstride.store import Database
from backstride.store.tables import Assessment
from backstride.synth.history import HistoryTruth
from tests.cli.conftest import Run
from tests.training.test_sources import BILLION_LAUGHS, GOOD_GPX, zip_bomb


def summary_line(stdout: str) -> str:
    return " ".join(stdout.split("\n")[0].split())


def test_import_real_fixtures_then_again_incrementally(cli: Run, fixtures_dir: Path) -> None:
    assert cli("runner", "add", "Ana").returncode == 0
    r = cli("training", "import", str(fixtures_dir), "--runner", "Ana", "--tz", "UTC")
    assert r.returncode == 0, r.stderr
    assert summary_line(r.stdout) == (
        "imported 9 · already known 0 · duplicates merged 4 · skipped (not running) 9 · "
        "failed 1 · ignored 3 (not activity files)"
    )
    assert "Mojstrovka.gpx: has implausible timestamps (it starts 1901-12-13)" in r.stdout
    assert "fenix-5-bike.fit: not running (cycling): stored, not counted" in r.stdout
    assert "activity-filecrc.fit: only 14 s and 6 m long: too short to be an activity" in r.stdout
    assert "checksum (CRC) does not match" in r.stdout
    again = cli("training", "import", str(fixtures_dir), "--runner", "Ana", "--tz", "UTC")
    assert again.returncode == 0
    assert summary_line(again.stdout).startswith("imported 0 · already known 22 · duplicates")
    listing = cli("training", "activities", "--runner", "Ana", "--limit", "100")
    row = next(line for line in listing.stdout.splitlines() if "2020-04-18" in line)
    assert "cycling" in row and row.split("│")[-2].strip() == "4"  # one activity, four files


def test_hostile_inputs_each_get_a_reason_and_the_rest_imports(cli: Run, tmp_path: Path) -> None:
    folder = tmp_path / "incoming"
    folder.mkdir()
    zip_bomb(folder / "bomb.zip")
    with zipfile.ZipFile(folder / "traversal.zip", "w") as zf:
        zf.writestr("../../../outside.gpx", GOOD_GPX)
    (folder / "laughs.gpx").write_text(BILLION_LAUGHS)
    (folder / "empty.fit").write_bytes(b"")
    (folder / "truncated.gpx").write_text(GOOD_GPX[:120])
    (folder / "corrupt.fit").write_bytes(b"\x0e\x10junk" * 40)
    (folder / "route.kmz").write_bytes(b"PK")
    with (folder / "huge.tcx").open("wb") as out:
        out.seek(2 * 2**30)
        out.write(b"\0")
    (folder / "good.gpx").write_text(GOOD_GPX)
    cli("runner", "add", "Ana")
    r = cli("training", "import", str(folder), "--runner", "Ana")
    assert r.returncode == 0, r.stderr
    assert summary_line(r.stdout).startswith("imported 1 · already known 0")
    expected = {
        "bomb.zip!run.gpx": "a zip bomb?",
        "traversal.zip!../../../outside.gpx": "climbs out of the archive",
        "laughs.gpx": "entity-expansion attack",
        "empty.fit": "the file is empty",
        "truncated.gpx": "no track points",
        "corrupt.fit": "is not a FIT file",
        "route.kmz": "unsupported format .kmz",
        "huge.tcx": "the file is 2.0 GB",
    }
    for name, words in expected.items():
        line = next(x for x in r.stdout.splitlines() if f"{folder}/{name}" in x)
        assert words in line, line
    assert not (tmp_path / "outside.gpx").exists()


def test_nothing_importable_exits_2_with_one_error_line(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "empty.gpx").write_bytes(b"")
    cli("runner", "add", "Ana")
    r = cli("training", "import", str(tmp_path / "empty.gpx"), "--runner", "Ana")
    assert r.returncode == 2
    assert f"{tmp_path}/empty.gpx: the file is empty" in r.stdout
    assert r.stderr.strip() == "error: none of the 1 file(s) could be imported"


def test_input_errors_exit_2(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "good.gpx").write_text(GOOD_GPX)
    r = cli("training", "import", str(tmp_path), "--runner", "Nobody")
    assert r.returncode == 2 and "no runner named 'Nobody'" in r.stderr
    cli("runner", "add", "Ana")
    r = cli("training", "import", str(tmp_path), "--runner", "Ana", "--tz", "Mars/Olympus")
    assert r.returncode == 2
    assert r.stderr.strip() == (
        "error: --tz: unknown time zone 'Mars/Olympus' (use a name such as Europe/Ljubljana)"
    )
    r = cli("training", "import", str(tmp_path / "nope"), "--runner", "Ana")
    assert (
        r.returncode == 2 and r.stderr.strip() == f"error: {tmp_path}/nope: no such file or folder"
    )
    r = cli("training", "report", "--runner", "Ana")
    assert r.returncode == 2 and "no runs imported for 'Ana' yet" in r.stderr
    r = cli("training", "report", "--runner", "Ana", "--as-of", "last tuesday")
    assert r.returncode == 2 and "--as-of: must be a date like 2025-03-31" in r.stderr
    r = cli("shoes", "add", "X", "--runner", "Ana", "--default")
    assert r.returncode == 2 and "--default needs --surface road or trail" in r.stderr
    r = cli("shoes", "add", "X", "--runner", "Ana", "--limit-km", "-5")
    assert r.returncode == 2 and "limit_km" in r.stderr
    r = cli("shoes", "assign", "Nope", "--runner", "Ana", "--from", "2025-01-01")
    assert r.returncode == 2 and "no pair of shoes named 'Nope'" in r.stderr
    assert cli("shoes", "list", "--runner", "Ana").stdout.startswith("no shoes yet")


def test_full_flow_on_the_synthetic_history(
    cli: Run, db_url: str, default_history: tuple[Path, HistoryTruth], tmp_path: Path
) -> None:
    folder, truth = default_history
    assert cli("runner", "add", "Ana", db=db_url).returncode == 0
    r = cli(
        "training", "import", str(folder), "--runner", "Ana", "--tz", truth.spec.zone, db=db_url
    )
    assert r.returncode == 0, r.stderr
    assert summary_line(r.stdout) == (
        f"imported {len(truth.activities) - 1} · already known 0 · duplicates merged 1 · "
        "skipped (not running) 1 · failed 0"
    )
    for shoe in truth.spec.shoes:
        r = cli(
            "shoes",
            "add",
            shoe.name,
            "--runner",
            "Ana",
            "--surface",
            shoe.surface,
            "--default",
            "--initial-km",
            str(shoe.initial_km),
            db=db_url,
        )
        assert r.returncode == 0, r.stderr
    (odd,) = [a for a in truth.activities if a.surface == "road" and a.shoe == "Trail pair"]
    day = odd.local_date.isoformat()
    r = cli(
        "shoes", "assign", "Trail pair", "--runner", "Ana", "--from", day, "--to", day, db=db_url
    )
    assert r.stdout.strip() == "assigned Trail pair to 1 run(s)"
    out = tmp_path / "report"
    r = cli(
        "training",
        "report",
        "--runner",
        "Ana",
        "--out",
        str(out),
        "--as-of",
        truth.as_of.isoformat(),
        db=db_url,
    )
    assert r.returncode == 0, r.stderr
    data = json.loads((out / "load.json").read_text())
    assert data["as_of"] == truth.as_of.isoformat()
    assert [w["distance_km"] for w in data["weekly"]] == pytest.approx(
        [w.distance_km for w in truth.weeks], abs=0.002
    )
    assert {s["name"]: s["total_km"] for s in data["shoes"]} == pytest.approx(
        {s.name: s.total_km for s in truth.shoes}, abs=0.01
    )
    assert (out / "weekly.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (out / "weekly.svg").read_bytes()[:500]
    assert "single_run_spike" in r.stdout and "trail runner: yes" in r.stdout
    # the streak week's near-identical days: monotony over the display cap, raw in the JSON
    (monotony,) = [f for f in data["findings"] if f["code"] == "monotony"]
    assert monotony["value"] > 10
    assert "(monotony over 10)" in r.stdout and f"{monotony['value']:.3g}" not in r.stdout
    shown = cli("runner", "show", "Ana", db=db_url)
    assert " training " in shown.stdout
    with Database.open(db_url).session() as s:
        stored = s.scalars(
            sa.select(Assessment)
            .where(Assessment.kind == "training")
            .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        ).first()
        assert stored is not None and stored.summary == data  # the contract: load.json as is
        assert {f["code"] for f in stored.summary["findings"]} >= {"single_run_spike"}
    again = cli("training", "import", str(folder), "--runner", "Ana", db=db_url)
    assert summary_line(again.stdout).startswith(f"imported 0 · already known {len(truth.files)}")
    listed = cli("shoes", "list", "--runner", "Ana", "--as-of", truth.as_of.isoformat(), db=db_url)
    assert "past limit" in listed.stdout and "pairs used in the last 30 days: 2" in listed.stdout
