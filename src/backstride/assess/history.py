"""The training history of the assessment: the files given are read and parsed first, outside
any transaction (`parse_files`, as ``backstride training import`` reads them); then, inside the
assessment's unit of work, they are stored and the training report is made from all the
runner's stored activities (`history`, as ``backstride training report`` does, ending on the
latest run). A failure later in the assessment rolls the import back with everything else, and
the slow part (parsing) never holds the database's write lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from backstride.errors import InputError
from backstride.paths import training_streams_dir
from backstride.store.training import (
    list_activities,
    list_shoes,
    save_file_result,
    to_pair,
)
from backstride.training.ingest.pipeline import ImportReport, run_import
from backstride.training.ingest.results import FileResult, Outcome, Saved
from backstride.training.report import TrainingReport, build_report
from backstride.training.thresholds import load_thresholds

Progress = Callable[[str, int, int], None]

#: Weeks the training report covers (as ``training report`` by default).
REPORT_WEEKS = 16


@dataclass(frozen=True)
class ParsedFiles:
    """Activity files read and parsed, not stored yet: the results to store, the summary."""

    results: tuple[FileResult, ...]
    report: ImportReport


@dataclass(frozen=True)
class HistoryResult:
    """The import's summary (None when no files were given) and the report (None: no runs)."""

    imported: ImportReport | None
    report: TrainingReport | None


def parse_files(known: set[str], paths: tuple[Path, ...], progress: Progress) -> ParsedFiles:
    """Read and parse ``paths`` as ``training import`` does (files this runner already has, by
    content hash, are skipped), outside any transaction; none usable is an `InputError`."""
    results: list[FileResult] = []

    def keep(result: FileResult) -> Saved:
        results.append(result)
        return Saved(Outcome.IMPORTED)

    report = run_import(
        list(paths),
        known_hashes=known,
        save=keep,
        cache_root=training_streams_dir(),
        progress=lambda done, total, _name: progress("training: reading activities", done, total),
    )
    usable = report.imported or report.known or report.merged or report.skipped
    if not usable:
        reasons = "; ".join(f"{name}: {why}" for name, why in report.failed[:3])
        raise InputError(
            f"none of the activity files could be imported ({reasons or 'no activity files found'})"
        )
    return ParsedFiles(results=tuple(results), report=report)


def history(
    session: Session, runner_id: int, name: str, parsed: ParsedFiles | None, progress: Progress
) -> HistoryResult:
    """Store the parsed files in ``session`` (duplicates merged as ``training import`` does),
    then report on every stored run of the runner."""
    for result in parsed.results if parsed else ():
        save_file_result(session, runner_id, result)
    progress("training: load report", 0, 1)
    records = list_activities(session, runner_id)
    runs = [r.activity.local_date for r in records if r.activity.counts_as_running]
    if not runs:
        return HistoryResult(imported=parsed.report if parsed else None, report=None)
    pairs = [to_pair(s) for s in list_shoes(session, runner_id)]
    report = build_report(
        records, pairs, load_thresholds(), runner=name, as_of=max(runs), weeks=REPORT_WEEKS
    )
    progress("training: load report", 1, 1)
    return HistoryResult(imported=parsed.report if parsed else None, report=report)
