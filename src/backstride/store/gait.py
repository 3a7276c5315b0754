"""Keeping a video analysis in the store: an assessment row and its files as artifacts."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from backstride.store import BlobStore, Database, add_artifact, files_and_rows
from backstride.store.runners import get_runner
from backstride.store.tables import Assessment
from backstride.video.analyze import VideoAnalysis, metrics_document

MEDIA_TYPES = {
    ".png": "image/png",
    ".json": "application/json",
    ".csv": "text/csv",
    ".trc": "text/plain",
    ".mp4": "video/mp4",
    ".mov": "video/quicktime",
}


def runner_height(db: Database, name: str) -> float | None:
    """The runner's stored height (cm), if any; an unknown runner is an input error."""
    with db.session() as s:
        return get_runner(s, name).height_cm


def gait_summary(analysis: VideoAnalysis) -> dict[str, object]:
    """The ``kind="gait"`` assessment summary other stages read (findings and metric medians)."""
    doc = metrics_document(analysis)
    values = {k: (None if v != v else round(v, 3)) for k, v in analysis.headline_values().items()}
    return {
        "view": analysis.view,
        "metrics": values,
        "findings": [f.model_dump(mode="json") for f in analysis.findings],
        "quality": [q.model_dump(mode="json") for q in analysis.quality],
        "thresholds": analysis.thresholds,
        "video": doc["video"],
        "strike_pattern": analysis.metrics.strike_pattern,
        "cannot_measure": doc["cannot_measure"],
    }


def store_analysis(db: Database, runner: str, analysis: VideoAnalysis, video: Path) -> int:
    """Store the analysis and its files for ``runner`` in one transaction; return its id."""
    files = [(video, "video")]
    for kind, paths in analysis.files.items():
        files += [(p, kind) for p in paths]
    return store_summary(db, runner, gait_summary(analysis), files)


def store_summary(
    db: Database, runner: str, summary: dict[str, object], files: list[tuple[Path, str]]
) -> int:
    """One ``kind="gait"`` assessment with its files as artifacts, in one transaction."""
    with files_and_rows(db) as (s, blobs):
        return add_gait_row(s, blobs, get_runner(s, runner).id, summary, files)


def add_gait_row(
    s: Session,
    blobs: BlobStore,
    runner_id: int,
    summary: dict[str, object],
    files: list[tuple[Path, str]],
) -> int:
    """Add the ``kind="gait"`` row and its files inside the caller's unit of work; its id."""
    a = Assessment(
        runner_id=runner_id, kind="gait", summary=json.loads(json.dumps(summary, default=str))
    )
    s.add(a)
    s.flush()
    for path, kind in files:
        add_artifact(
            s,
            blobs,
            runner_id=runner_id,
            assessment_id=a.id,
            source=path,
            kind=kind,
            media_type=MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream"),
        )
    return a.id
