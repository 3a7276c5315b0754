"""Benchmark: import a 5-year synthetic training history (about 1,560 activity files).

Prints three timings measured in this one run, and two ratios:

1. a **naive sequential baseline**: one process, fitdecode / gpxpy / ElementTree straight into the
   same tables (a ``training_files`` and a ``training_activities`` row per file, one commit each);
2. **backstride's first import** (``run_import``: process pool, normalisation, duplicate check,
   Parquet stream cache, one transaction per file) into a fresh database: ratio = 1 / 2;
3. **the second import of the same folder** into that database: ratio = 2 / 3.

With ``--single`` it also times backstride in one process, which separates the per-file
efficiency from what the pool adds (the cores are shared with whatever else runs).

The history is generated once into ``.cache/benchmarks/history-5y`` and reused. Run with
``.venv/bin/python benchmarks/training.py`` (``--limit N`` for a quick subset).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import fitdecode
import gpxpy

from backstride.store import Database
from backstride.store.runners import RunnerProfile, add_runner
from backstride.store.training import known_hashes, save_file_result
from backstride.store.training_tables import TrainingActivity, TrainingFile
from backstride.synth.history import five_year_spec, write_history
from backstride.training.ingest.pipeline import default_jobs, run_import
from backstride.training.ingest.results import FileResult, Saved

CACHE = Path(__file__).resolve().parents[1] / ".cache" / "benchmarks" / "history-5y"


def history_folder() -> Path:
    """The 5-year history, generated once (a marker file says it is complete)."""
    done = CACHE / ".complete"
    if not done.exists():
        shutil.rmtree(CACHE, ignore_errors=True)
        started = time.perf_counter()
        truth = write_history(CACHE, five_year_spec(), jobs=default_jobs())
        done.write_text(f"{len(truth.files)} files\n")
        print(f"generated {len(truth.files)} files in {time.perf_counter() - started:.1f} s")
    return CACHE


def naive_fit(path: Path) -> dict[str, Any]:
    """fitdecode, field by field, the way a first script would."""
    out: dict[str, Any] = {"sport": "running"}
    with fitdecode.FitReader(str(path)) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "session":
                out["start"] = frame.get_value("start_time")
                out["distance"] = frame.get_value("total_distance")
                out["elapsed"] = frame.get_value("total_elapsed_time")
                out["ascent"] = frame.get_value("total_ascent", fallback=0) or 0
                out["descent"] = frame.get_value("total_descent", fallback=0) or 0
                out["sport"] = str(frame.get_value("sport"))
            elif isinstance(frame, fitdecode.FitDataMessage) and frame.name == "record":
                for name in (
                    "timestamp",
                    "position_lat",
                    "position_long",
                    "distance",
                    "enhanced_altitude",
                    "heart_rate",
                    "cadence",
                ):
                    frame.get_value(name, fallback=None)
    return out


def naive_gpx(path: Path) -> dict[str, Any]:
    """gpxpy's own length, climb and duration."""
    gpx = gpxpy.parse(path.read_text(encoding="utf-8"))
    up, down = gpx.get_uphill_downhill()
    bounds = gpx.get_time_bounds()
    return {
        "start": bounds.start_time,
        "distance": gpx.length_2d(),
        "ascent": up,
        "descent": down,
        "elapsed": gpx.get_duration() or 0.0,
        "sport": gpx.tracks[0].type or "running",
    }


def naive_tcx(path: Path) -> dict[str, Any]:
    """The whole tree in memory, laps summed."""
    ns = {"t": "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"}
    root = ElementTree.parse(path).getroot()
    activity = root.find("t:Activities/t:Activity", ns)
    assert activity is not None
    laps = activity.findall("t:Lap", ns)
    points = activity.findall(".//t:Trackpoint", ns)
    start = datetime.fromisoformat(activity.findtext("t:Id", default="", namespaces=ns))
    return {
        "start": start,
        "ascent": 0.0,
        "descent": 0.0,
        "sport": activity.get("Sport", ""),
        "distance": float(points[-1].findtext("t:DistanceMeters", "0", ns)),
        "elapsed": sum(float(lap.findtext("t:TotalTimeSeconds", "0", ns)) for lap in laps),
    }


