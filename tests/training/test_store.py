"""The training tables on SQLite and PostgreSQL: schema, one transaction per file, merging."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from backstride.errors import InputError, NotFoundError
from backstride.store import Database
from backstride.store.base import Base
from backstride.store.runners import RunnerProfile, add_runner, delete_runner
from backstride.store.training import (
    ShoeInput,
    add_shoe,
    assign_shoe,
    get_shoe,
    known_hashes,
    list_activities,
    list_shoes,
    make_default,
    retire_shoe,
    save_file_result,
    source_counts,
)
from backstride.store.training_tables import ActivitySource, TrainingActivity, TrainingFile
from backstride.training.activity import Sport, Surface
from backstride.training.ingest.results import FileResult, Outcome
from backstride.training.ingest.sources import SourceFile
from backstride.training.ingest.worker import parse_source

FR935 = (
    "gpx/fr935-run-4801048867-strava.gpx",
    "tcx/fr935-run-4801048867.tcx",
    "fit/fr935-run-4801048867.fit",
    "gpx/fr935-run-4801048867-garminconnect.gpx",
)


def parsed(path: Path) -> FileResult:
    data = path.read_bytes()
    source = SourceFile(
        str(path), path, path.suffix[1:], hashlib.sha256(data).hexdigest(), len(data)
    )
    result = parse_source(source, "UTC", None)
    assert result.error is None, result.error
    return result


def new_runner(db: Database, name: str = "Ana") -> int:
    with db.session() as s:
        return add_runner(s, RunnerProfile(name=name)).id


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    db = Database.open(db_url)
    with db.engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {
        "training_files",
        "training_activities",
        "training_activity_sources",
        "training_shoes",
    } <= tables


@pytest.mark.parametrize("order", [FR935, tuple(reversed(FR935))])
def test_four_formats_of_one_activity_become_one(
    db_url: str, fixtures_dir: Path, order: tuple[str, ...]
) -> None:
    db = Database.open(db_url)
    runner = new_runner(db)
    outcomes = []
    for name in order:
        with db.session() as s:
            outcomes.append(save_file_result(s, runner, parsed(fixtures_dir / name)).outcome)
    assert outcomes[0] is Outcome.SKIPPED  # a ride: stored, not counted
    assert outcomes[1:] == [Outcome.MERGED] * 3
    with db.session() as s:
        (record,) = list_activities(s, runner)
        assert source_counts(s, runner) == {record.id: 4}
        primary = s.scalars(sa.select(ActivitySource).where(ActivitySource.is_primary)).all()
        assert [p.source_format for p in primary] == ["fit"]
        assert len(known_hashes(s, runner)) == 4
    assert record.activity.source_format == "fit" and record.activity.sport is Sport.CYCLING
    assert record.activity.start_utc == datetime(2020, 4, 18, 11, 10, 44, tzinfo=UTC)


def test_one_transaction_per_file(db_url: str, fixtures_dir: Path) -> None:
    db = Database.open(db_url)
    runner = new_runner(db)
    with db.session() as s:
        save_file_result(s, runner, parsed(fixtures_dir / "fit/garmin-fenix-5-run.fit"))
    with pytest.raises(RuntimeError), db.session() as s:
        save_file_result(s, runner, parsed(fixtures_dir / "fit/activity-small-fenix2-run.fit"))
        raise RuntimeError("the machine stops half-way through storing this file")
    with db.session() as s:
        assert len(list_activities(s, runner)) == 1
        assert s.scalar(sa.select(sa.func.count()).select_from(TrainingFile)) == 1
        assert s.scalar(sa.select(sa.func.count()).select_from(ActivitySource)) == 1


def test_deleting_a_runner_removes_their_training(db_url: str, fixtures_dir: Path) -> None:
    db = Database.open(db_url)
    runner = new_runner(db)
    with db.session() as s:
        save_file_result(s, runner, parsed(fixtures_dir / "fit/garmin-fenix-5-run.fit"))
        add_shoe(s, runner, ShoeInput(name="Old", limit_km=800))
    with db.session() as s:
        delete_runner(s, "Ana")
    with db.session() as s:
        for table in (TrainingFile, TrainingActivity, ActivitySource):
            assert s.scalar(sa.select(sa.func.count()).select_from(table)) == 0


def test_shoes(db_url: str, fixtures_dir: Path) -> None:
    db = Database.open(db_url)
    runner = new_runner(db)
    with db.session() as s:
        save_file_result(s, runner, parsed(fixtures_dir / "fit/activity-small-fenix2-run.fit"))
        save_file_result(s, runner, parsed(fixtures_dir / "fit/garmin-fenix-5-run.fit"))
        a = add_shoe(
            s, runner, ShoeInput(name="A", surface=Surface.ROAD, is_default=True, limit_km=800)
        )
        b = add_shoe(
            s, runner, ShoeInput(name="B", surface=Surface.ROAD, limit_km=500, initial_km=120)
        )
        with pytest.raises(InputError, match="already exists"):
            add_shoe(s, runner, ShoeInput(name="A", limit_km=800))
        with pytest.raises(InputError, match="needs --surface"):
            add_shoe(s, runner, ShoeInput(name="C", is_default=True, limit_km=800))
        make_default(s, b)
        assert [x.is_default for x in list_shoes(s, runner)] == [False, True]
        count = assign_shoe(s, runner, a, start=date(2015, 8, 15), end=date(2015, 8, 15))
        assert count == 1
        with pytest.raises(NotFoundError, match="no run with id 999"):
            assign_shoe(s, runner, a, activity_ids=[999])
        retire_shoe(s, b, date(2020, 1, 1))
        assert get_shoe(s, runner, "B").retired_on == date(2020, 1, 1)
        assert not get_shoe(s, runner, "B").is_default
        with pytest.raises(NotFoundError, match="no pair of shoes named 'Z'"):
            get_shoe(s, runner, "Z")
    with db.session() as s:
        shoe_ids = {r.activity.local_date: r.shoe_id for r in list_activities(s, runner)}
    assert shoe_ids == {date(2015, 8, 15): a.id, date(2017, 6, 11): None}
