"""The durable job queue in the ``jobs`` table: enqueue, claim, heartbeat, finish, recover.

A job moves ``queued -> running -> done | failed``. Claiming is one conditional ``UPDATE ...
WHERE id = (SELECT id ... WHERE status = 'queued' ORDER BY id LIMIT 1) AND status = 'queued'``:
on PostgreSQL the sub-select takes ``FOR UPDATE SKIP LOCKED``, so concurrent workers never wait
for or take the same row; on SQLite the statement is a single write transaction, so two workers
are serialised by the database lock and the ``status = 'queued'`` condition lets only one win.

A running job holds a *lease* (owner and expiry) that the worker renews with every heartbeat. A
worker that dies stops renewing; `requeue_expired` then puts the job back in the queue (or fails
it once ``max_attempts`` runs were started), which is how a job survives a server restart. Every
write after the claim is conditional on the lease owner, so a worker that lost its lease cannot
overwrite what the next one does.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from backstride.errors import NotFoundError
from backstride.store.base import utcnow
from backstride.store.db import SQLITE_BUSY_TIMEOUT_MS, Database
from backstride.store.web_tables import Job

MESSAGE_CHARS = 2000


@dataclass(frozen=True)
class Claimed:
    """A job a worker now runs: what to do and for whom."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    runner_id: int | None


@dataclass(frozen=True)
class Progress:
    """Where a running job is: a stage name and its done / total steps."""

    stage: str
    done: int
    total: int


def enqueue(
    session: Session,
    kind: str,
    payload: Mapping[str, Any],
    *,
    runner_id: int | None = None,
    created_by: int | None = None,
    max_attempts: int = 3,
) -> Job:
    """Add a job to the queue (in the caller's transaction) and return it."""
    job = Job(
        kind=kind,
        payload=dict(payload),
        status="queued",
        attempts=0,
        max_attempts=max_attempts,
        progress_done=0,
        progress_total=0,
        runner_id=runner_id,
        created_by=created_by,
    )
    session.add(job)
    session.flush()
    return job


def claim(
    db: Database,
    owner: str,
    *,
    lease_s: float,
    kinds: Collection[str] | None = None,
    now: datetime | None = None,
) -> Claimed | None:
    """Take the oldest queued job (of ``kinds``, when given) for ``owner``; None when none waits."""
    now = now or utcnow()
    oldest = select(Job.id).where(Job.status == "queued").order_by(Job.id).limit(1)
    if kinds is not None:
        oldest = oldest.where(Job.kind.in_(list(kinds)))
    oldest = oldest.with_for_update(skip_locked=True)
    statement = (
        update(Job)
        .where(Job.id == oldest.scalar_subquery(), Job.status == "queued")
        .values(
            status="running",
            attempts=Job.attempts + 1,
            lease_owner=owner,
            lease_expires_at=now + timedelta(seconds=lease_s),
            heartbeat_at=now,
            started_at=now,
            progress_stage=None,
            progress_done=0,
            progress_total=0,
        )
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    )
    with db.session() as session:
        job_id = session.execute(statement).scalar()
        if job_id is None:
            return None
        job = session.get_one(Job, job_id)
        return Claimed(
            job.id, job.kind, dict(job.payload), job.attempts, job.max_attempts, job.runner_id
        )


def _rows(session: Session, statement: Any) -> int:
    """Execute an UPDATE; return how many rows it changed."""
    return int(cast("CursorResult[Any]", session.execute(statement)).rowcount)


def _owned(job_id: int, owner: str) -> Any:
    return (
        update(Job)
        .where(Job.id == job_id, Job.lease_owner == owner, Job.status == "running")
        .execution_options(synchronize_session=False)
    )


