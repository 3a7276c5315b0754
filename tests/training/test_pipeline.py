"""The import pipeline: the process pool gives what one process gives; a crash loses nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from backstride.store import Database
from backstride.store.runners import RunnerProfile, add_runner
from backstride.store.training import known_hashes, list_activities, save_file_result
from backstride.synth.history import HistoryTruth
from backstride.training.ingest.pipeline import POOL_MIN_FILES, run_import
from backstride.training.ingest.results import FileResult, Outcome, Saved


@pytest.fixture
def ten_files(default_history: tuple[Path, HistoryTruth], tmp_path: Path) -> Path:
    folder, _ = default_history
    target = tmp_path / "ten"
    target.mkdir()
    for path in sorted(folder.iterdir())[:10]:
        shutil.copy(path, target / path.name)
    assert len(list(target.iterdir())) >= POOL_MIN_FILES
    return target


def collect_results(folder: Path, jobs: int, cache: Path) -> dict[str, FileResult]:
    results: dict[str, FileResult] = {}

    def save(result: FileResult) -> Saved:
        results[Path(result.source.display).name] = result
        return Saved(Outcome.IMPORTED)

    run_import(
        [folder], known_hashes=set(), save=save, tz="Europe/Ljubljana", jobs=jobs, cache_root=cache
    )
    return results


def test_the_pool_gives_what_one_process_gives(ten_files: Path, tmp_path: Path) -> None:
    one = collect_results(ten_files, 1, tmp_path / "c1")
    pool = collect_results(ten_files, 2, tmp_path / "c2")
    assert one.keys() == pool.keys()
    for name in one:
        assert [s.activity for s in one[name].sessions] == [s.activity for s in pool[name].sessions]
    keys = sorted(p.name for p in (tmp_path / "c2").rglob("*.parquet"))
    assert keys == sorted(p.name for p in (tmp_path / "c1").rglob("*.parquet")) and keys


def test_a_crash_mid_import_keeps_what_was_stored_and_resumes(
    ten_files: Path, tmp_path: Path
) -> None:
    db = Database.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with db.session() as s:
        runner = add_runner(s, RunnerProfile(name="Ana")).id
    calls = {"n": 0}

    def save(result: FileResult) -> Saved:
        with db.session() as s:
            saved = save_file_result(s, runner, result)
            calls["n"] += 1
            if calls["n"] == 4:
                raise RuntimeError("power cut while storing the 4th file")
            return saved

    with pytest.raises(RuntimeError, match="power cut"):
        run_import([ten_files], known_hashes=set(), save=save, jobs=2)
    with db.session() as s:
        assert len(known_hashes(s, runner)) == 3
        stored = len(list_activities(s, runner))
    assert stored == 3

    def resume(result: FileResult) -> Saved:
        with db.session() as s:
            return save_file_result(s, runner, result)

    with db.session() as s:
        known = known_hashes(s, runner)
    report = run_import([ten_files], known_hashes=known, save=resume, jobs=2)
    assert len(report.known) == 3 and len(report.imported) + len(report.skipped) == 7
