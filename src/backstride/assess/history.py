"""The training history inside the assessment's unit of work: import the files given (as
``backstride training import`` does), then the training report from all the runner's stored
activities (as ``backstride training report`` does, ending on the latest run).

Both run in the caller's session, so a failure later in the assessment rolls the import back
with everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from backstride.errors import InputError
from backstride.paths import cache_dir
from backstride.store.training import (
    known_hashes,
    list_activities,
    list_shoes,
    save_file_result,
    to_pair,
)
from backstride.training.ingest.pipeline import ImportReport, run_import
from backstride.training.ingest.results import FileResult, Saved
from backstride.training.report import TrainingReport, build_report
from backstride.training.thresholds import load_thresholds

Progress = Callable[[str, int, int], None]

#: Weeks the training report covers (as ``training report`` by default).
REPORT_WEEKS = 16


@dataclass(frozen=True)
class HistoryResult:
    """The import's summary (None when no files were given) and the report (None: no runs)."""

    imported: ImportReport | None
    report: TrainingReport | None


def import_files(
    session: Session, runner_id: int, paths: tuple[Path, ...], progress: Progress
) -> ImportReport:
    """Import ``paths`` for the runner in ``session``; none usable is an `InputError`."""

    def save(result: FileResult) -> Saved:
        return save_file_result(session, runner_id, result)

    report = run_import(
        list(paths),
        known_hashes=known_hashes(session, runner_id),
        save=save,
        cache_root=cache_dir() / "training" / "streams",
        progress=lambda done, total, _name: progress("training: reading activities", done, total),
    )
    usable = report.imported or report.known or report.merged or report.skipped
    if not usable:
        reasons = "; ".join(f"{name}: {why}" for name, why in report.failed[:3])
        raise InputError(
            f"none of the activity files could be imported ({reasons or 'no activity files found'})"
        )
    return report


def history(
    session: Session, runner_id: int, name: str, paths: tuple[Path, ...], progress: Progress
) -> HistoryResult:
    """Import the files given, then report on every stored run of the runner."""
    imported = import_files(session, runner_id, paths, progress) if paths else None
    progress("training: load report", 0, 1)
    records = list_activities(session, runner_id)
    runs = [r.activity.local_date for r in records if r.activity.counts_as_running]
    if not runs:
        return HistoryResult(imported=imported, report=None)
    pairs = [to_pair(s) for s in list_shoes(session, runner_id)]
    report = build_report(
        records, pairs, load_thresholds(), runner=name, as_of=max(runs), weeks=REPORT_WEEKS
    )
    progress("training: load report", 1, 1)
    return HistoryResult(imported=imported, report=report)