def heartbeat(
    db: Database,
    job_id: int,
    owner: str,
    *,
    lease_s: float,
    progress: Progress | None = None,
    now: datetime | None = None,
    busy_wait_ms: int | None = None,
) -> bool:
    """Renew the lease (and record progress); False when the lease was lost.

    ``busy_wait_ms`` shortens how long SQLite waits for another writer (the job's own unit of
    work, storing its results): a progress report is not worth a stall; the caller gets the
    `OperationalError` at once and may skip it.
    """
    now = now or utcnow()
    values: dict[str, Any] = {
        "heartbeat_at": now,
        "lease_expires_at": now + timedelta(seconds=lease_s),
    }
    if progress is not None:
        values |= {
            "progress_stage": progress.stage[:80],
            "progress_done": progress.done,
            "progress_total": progress.total,
        }
    with db.session() as session:
        sqlite = session.get_bind().dialect.name == "sqlite"
        if busy_wait_ms is None or not sqlite:
            return bool(_rows(session, _owned(job_id, owner).values(**values)))
        raw: Any = session.connection().connection.dbapi_connection  # sqlite3.Connection
        raw.execute(f"PRAGMA busy_timeout={int(busy_wait_ms)}")
        try:
            return bool(_rows(session, _owned(job_id, owner).values(**values)))
        finally:
            raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def finish(
    db: Database, job_id: int, owner: str, result: Mapping[str, Any], *, now: datetime | None = None
) -> bool:
    """Mark the job done with its ``result``; False when the lease was lost meanwhile."""
    values = {
        "status": "done",
        "result": dict(result),
        "message": None,
        "finished_at": now or utcnow(),
        "lease_owner": None,
        "lease_expires_at": None,
    }
    with db.session() as session:
        return bool(_rows(session, _owned(job_id, owner).values(**values)))


def fail(
    db: Database,
    job_id: int,
    owner: str,
    message: str,
    *,
    retry: bool,
    now: datetime | None = None,
) -> str | None:
    """Record a failed run: back to the queue when ``retry`` and attempts remain, else failed.

    Returns the new status, or None when the lease was lost meanwhile.
    """
    now = now or utcnow()
    with db.session() as session:
        job = session.get(Job, job_id)
        if job is None or job.lease_owner != owner or job.status != "running":
            return None
        again = retry and job.attempts < job.max_attempts
        values = {
            "status": "queued" if again else "failed",
            "message": message[:MESSAGE_CHARS],
            "finished_at": None if again else now,
            "lease_owner": None,
            "lease_expires_at": None,
        }
        changed = _rows(session, _owned(job_id, owner).values(**values))
        return str(values["status"]) if changed else None


def release(db: Database, job_id: int, owner: str) -> bool:
    """Give a job back to the queue without counting the run (a worker shutting down cleanly)."""
    values = {
        "status": "queued",
        "attempts": Job.attempts - 1,
        "lease_owner": None,
        "lease_expires_at": None,
        "message": "interrupted by a shutdown; it will run again",
    }
    with db.session() as session:
        return bool(_rows(session, _owned(job_id, owner).values(**values)))


def requeue_expired(db: Database, *, now: datetime | None = None) -> tuple[int, int]:
    """Recover jobs whose worker stopped renewing its lease; return (re-queued, failed)."""
    now = now or utcnow()
    expired = (Job.status == "running", Job.lease_expires_at < now)
    with db.session() as session:
        again = _rows(
            session,
            update(Job)
            .where(*expired, Job.attempts < Job.max_attempts)
            .values(
                status="queued",
                lease_owner=None,
                lease_expires_at=None,
                message="the worker stopped before finishing (restart?); it will run again",
            )
            .execution_options(synchronize_session=False),
        )
        failed = _rows(
            session,
            update(Job)
            .where(*expired, Job.attempts >= Job.max_attempts)
            .values(
                status="failed",
                lease_owner=None,
                lease_expires_at=None,
                finished_at=now,
                message="the worker stopped before finishing on every attempt; giving up",
            )
            .execution_options(synchronize_session=False),
        )
    return again, failed


def get_job(session: Session, job_id: int) -> Job:
    """The job with this id; an unknown id is a `NotFoundError`."""
    job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError(f"no job #{job_id}")
    return job


def runner_jobs(session: Session, runner_id: int, *, limit: int = 20) -> list[Job]:
    """The runner's newest jobs first."""
    return list(
        session.scalars(
            select(Job).where(Job.runner_id == runner_id).order_by(Job.id.desc()).limit(limit)
        )
    )
