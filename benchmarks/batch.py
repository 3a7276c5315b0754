"""Batch throughput: a synthetic cohort assessed one row at a time, then with worker processes.

The cohort is ``backstride batch example`` (``--runners`` runners, side video for each and a
rear video for every second one, a check-in and an 8-week history each; clips cached in
.cache/bench). The baseline is ``--workers 1``: the rows one after another in this process,
what a loop over ``backstride assess`` does minus its start-up. Then the same manifest with
``--workers N`` on a fresh database. Both runs write the reports. Prints rows per minute for
each and the ratio N workers / 1 worker, and checks that both measured the same cadences.

Run: .venv/bin/python benchmarks/batch.py [--runners 4] [--workers 2]
"""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
import time
from pathlib import Path

CACHE = Path(__file__).resolve().parents[1] / ".cache" / "bench" / "cohort"


def run(manifest: Path, out: Path, workers: int) -> tuple[float, dict[str, str]]:
    """Seconds for the whole batch, and cadence per manifest line."""
    from backstride.batch.manifest import read_manifest
    from backstride.batch.run import BatchOptions, run_batch
    from backstride.batch.store import existing_assessments, prepare_runners
    from backstride.store import Database

    url = f"sqlite:///{out / 'bench.db'}"
    db = Database.open(url)
    m = read_manifest(manifest)
    prepare_runners(db, m)
    started = time.perf_counter()
    results = run_batch(
        m,
        BatchOptions(db_url=url, out_dir=out, workers=workers),
        lambda c: existing_assessments(db, c),
    )
    seconds = time.perf_counter() - started
    failed = [r for r in results if r.status == "failed"]
    assert not failed, failed
    from backstride.batch.cohort import assessment_row
    from backstride.batch.store import load_stored

    ids = {r.assessment_id: r.line for r in results if r.assessment_id is not None}
    cadence = {
        str(ids[s.assessment_id]): str(assessment_row(s).get("gait_cadence_spm"))
        for s in load_stored(db, ids)
    }
    return seconds, cadence


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runners", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from backstride.synth.cohort import write_cohort

    folder = CACHE / f"r{args.runners}"
    manifest = write_cohort(folder, args.runners)
    with manifest.open() as f:
        rows = sum(1 for _ in csv.DictReader(f))
    print(f"cohort: {rows} rows ({args.runners} runners), cpus: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["BACKSTRIDE_HOME"] = str(Path(tmp) / "home")
        one_s, one = run(manifest, Path(tmp) / "one", 1)
        print(f"1 worker:  {one_s:6.1f} s  {rows / one_s * 60:5.2f} rows/min  (baseline)")
        many_s, many = run(manifest, Path(tmp) / "many", args.workers)
        print(f"{args.workers} workers: {many_s:6.1f} s  {rows / many_s * 60:5.2f} rows/min")
    print(f"ratio: {one_s / many_s:.2f}x the baseline's throughput")
    print("same cadences measured:", one == many)


if __name__ == "__main__":
    main()