def naive_import(folder: Path, db: Database, runner_id: int) -> int:
    """Parse every file in this process and insert it, one commit per file."""
    readers = {".fit": naive_fit, ".gpx": naive_gpx, ".tcx": naive_tcx}
    count = 0
    for path in sorted(folder.iterdir()):
        if path.suffix not in readers:
            continue
        v = readers[path.suffix](path)
        start = v["start"]
        assert isinstance(start, datetime)
        start = start if start.tzinfo else start.replace(tzinfo=UTC)
        with db.session() as s:
            s.add(
                TrainingFile(
                    runner_id=runner_id,
                    sha256=f"{count:064d}",
                    name=path.name,
                    size_bytes=path.stat().st_size,
                    format=path.suffix[1:],
                )
            )
            s.add(
                TrainingActivity(
                    runner_id=runner_id,
                    start_utc=start,
                    utc_offset_s=0,
                    offset_source="system",
                    local_date=start.date(),
                    sport=str(v["sport"]),
                    sport_source="file",
                    surface="road",
                    distance_m=float(v["distance"]),
                    elapsed_s=float(v["elapsed"]),
                    moving_s=float(v["elapsed"]),
                    ascent_m=float(v["ascent"]),
                    descent_m=float(v["descent"]),
                    elevation_method="device",
                    has_positions=True,
                    source_format=path.suffix[1:],
                    samples=0,
                )
            )
        count += 1
    return count


def fresh_db(base: Path, name: str) -> tuple[Database, int]:
    db = Database.open(f"sqlite:///{base / name}")
    with db.session() as s:
        runner_id = add_runner(s, RunnerProfile(name="Bench")).id
    return db, runner_id


def backstride_import(
    folder: Path, db: Database, runner_id: int, cache: Path, jobs: int
) -> tuple[int, int]:
    """``run_import`` as ``backstride training import`` runs it; (imported, already known)."""
    with db.session() as s:
        known = known_hashes(s, runner_id)

    def save(result: FileResult) -> Saved:
        with db.session() as s:
            return save_file_result(s, runner_id, result)

    report = run_import(
        [folder], known_hashes=known, save=save, tz="Europe/Ljubljana", jobs=jobs, cache_root=cache
    )
    done = len(report.imported) + len(report.merged) + len(report.skipped)
    return done, len(report.known)


def subset(folder: Path, limit: int | None, base: Path) -> Path:
    if limit is None:
        return folder
    target = base / "subset"
    target.mkdir()
    for path in sorted(p for p in folder.iterdir() if not p.name.startswith("."))[:limit]:
        os.link(path, target / path.name)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="pool processes")
    parser.add_argument(
        "--single", action="store_true", help="also time backstride in one process (no pool)"
    )
    args = parser.parse_args()
    folder = history_folder()
    with tempfile.TemporaryDirectory(prefix="backstride-bench-") as tmp:
        base = Path(tmp)
        files = subset(folder, args.limit, base)
        n = len([p for p in files.iterdir() if not p.name.startswith(".")])
        print(f"{n} files, {args.jobs} pool processes, load average {os.getloadavg()[0]:.2f}")
        db, runner = fresh_db(base, "naive.db")
        t0 = time.perf_counter()
        naive = naive_import(files, db, runner)
        baseline = time.perf_counter() - t0
        print(f"naive sequential baseline: {naive} files in {baseline:.1f} s")
        db, runner = fresh_db(base, "backstride.db")
        t0 = time.perf_counter()
        done, _ = backstride_import(files, db, runner, base / "cache", args.jobs)
        first = time.perf_counter() - t0
        print(f"backstride first import:   {done} files in {first:.1f} s")
        t0 = time.perf_counter()
        new, known = backstride_import(files, db, runner, base / "cache", args.jobs)
        second = time.perf_counter() - t0
        print(f"backstride second import:  {known} already known, {new} new, in {second:.2f} s")
        if args.single:
            db, runner = fresh_db(base, "single.db")
            t0 = time.perf_counter()
            backstride_import(files, db, runner, base / "cache-single", 1)
            single = time.perf_counter() - t0
            print(
                f"backstride in one process: {single:.1f} s "
                f"({baseline / single:.2f}x the baseline: per-file efficiency, no pool)"
            )
        print(f"first import vs naive baseline: {baseline / first:.2f}x faster (target >= 1.8x)")
        print(f"second import vs first:         {first / second:.0f}x faster (target >= 50x)")
        print(f"load average after: {os.getloadavg()[0]:.2f} (other processes share the cores)")


if __name__ == "__main__":  # the process pool re-imports this module in its workers
    main()
