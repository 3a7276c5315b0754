"""Running a manifest: each row one assessment, in order per runner, resumable.

Why it is built this way:

- **Order per runner.** A runner's rows run one after another, in date order, so each re-test
  is compared with the assessment before it; different runners run side by side (``workers``
  processes, each with its own database connection). When a row fails, that runner's later
  rows are not run (recorded as ``failed``, naming the row they wait for): running them would
  store a later visit before an earlier one. For the same reason a row dated before a visit of
  that runner already assessed by this batch is refused.
- **A failed row does not stop the batch.** A row whose video turns out to show no runner, say,
  is recorded with its message and other runners go on; the row stores nothing (the assessment
  is one unit of work). A bug, or a worker process that dies (out of memory), is recorded the
  same way. A report that cannot be written after the assessment is stored leaves the row
  ``done``, with the message.
- **Resumable.** After every row the results file (``batch.csv``, `backstride.batch.results`)
  is rewritten atomically. Running the same manifest again skips every row whose inputs are
  unchanged (same fingerprint, wherever the row now is in the file) and whose stored
  assessment still exists, so an interrupted batch continues where it stopped, and a corrected
  row runs again with the rows that waited for it.
"""

from __future__ import annotations

import multiprocessing
import signal
import time
import traceback
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from backstride.batch.manifest import Manifest, ManifestRow
from backstride.batch.results import (
    RESULTS_NAME,
    RowResult,
    fingerprint,
    read_results,
    write_results,
)
from backstride.errors import BackstrideError

if TYPE_CHECKING:
    from backstride.assess.service import AssessmentRequest

#: Where a row's internal error writes its traceback.
LOG_NAME = "batch.log"

Notify = Callable[["BatchProgress"], None]
Queue = list[tuple[ManifestRow, str]]


@dataclass(frozen=True)
class BatchOptions:
    """How to run: the database, where to write, how many processes, which reports."""

    db_url: str | None
    out_dir: Path
    workers: int = 1
    reports: bool = True
    pdf: bool = False


@dataclass
class BatchProgress:
    """What the progress display shows: rows finished of all, and what is running now."""

    total: int
    finished: int = 0
    failed: int = 0
    running: str = ""


def _day(row: ManifestRow) -> str:
    return (row.day or date.today()).isoformat()


def _failed(row: ManifestRow, print_: str, message: str, seconds: float = 0.0) -> RowResult:
    return RowResult(
        line=row.line,
        runner=row.runner,
        date=_day(row),
        status="failed",
        message=message,
        seconds=seconds,
        fingerprint=print_,
    )


# -- one row -------------------------------------------------------------------------------


def request_for(row: ManifestRow) -> AssessmentRequest:
    """The assessment a row asks for (checked by the CLI with the same request it runs)."""
    from backstride.assess.service import AssessmentRequest

    return AssessmentRequest(
        runner=row.runner,
        side_video=row.side,
        rear_video=row.rear,
        activities=row.activities,
        checkin_file=row.checkin,
        height_cm=row.height_cm,
        today=row.day,
    )


def run_row(
    row: ManifestRow,
    print_: str,
    options: BatchOptions,
    *,
    progress: Callable[[str, int, int], None] | None = None,
) -> RowResult:
    """Assess one row (its runner exists already); a failure becomes a ``failed`` result.

    Runs in a worker process when ``workers > 1``: everything it needs is in its arguments.
    """
    from backstride.assess.service import run_assessment
    from backstride.store import Database

    started = time.monotonic()
    try:
        db = Database.open(options.db_url, migrate=False)
        try:
            outcome = run_assessment(db, request_for(row), progress=progress)
            report, message = _report(db, outcome.assessment_id, options)
        finally:
            db.engine.dispose()
    except BackstrideError as exc:
        return _failed(row, print_, str(exc), time.monotonic() - started)
    except Exception as exc:  # noqa: BLE001 - a bug in one row must not stop a batch of hundreds
        with (options.out_dir / LOG_NAME).open("a", encoding="utf-8") as log:
            log.write(f"line {row.line} ({row.runner}):\n{traceback.format_exc()}\n")
        message = (
            f"internal error: {type(exc).__name__}: {exc} (this is a bug in backstride; the "
            f"traceback is in {LOG_NAME})"
        )
        return _failed(row, print_, message, time.monotonic() - started)
    a = outcome.assessment
    return RowResult(
        line=row.line,
        runner=row.runner,
        date=_day(row),
        status="referral" if a.referral else "done",
        assessment_id=outcome.assessment_id,
        tier=a.tier,
        findings=len(a.findings),
        report=report,
        seconds=time.monotonic() - started,
        message=message,
        fingerprint=print_,
    )


