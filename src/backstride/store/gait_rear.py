"""Keeping a rear-view or a combined (side + rear) analysis in the store.

Both are one ``kind="gait"`` assessment, the contract other stages read: ``summary["findings"]``
(every finding, its ``source`` saying the view), ``summary["metrics"]`` (one flat dict of medians;
rear names never collide with side ones) and, per view, the detail under ``summary["views"]``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backstride.store import Database
from backstride.store.gait import gait_summary, store_summary
from backstride.video.analyze_rear import RearAnalysis, rear_metrics_document
from backstride.video.combined import CombinedAnalysis


def _rounded(values: dict[str, float]) -> dict[str, float | None]:
    return {k: (None if v != v else round(v, 3)) for k, v in values.items()}


def rear_gait_summary(rear: RearAnalysis) -> dict[str, Any]:
    """The ``kind="gait"`` summary of a rear-view analysis."""
    doc = rear_metrics_document(rear)
    return {
        "view": "rear",
        "metrics": _rounded(rear.headline_values()),
        "findings": [f.model_dump(mode="json") for f in rear.findings],
        "quality": [q.model_dump(mode="json") for q in rear.quality],
        "thresholds": rear.thresholds,
        "video": doc["video"],
        "pelvic_drop": doc["metrics"]["pelvic_drop"],
        "from_front": rear.from_front,
        "view_estimate": doc["view_estimate"],
        "cannot_measure": doc["cannot_measure"],
    }


def combined_gait_summary(c: CombinedAnalysis) -> dict[str, Any]:
    """The ``kind="gait"`` summary of a side and a rear analysis of one session."""
    side, rear = gait_summary(c.side), rear_gait_summary(c.rear)
    return {
        "view": "side+rear",
        "metrics": _rounded(c.headline_values()),
        "findings": [f.model_dump(mode="json") for f in c.findings],
        "quality": [q.model_dump(mode="json") for q in c.quality],
        "thresholds": c.rear.thresholds,
        "views": {"side": side, "rear": rear},
        "cannot_measure": [*side["cannot_measure"], *rear["cannot_measure"]],  # type: ignore[misc]
    }


def _files(analysis: Any, video: Path, prefix: str = "") -> list[tuple[Path, str]]:
    files = [(video, f"{prefix}video")]
    for kind, paths in analysis.files.items():
        files += [(p, f"{prefix}{kind}") for p in paths]
    return files


def store_rear_analysis(db: Database, runner: str, rear: RearAnalysis, video: Path) -> int:
    """Store a rear-view analysis and its files for ``runner``; return the assessment id."""
    return store_summary(db, runner, rear_gait_summary(rear), _files(rear, video))


def store_combined(db: Database, runner: str, c: CombinedAnalysis, videos: dict[str, Path]) -> int:
    """Store a side + rear assessment and both clips' files (kinds prefixed ``side_`` and
    ``rear_``) in one transaction; return the assessment id."""
    files = _files(c.side, videos["side"], "side_") + _files(c.rear, videos["rear"], "rear_")
    return store_summary(db, runner, combined_gait_summary(c), files)
