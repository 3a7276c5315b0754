"""The background worker: claims jobs from the queue, runs them, heartbeats, records the outcome.

One job at a time per worker (a video analysis uses both cores already); run several workers for
more. While a job runs, a heartbeat thread renews its lease every ``heartbeat_s`` seconds and the
progress callback records the stage at most twice a second (skipped, not fatal, when the
database is busy). Before each claim the worker re-queues jobs whose lease expired (their worker
died: a server restart, a kill), so a job is never lost; it runs again from the start, up to its
``max_attempts``.

Outcomes: a result is stored as ``done``. An `InputError` fails the job at once with its message
(bad input does not get better by retrying). Any other error is retried until the attempts run
out, then fails with a one-line message (the traceback goes to the log). A worker asked to stop
(Ctrl-C, SIGTERM) gives its job back to the queue uncounted. A worker that lost its lease (the
job was re-queued meanwhile) stops the job at its next progress report and records nothing.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

import sqlalchemy.exc

from backstride.errors import BackstrideError, InputError
from backstride.paths import data_dir
from backstride.store import BlobStore, Database
from backstride.store import jobs as queue
from backstride.store.base import utcnow
from backstride.store.web_sessions import purge_attempts, purge_expired
from backstride.web.jobkinds import KINDS, JobContext, JobKind, Progress

log = logging.getLogger("backstride.worker")
PROGRESS_EVERY_S = 0.5
#: How long a progress report waits for a busy SQLite (the job storing its own results).
PROGRESS_BUSY_WAIT_MS = 200
HOUSEKEEPING_EVERY_S = 600.0


class LeaseLost(Exception):
    """The job was taken away from this worker (its lease expired and it was re-queued)."""


def worker_id() -> str:
    """A name unique to this worker: host, process, random suffix."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def default_work_root() -> Path:
    """Where jobs get their private folders: ``<data dir>/web/jobs``."""
    return data_dir() / "web" / "jobs"


def as_given(exc: BaseException, work_dir: Path) -> str:
    """An error's message with the job's folder taken off file paths, so it names the file as
    uploaded: what ``backstride`` prints when run on that file in its own folder.

    Examples
    --------
    >>> as_given(ValueError("/data/jobs/job-3-1/run.fit: is truncated"), Path("/data/jobs/job-3-1"))
    'run.fit: is truncated'
    """
    return str(exc).replace(f"{work_dir}/", "")


class _Heartbeat(threading.Thread):
    """Renews a job's lease until stopped; notes when the lease was lost."""

    def __init__(self, worker: Worker, job_id: int) -> None:
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.worker, self.job_id = worker, job_id
        self.stopped = threading.Event()
        self.lost = False

    def run(self) -> None:
        w = self.worker
        while not self.stopped.wait(w.heartbeat_s):
            try:
                if not queue.heartbeat(w.db, self.job_id, w.owner, lease_s=w.lease_s):
                    self.lost = True
                    return
            except Exception:
                log.warning("heartbeat of job %s failed", self.job_id, exc_info=True)


class Worker:
    """Runs queued jobs of ``kinds`` against ``db``."""

    def __init__(
        self,
        db: Database,
        *,
        kinds: Mapping[str, JobKind] = KINDS,
        blobs: BlobStore | None = None,
        work_root: Path | None = None,
        lease_s: float = 60.0,
        heartbeat_s: float = 10.0,
        poll_s: float = 1.0,
        owner: str | None = None,
    ) -> None:
        self.db = db
        self.kinds = dict(kinds)
        self.blobs = blobs or BlobStore()
        self.work_root = work_root or default_work_root()
        self.lease_s, self.heartbeat_s, self.poll_s = lease_s, heartbeat_s, poll_s
        self.owner = owner or worker_id()
        self._last_housekeeping = 0.0

    def run(self, stop: threading.Event, *, max_jobs: int | None = None) -> int:
        """Run jobs until ``stop`` is set (or ``max_jobs`` ran); return how many ran."""
        ran = 0
        while not stop.is_set() and (max_jobs is None or ran < max_jobs):
            if self.run_one():
                ran += 1
            else:
                stop.wait(self.poll_s)
        return ran

    def run_one(self) -> bool:
        """Recover expired leases, claim one job and run it; False when none was waiting."""
        self._housekeeping()
        requeued, failed = queue.requeue_expired(self.db)
        if requeued or failed:
            log.warning(
                "recovered jobs of stopped workers: %s re-queued, %s failed", requeued, failed
            )
        job = queue.claim(self.db, self.owner, lease_s=self.lease_s, kinds=self.kinds.keys())
        if job is None:
            return False
        self._execute(job)
        return True

    def _execute(self, job: queue.Claimed) -> None:
        work_dir = self.work_root / f"job-{job.id}-{job.attempts}"
        shutil.rmtree(work_dir, ignore_errors=True)
        work_dir.mkdir(parents=True)
        beat = _Heartbeat(self, job.id)
        beat.start()
        ctx = JobContext(
            self.db, self.blobs, work_dir, self._progress(job.id, beat), job.id, job.runner_id
        )
        try:
            result = self.kinds[job.kind].handler(ctx, job.payload)
        except LeaseLost:
            log.warning("job %s was taken over by another worker; stopped", job.id)
        except (KeyboardInterrupt, SystemExit):
            queue.release(self.db, job.id, self.owner)
            raise
        except InputError as exc:
            queue.fail(self.db, job.id, self.owner, as_given(exc, work_dir), retry=False)
        except BackstrideError as exc:
            queue.fail(self.db, job.id, self.owner, as_given(exc, work_dir), retry=True)
        except Exception as exc:
            log.exception("job %s (%s) failed", job.id, job.kind)
            message = f"internal error: {type(exc).__name__}: {exc}"
            queue.fail(self.db, job.id, self.owner, message, retry=True)
        else:
            if not queue.finish(self.db, job.id, self.owner, result):
                log.warning("job %s finished after its lease was lost; result dropped", job.id)
        finally:
            beat.stopped.set()
            beat.join()
            shutil.rmtree(work_dir, ignore_errors=True)

    def _progress(self, job_id: int, beat: _Heartbeat) -> Progress:
        last = [0.0]

        def report(stage: str, done: int, total: int) -> None:
            if beat.lost:
                raise LeaseLost()
            now = time.monotonic()
            if now - last[0] < PROGRESS_EVERY_S and done < total:
                return
            last[0] = now
            progress = queue.Progress(stage, done, total)
            try:
                alive = queue.heartbeat(
                    self.db,
                    job_id,
                    self.owner,
                    lease_s=self.lease_s,
                    progress=progress,
                    busy_wait_ms=PROGRESS_BUSY_WAIT_MS,
                )
            except sqlalchemy.exc.OperationalError:  # a busy database: progress can wait
                log.info("progress of job %s not recorded: the database is busy", job_id)
                return
            if not alive:
                beat.lost = True
                raise LeaseLost()

        return report

    def _housekeeping(self) -> None:
        now = time.monotonic()
        if now - self._last_housekeeping < HOUSEKEEPING_EVERY_S:
            return
        self._last_housekeeping = now
        with self.db.session() as s:
            purge_expired(s)
            purge_attempts(s, before=utcnow() - timedelta(days=1))