def _report(db: object, assessment_id: int, options: BatchOptions) -> tuple[str, str]:
    """Write the row's report: (its path relative to the output folder, a problem or "").

    The assessment is stored by then, so a report that cannot be written is said, not fatal:
    ``backstride assess``'s report can be made again from the stored assessment.
    """
    from backstride.report import write_report
    from backstride.store import Database

    assert isinstance(db, Database)
    if not options.reports:
        return "", ""
    try:
        files = write_report(db, assessment_id, options.out_dir / "reports", pdf=options.pdf)
    except BackstrideError as exc:
        return "", f"stored, but the report was not written: {exc}"
    return str(files.html.relative_to(options.out_dir)), ""


# -- which rows run ------------------------------------------------------------------------


def _already_done(
    earlier: dict[str, list[RowResult]], row: ManifestRow, print_: str, stored: set[int]
) -> RowResult | None:
    """An earlier result with this row's fingerprint whose assessment still exists (each
    earlier result answers one row: two identical rows are two assessments)."""
    for i, before in enumerate(earlier.get(print_, [])):
        if (
            before.runner == row.runner
            and before.status in ("done", "referral", "skipped")
            and before.assessment_id in stored
        ):
            del earlier[print_][i]
            return replace(before, line=row.line, status="skipped", seconds=0.0)
    return None


def _queues(
    manifest: Manifest, todo: dict[int, str], done: dict[int, RowResult]
) -> tuple[list[Queue], list[RowResult]]:
    """Per runner, the rows still to run in their order; and the rows refused because a visit
    dated later is already assessed (storing them now would put the visits out of order)."""
    queues: list[Queue] = []
    refused: list[RowResult] = []
    for rows in manifest.runners().values():
        latest_done = max((r for r in rows if r.line in done), key=_day, default=None)
        queue: Queue = []
        for r in rows:
            if r.line not in todo:
                continue
            if latest_done is not None and _day(r) < _day(latest_done):
                refused.append(
                    _failed(
                        r,
                        todo[r.line],
                        f"dated {_day(r)}, before line {latest_done.line} ({_day(latest_done)}) "
                        "already assessed: visits are stored in date order; start a new "
                        "--out folder to assess the runner's visits again from the first",
                    )
                )
            else:
                queue.append((r, todo[r.line]))
        if queue:
            queues.append(queue)
    return queues, refused


def _blocked(row: ManifestRow, print_: str, failed_line: int) -> RowResult:
    return _failed(
        row,
        print_,
        f"not run: line {failed_line} of this runner failed first, and a runner's visits run "
        "in date order; fix it and run again",
    )


# -- the batch -----------------------------------------------------------------------------


def run_batch(
    manifest: Manifest,
    options: BatchOptions,
    stored_ids: Callable[[dict[str, list[int]]], set[int]],
    *,
    notify: Notify | None = None,
) -> list[RowResult]:
    """Run every row not already done; return the result of every row, in line order.

    ``stored_ids`` gets the earlier results' assessment ids per runner and returns those that
    still exist (and belong to that runner), so a row is skipped only when its assessment is
    really there. The results file is rewritten after each row.
    """
    options.out_dir.mkdir(parents=True, exist_ok=True)
    results_path = options.out_dir / RESULTS_NAME
    say = notify or (lambda _: None)
    state = BatchProgress(total=len(manifest.rows))
    earlier: dict[str, list[RowResult]] = {}
    claimed: dict[str, list[int]] = {}
    for r in read_results(results_path):
        earlier.setdefault(r.fingerprint, []).append(r)
        if r.assessment_id is not None:
            claimed.setdefault(r.runner, []).append(r.assessment_id)
    stored = stored_ids(claimed)
    results: dict[int, RowResult] = {}
    todo: dict[int, str] = {}
    for i, row in enumerate(manifest.rows):
        state.running = f"reading the inputs ({i + 1} of {len(manifest.rows)})"
        say(state)
        print_ = fingerprint(row)
        done = _already_done(earlier, row, print_, stored)
        if done is not None:
            results[row.line] = done
        else:
            todo[row.line] = print_
    queues, refused = _queues(manifest, todo, dict(results))

    def finish(result: RowResult) -> None:
        results[result.line] = result
        state.finished += 1
        state.failed += result.status == "failed"
        write_results(results_path, list(results.values()))
        say(state)

    state.finished = len(results)
    state.running = ""
    write_results(results_path, list(results.values()))
    for result in refused:
        finish(result)
    if options.workers <= 1 or len(queues) <= 1:
        _run_serial(queues, options, finish, state, say)
    else:
        _run_parallel(queues, options, finish, state, say)
    return [results[r.line] for r in manifest.rows]


