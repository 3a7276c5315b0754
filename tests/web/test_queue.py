"""The web tables and the durable job queue, on SQLite and PostgreSQL: the migration matches the
models; claiming is atomic under concurrent workers; leases, heartbeats, retries and recovery of
jobs whose worker died."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import backstride.store.models  # noqa: F401  (every table on the metadata)
from backstride.store import Database
from backstride.store import jobs as queue
from backstride.store.base import Base, utcnow
from backstride.store.web_tables import Job

WEB_TABLES = {
    "clinics",
    "users",
    "runner_clinics",
    "web_sessions",
    "login_attempts",
    "invites",
    "jobs",
    "intakes",
    "intake_files",
}


def test_migrated_schema_matches_the_models(db: Database) -> None:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []
    assert set(sa.inspect(db.engine).get_table_names()) >= WEB_TABLES


def _enqueue(db: Database, n: int, kind: str = "k") -> list[int]:
    with db.session() as s:
        return [queue.enqueue(s, kind, {"n": i}).id for i in range(n)]


def test_claims_in_order_and_only_queued_jobs(db: Database) -> None:
    ids = _enqueue(db, 3)
    first = queue.claim(db, "w1", lease_s=30)
    assert first is not None and (first.id, first.payload, first.attempts) == (ids[0], {"n": 0}, 1)
    second = queue.claim(db, "w2", lease_s=30)
    assert second is not None and second.id == ids[1]
    assert queue.claim(db, "w3", lease_s=30, kinds=["other"]) is None
    with db.session() as s:
        job = s.get_one(Job, ids[0])
        assert (job.status, job.lease_owner) == ("running", "w1")
        assert job.lease_expires_at is not None and job.lease_expires_at > utcnow()


def test_concurrent_workers_never_take_the_same_job(db: Database) -> None:
    ids = _enqueue(db, 24)
    taken: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def work(owner: str) -> None:
        mine = taken.setdefault(owner, [])
        try:
            start.wait()
            while (job := queue.claim(db, owner, lease_s=30)) is not None:
                mine.append(job.id)
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    claimed = [job_id for mine in taken.values() for job_id in mine]
    assert sorted(claimed) == ids  # every job exactly once


def test_heartbeat_and_finish_need_the_lease(db: Database) -> None:
    [job_id] = _enqueue(db, 1)
    job = queue.claim(db, "w1", lease_s=30)
    assert job is not None
    progress = queue.Progress("finding the runner", 3, 10)
    assert queue.heartbeat(db, job_id, "w1", lease_s=30, progress=progress)
    assert not queue.heartbeat(db, job_id, "intruder", lease_s=30)
    assert not queue.finish(db, job_id, "intruder", {"x": 1})
    assert queue.finish(db, job_id, "w1", {"assessment_id": 7})
    with db.session() as s:
        done = s.get_one(Job, job_id)
        assert (done.status, done.result, done.lease_owner) == ("done", {"assessment_id": 7}, None)
        assert (done.progress_stage, done.progress_done, done.progress_total) == (
            "finding the runner",
            3,
            10,
        )
    assert not queue.heartbeat(db, job_id, "w1", lease_s=30)  # finished: the lease is gone


def test_expired_lease_is_requeued_then_failed_after_max_attempts(db: Database) -> None:
    with db.session() as s:
        job_id = queue.enqueue(s, "k", {}, max_attempts=2).id
    now = utcnow()
    assert queue.claim(db, "dead-1", lease_s=10, now=now) is not None
    assert queue.requeue_expired(db, now=now + timedelta(seconds=5)) == (0, 0)  # still leased
    assert queue.requeue_expired(db, now=now + timedelta(seconds=11)) == (1, 0)
    with db.session() as s:
        job = s.get_one(Job, job_id)
        assert (job.status, job.attempts, job.lease_owner) == ("queued", 1, None)
        assert "will run again" in (job.message or "")
    later = now + timedelta(seconds=20)
    again = queue.claim(db, "dead-2", lease_s=10, now=later)
    assert again is not None and again.attempts == 2
    # the first worker comes back to life: its lease is gone, it can write nothing
    assert not queue.finish(db, job_id, "dead-1", {"late": True})
    assert queue.requeue_expired(db, now=later + timedelta(seconds=11)) == (0, 1)
    with db.session() as s:
        job = s.get_one(Job, job_id)
        assert job.status == "failed" and "every attempt" in (job.message or "")


def test_fail_retries_until_attempts_run_out_and_input_errors_do_not(db: Database) -> None:
    with db.session() as s:
        flaky = queue.enqueue(s, "k", {}, max_attempts=2).id
        bad_input = queue.enqueue(s, "k", {}, max_attempts=3).id
    assert queue.claim(db, "w", lease_s=30) is not None
    assert queue.fail(db, flaky, "w", "database went away", retry=True) == "queued"
    assert queue.claim(db, "w", lease_s=30) is not None  # the flaky job again (oldest first)
    assert queue.fail(db, flaky, "w", "database went away", retry=True) == "failed"
    assert queue.claim(db, "w", lease_s=30) is not None
    assert queue.fail(db, bad_input, "w", "side.mp4: not a video", retry=False) == "failed"
    assert queue.fail(db, bad_input, "w", "again", retry=False) is None  # no lease any more
    with db.session() as s:
        assert s.get_one(Job, bad_input).message == "side.mp4: not a video"


def test_release_gives_the_job_back_uncounted(db: Database) -> None:
    [job_id] = _enqueue(db, 1)
    assert queue.claim(db, "w", lease_s=30) is not None
    assert queue.release(db, job_id, "w")
    with db.session() as s:
        job = s.get_one(Job, job_id)
        assert (job.status, job.attempts) == ("queued", 0)


def test_a_progress_report_does_not_wait_long_for_a_busy_sqlite(tmp_path: Path) -> None:
    """While a job's own unit of work holds SQLite's write lock, its progress report fails
    within ``busy_wait_ms`` instead of stalling for the connection's 10 s default."""
    db = Database.open(f"sqlite:///{tmp_path / 'q.db'}")
    [job_id] = _enqueue(db, 1)
    assert queue.claim(db, "w1", lease_s=30) is not None
    with db.session() as writer:
        writer.execute(sa.update(Job).where(Job.id == job_id).values(progress_stage="storing"))
        started = time.monotonic()
        with pytest.raises(sa.exc.OperationalError, match="locked"):
            queue.heartbeat(db, job_id, "w1", lease_s=30, busy_wait_ms=100)
        assert time.monotonic() - started < 2.0
    progress = queue.Progress("done storing", 1, 1)
    assert queue.heartbeat(db, job_id, "w1", lease_s=30, progress=progress, busy_wait_ms=100)
    with db.session() as s:  # the connection's usual patience is back
        assert s.execute(sa.text("PRAGMA busy_timeout")).scalar() == 10_000
    db.dispose()
