"""The store: migrations from empty, runners, artifacts, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from backstride.errors import InputError, NotFoundError, StoreError
from backstride.store import BlobStore, Database, add_artifact
from backstride.store.db import current_revision, head_revision
from backstride.store.runners import (
    RunnerProfile,
    add_runner,
    delete_runner,
    get_runner,
    list_runners,
)
from backstride.store.tables import Artifact, Assessment


def test_migrates_from_empty_to_head(db_url: str) -> None:
    db = Database.open(db_url, migrate=False)
    assert current_revision(db.engine) is None
    before, after = db.upgrade()
    assert before is None
    assert after == head_revision(db.engine)
    assert current_revision(db.engine) == after
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {"runners", "assessments", "artifacts", "alembic_version"} <= tables
    assert db.upgrade() == (after, after)  # idempotent


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    db = Database.open(f"sqlite:///{tmp_path / 'w.db'}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_runner_create_read_delete(db_url: str) -> None:
    db = Database.open(db_url)
    with db.session() as s:
        add_runner(s, RunnerProfile(name="Ana K", height_cm=168, birth_year=1988, sex="female"))
        add_runner(s, RunnerProfile(name="Ben"))
    with db.session() as s:
        ana = get_runner(s, "  Ana K ")
        assert (ana.height_cm, ana.birth_year, ana.sex) == (168, 1988, "female")
        assert [r.name for r in list_runners(s)] == ["Ana K", "Ben"]
        s.add(Assessment(runner_id=ana.id, kind="gait", summary={"cadence_spm": 171.5}))
    with db.session() as s:
        delete_runner(s, "Ana K")
    with db.session() as s:
        assert [r.name for r in list_runners(s)] == ["Ben"]
        assert s.scalar(sa.select(sa.func.count()).select_from(Assessment)) == 0
        with pytest.raises(NotFoundError, match="no runner named 'Ana K'"):
            get_runner(s, "Ana K")


def test_duplicate_name_is_input_error_and_keeps_the_first(db_url: str) -> None:
    db = Database.open(db_url)
    with db.session() as s:
        add_runner(s, RunnerProfile(name="Ana", height_cm=170))
    with pytest.raises(InputError, match="already exists"), db.session() as s:
        add_runner(s, RunnerProfile(name="Ana", height_cm=180))
    with db.session() as s:
        assert get_runner(s, "Ana").height_cm == 170


def test_failed_transaction_stores_nothing(db_url: str) -> None:
    db = Database.open(db_url)
    with pytest.raises(RuntimeError), db.session() as s:
        add_runner(s, RunnerProfile(name="Half"))
        raise RuntimeError("crash mid-way")
    with db.session() as s:
        assert list_runners(s) == []


def test_artifacts_are_content_addressed_and_removed_with_last_owner(
    db_url: str, tmp_path: Path
) -> None:
    db = Database.open(db_url)
    blobs = BlobStore(tmp_path / "blobs")
    src = tmp_path / "clip.mp4"
    src.write_bytes(b"not really a video" * 1000)
    with db.session() as s:
        a = add_runner(s, RunnerProfile(name="A"))
        b = add_runner(s, RunnerProfile(name="B"))
        fa = add_artifact(
            s, blobs, runner_id=a.id, source=src, kind="video", media_type="video/mp4"
        )
        add_artifact(s, blobs, runner_id=b.id, source=src, kind="video", media_type="video/mp4")
        sha = fa.sha256
    stored = blobs.path_for(sha)
    assert stored.read_bytes() == src.read_bytes()
    assert len(list(blobs.root.rglob("*"))) == 2  # one folder, one blob for two owners
    with db.session() as s:
        hashes = delete_runner(s, "A")
    with db.session() as s:
        assert blobs.remove_unreferenced(s, hashes) == 0  # B still owns it
        assert stored.exists()
        hashes = delete_runner(s, "B")
    with db.session() as s:
        assert blobs.remove_unreferenced(s, hashes) == 1
        assert s.scalar(sa.select(sa.func.count()).select_from(Artifact)) == 0
    assert not stored.exists()


def test_blob_size_limit_leaves_nothing(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    with pytest.raises(InputError, match="larger than the limit"):
        blobs.put_stream(io.BytesIO(b"x" * 5000), max_bytes=4096)
    assert [p for p in blobs.root.rglob("*") if p.is_file()] == []


def test_unreachable_server_is_a_clear_store_error() -> None:
    with pytest.raises(StoreError, match="cannot open the database"):
        Database.open("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1")


def test_bad_url_is_input_error() -> None:
    with pytest.raises(InputError, match="not a database URL"):
        Database.open("nonsense://x")


def test_a_failed_store_leaves_no_stray_file(db_url: str, tmp_path: Path) -> None:
    from backstride.store import files_and_rows

    db = Database.open(db_url)
    blobs = BlobStore(tmp_path / "blobs")
    old, new = tmp_path / "old.bin", tmp_path / "new.bin"
    old.write_bytes(b"kept before")
    new.write_bytes(b"written by the failing unit")
    with db.session() as s:
        r = add_runner(s, RunnerProfile(name="A"))
        add_artifact(s, blobs, runner_id=r.id, source=old, kind="x", media_type="x")
        runner_id = r.id
    with pytest.raises(RuntimeError), files_and_rows(db, blobs) as (s, store):
        add_artifact(s, store, runner_id=runner_id, source=old, kind="x", media_type="x")
        add_artifact(s, store, runner_id=runner_id, source=new, kind="x", media_type="x")
        raise RuntimeError("crash before commit")
    files = sorted(p.read_bytes() for p in blobs.root.rglob("*") if p.is_file())
    assert files == [b"kept before"]  # the old blob stays, the new one is gone
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Artifact)) == 1


def test_put_files_stores_once_and_notices_a_changed_or_lost_file(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "blobs")
    video = tmp_path / "side.mp4"
    video.write_bytes(b"frames" * 1000)
    blobs.put_files([video])
    sha, size = blobs.put_file(video)
    assert size == 6000 and blobs.path_for(sha).read_bytes() == video.read_bytes()
    blobs.path_for(sha).unlink()  # the blob is gone: stored again, not trusted from memory
    assert blobs.put_file(video) == (sha, size) and blobs.path_for(sha).exists()
    video.write_bytes(b"other" * 10)  # the same path with new content is a new blob
    changed, _ = blobs.put_file(video)
    assert changed != sha and blobs.path_for(changed).read_bytes() == b"other" * 10