def _run_serial(
    queues: list[Queue],
    options: BatchOptions,
    finish: Callable[[RowResult], None],
    state: BatchProgress,
    say: Notify,
) -> None:
    """The rows one after another in this process. Ctrl-C stops the row running at once (its
    assessment rolls back and stores nothing) and the batch with it."""
    for queue in queues:
        failed_line: int | None = None
        for row, print_ in queue:
            if failed_line is not None:
                finish(_blocked(row, print_, failed_line))
                continue

            def stage(name: str, done: int, total: int, row: ManifestRow = row) -> None:
                state.running = f"line {row.line}, {row.runner}: {name}"
                say(state)

            result = run_row(row, print_, options, progress=stage)
            finish(result)
            if result.status == "failed":
                failed_line = row.line


def _ignore_interrupt() -> None:
    """In a worker: leave Ctrl-C to the parent, which lets the rows running finish."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_parallel(
    queues: list[Queue],
    options: BatchOptions,
    finish: Callable[[RowResult], None],
    state: BatchProgress,
    say: Notify,
) -> None:
    """Each runner's rows in order; up to ``options.workers`` runners at a time.

    Worker processes are spawned, not forked: the pose model's threads and the database
    connections of this process must not be copied into them. On Ctrl-C no new row starts,
    and the rows running are finished and recorded before the batch stops (further Ctrl-C are
    ignored meanwhile, so nothing stored goes unrecorded). A worker that dies fails the rows it
    was running, and a new pool of workers goes on with the rest.
    """
    waiting = [list(q) for q in queues]
    while any(waiting):
        broken = _run_pool(waiting, options, finish, state, say)
        if not broken:
            return


def _run_pool(
    waiting: list[Queue],
    options: BatchOptions,
    finish: Callable[[RowResult], None],
    state: BatchProgress,
    say: Notify,
) -> bool:
    """Run ``waiting`` (consumed as rows start) in one pool; True if a worker died."""
    context = multiprocessing.get_context("spawn")
    running: dict[Future[RowResult], tuple[int, ManifestRow, str]] = {}
    starting = [i for i, q in enumerate(waiting) if q]

    def after(index: int, result: RowResult) -> None:
        finish(result)
        if result.status == "failed":  # the runner's later rows wait for this one
            for row, print_ in waiting[index]:
                finish(_blocked(row, print_, result.line))
            waiting[index].clear()

    with ProcessPoolExecutor(
        max_workers=options.workers, mp_context=context, initializer=_ignore_interrupt
    ) as pool:

        def submit(index: int) -> None:
            row, print_ = waiting[index].pop(0)
            running[pool.submit(run_row, row, print_, options)] = (index, row, print_)

        def start_next(index: int | None) -> None:
            if index is not None and waiting[index]:
                submit(index)  # the same runner's next row, now that this one is stored
            elif starting:
                submit(starting.pop(0))

        try:
            while starting and len(running) < options.workers:
                start_next(None)
            while running:
                state.running = f"{len(running)} running"
                say(state)
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    index, row, print_ = running.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        _died(running, index, row, print_, after)
                        return True
                    after(index, result)
                    start_next(index)
        except KeyboardInterrupt:
            _finish_running(running, after, state, say)
            raise
    return False


_DIED = (
    "the worker process assessing this row stopped (out of memory, or a crash in a video "
    "library); try the row alone with `backstride assess`, or with fewer --workers"
)


def _died(
    running: dict[Future[RowResult], tuple[int, ManifestRow, str]],
    index: int,
    row: ManifestRow,
    print_: str,
    after: Callable[[int, RowResult], None],
) -> None:
    """A worker died and the pool with it: the row it ran failed (a dead process commits
    nothing); each other row running is recorded as it ended, finished or stopped."""
    after(index, _failed(row, print_, _DIED))
    for future, (other_index, other_row, other_print) in running.items():
        try:
            after(other_index, future.result())
        except BrokenProcessPool:
            after(other_index, _failed(other_row, other_print, _DIED))
    running.clear()


def _finish_running(
    running: dict[Future[RowResult], tuple[int, ManifestRow, str]],
    after: Callable[[int, RowResult], None],
    state: BatchProgress,
    say: Notify,
) -> None:
    """After Ctrl-C: wait for the rows running and record them, ignoring further Ctrl-C."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        state.running = f"interrupted: finishing the {len(running)} row(s) running"
        say(state)
        for future in list(running):
            index, row, print_ = running.pop(future)
            try:
                result = future.result()
            except BrokenProcessPool:
                result = _failed(row, print_, _DIED)
            after(index, result)
    finally:
        signal.signal(signal.SIGINT, previous)
