"""Shared fixtures of the training tests: the default synthetic history, written and imported once.

The history is written once per test session; it is imported into its own SQLite database through
the real pipeline (process pool, one transaction per file), with the shoes entered the way a user
would, and the report is built from what the database holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from backstride.store import Database
from backstride.store.runners import RunnerProfile, add_runner
from backstride.store.training import (
    ShoeInput,
    add_shoe,
    assign_shoe,
    get_shoe,
    list_activities,
    list_shoes,
    save_file_result,
    to_pair,
)
from backstride.synth.history import HistorySpec, HistoryTruth, write_history
from backstride.training.activity import ActivityRecord, Surface
from backstride.training.ingest.pipeline import ImportReport, run_import
from backstride.training.ingest.results import FileResult, Saved
from backstride.training.report import TrainingReport, build_report
from backstride.training.thresholds import load_thresholds


@dataclass(frozen=True)
class Imported:
    """A synthetic history imported into a database."""

    folder: Path
    truth: HistoryTruth
    db: Database
    runner_id: int
    report: ImportReport
    records: list[ActivityRecord]
    training: TrainingReport


def import_history(folder: Path, truth: HistoryTruth, db_url: str, cache: Path) -> Imported:
    """Import ``folder`` for a new runner, enter the shoes of the truth, build the report."""
    db = Database.open(db_url)
    with db.session() as s:
        runner_id = add_runner(s, RunnerProfile(name="Synth")).id

    def save(result: FileResult) -> Saved:
        with db.session() as s:
            return save_file_result(s, runner_id, result)

    report = run_import(
        [folder], known_hashes=set(), save=save, tz=truth.spec.zone, jobs=2, cache_root=cache
    )
    with db.session() as s:
        for shoe in truth.spec.shoes:
            add_shoe(
                s,
                runner_id,
                ShoeInput(
                    name=shoe.name,
                    surface=Surface(shoe.surface),
                    is_default=True,
                    initial_km=shoe.initial_km,
                    limit_km=shoe.limit_km,
                ),
            )
        for a in truth.activities:
            if a.is_run and a.shoe and a.shoe != _default_for(truth, a.surface):
                assign_shoe(
                    s,
                    runner_id,
                    get_shoe(s, runner_id, a.shoe),
                    start=a.local_date,
                    end=a.local_date,
                    surface=Surface(a.surface),
                )
    with db.session() as s:
        records = list_activities(s, runner_id)
        pairs = [to_pair(row) for row in list_shoes(s, runner_id)]
    training = build_report(
        records,
        pairs,
        load_thresholds(),
        runner="Synth",
        as_of=truth.as_of,
        weeks=truth.spec.weeks,
    )
    return Imported(folder, truth, db, runner_id, report, records, training)


def _default_for(truth: HistoryTruth, surface: str) -> str | None:
    wanted = "trail" if surface == "trail" else "road"
    return next((s.name for s in truth.spec.shoes if s.surface == wanted), None)


@pytest.fixture(scope="session")
def default_history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, HistoryTruth]:
    """The default 16-week history, written once."""
    folder = tmp_path_factory.mktemp("history")
    return folder, write_history(folder)


@pytest.fixture(scope="session")
def imported(
    default_history: tuple[Path, HistoryTruth], tmp_path_factory: pytest.TempPathFactory
) -> Imported:
    """The default history imported into SQLite through the process pool."""
    folder, truth = default_history
    base = tmp_path_factory.mktemp("imported")
    return import_history(folder, truth, f"sqlite:///{base / 'db.sqlite'}", base / "cache")


GAP_SPEC = HistorySpec(weeks=12, gap_weeks=(6, 7), late_spike_week=None, seed=3)


@pytest.fixture(scope="session")
def gap_history(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """A 12-week history with two weeks without any file (missing data, not rest)."""
    folder = tmp_path_factory.mktemp("gap-history")
    truth = write_history(folder, GAP_SPEC)
    base = tmp_path_factory.mktemp("gap-imported")
    return import_history(folder, truth, f"sqlite:///{base / 'db.sqlite'}", base / "cache")
