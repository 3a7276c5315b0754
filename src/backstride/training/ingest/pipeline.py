"""The import: collect files, skip the known ones, parse the rest in a process pool, store each.

1. `collect` walks the paths (folders, archives, exports) and hashes every activity file;
2. files whose content hash this runner already has are "already known" and not parsed again,
   which is what makes a re-import of the same folder near-instant;
3. the rest are parsed in a process pool (``forkserver`` workers, one file per task; small
   batches are parsed in this process, where a pool would cost more than it saves);
4. each parsed file is handed to ``save`` as soon as it arrives, which stores it in its own
   transaction (`backstride.store.training.save_file_result`): a bad file, or a crash half-way,
   never leaves half an activity and never touches what was imported before.

The pipeline does not import the store: the caller passes ``save``, keeping the layers apart.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from backstride.training.ingest.results import FileResult, Outcome, Saved
from backstride.training.ingest.sources import SourceFile, collect
from backstride.training.ingest.worker import parse_source

POOL_MIN_FILES = 8


Save = Callable[[FileResult], Saved]
Progress = Callable[[int, int, str], None]


@dataclass
class ImportReport:
    """The summary a user sees: every file in exactly one list, with its reason where it has one."""

    imported: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    ignored: int = 0


def default_jobs() -> int:
    """Worker processes: one per CPU the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def parse_all(
    files: list[SourceFile], *, tz: str | None, jobs: int, cache_root: Path | None
) -> Iterator[FileResult]:
    """Parse ``files``, yielding each result as it completes (in a pool when it pays off)."""
    if jobs <= 1 or len(files) < POOL_MIN_FILES:
        for source in files:
            yield parse_source(source, tz, cache_root)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["backstride.training.ingest.worker"])
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(files)), mp_context=context)
    try:
        futures: dict[Future[FileResult], SourceFile] = {
            pool.submit(parse_source, source, tz, cache_root): source for source in files
        }
        for future in as_completed(futures):
            try:
                yield future.result()
            except BrokenProcessPool:
                yield FileResult(
                    futures[future],
                    error="the reader process stopped unexpectedly (out of memory?); not imported",
                )
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_import(
    paths: list[Path],
    *,
    known_hashes: set[str],
    save: Save,
    tz: str | None = None,
    jobs: int | None = None,
    cache_root: Path | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``paths`` (see the module notes) and return the summary.

    Parameters
    ----------
    known_hashes
        Content hashes of the files this runner already imported.
    save
        Stores one parsed file in its own transaction and says what it did.
    tz
        IANA time zone for files with neither a UTC offset nor positions.
    jobs
        Worker processes (default: one per CPU).
    cache_root
        Where the Parquet streams go (None: not cached).
    progress
        Called with (done, total, file) after each file.
    """
    workdir = Path(tempfile.mkdtemp(prefix="backstride-import-"))
    try:
        found = collect(paths, workdir)
        report = ImportReport(ignored=found.ignored)
        report.failed.extend((r.display, r.reason) for r in found.rejected)
        todo: list[SourceFile] = []
        seen = set(known_hashes)
        for source in found.files:
            if source.sha256 in seen:
                report.known.append(source.display)
            else:
                seen.add(source.sha256)
                todo.append(source)
        for done, result in enumerate(
            parse_all(todo, tz=tz, jobs=jobs or default_jobs(), cache_root=cache_root), start=1
        ):
            _record(report, result, save)
            if progress is not None:
                progress(done, len(todo), result.source.display)
        return report
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _record(report: ImportReport, result: FileResult, save: Save) -> None:
    display = result.source.display
    if result.error is not None:
        report.failed.append((display, result.error))
        return
    report.warnings.extend((display, w) for w in result.warnings)
    saved = save(result)
    if saved.outcome is Outcome.IMPORTED:
        report.imported.append(display)
        if saved.note:  # e.g. the other legs of a multisport file
            report.warnings.append((display, saved.note))
    elif saved.outcome is Outcome.MERGED:
        report.merged.append(display)
    else:
        report.skipped.append((display, saved.note or "not running"))
