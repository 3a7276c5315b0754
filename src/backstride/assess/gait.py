"""Today's gait for the assessment: one clip or a side + rear pair, analysed as
``backstride video analyze`` does, summarised with the same ``kind="gait"`` summary.

Nothing is stored here: the service stores the summary and the files in its one unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backstride.assess.models import InputKind
from backstride.findings import Finding
from backstride.video.analyze import AnalyzeOptions, VideoAnalysis
from backstride.video.analyze_rear import RearAnalysis
from backstride.video.session import AskedView, analyze_clip, analyze_pair

Progress = Callable[[str, int, int], None]

STAGE_WORDS = {
    "pose": "finding the runner",
    "frames": "drawing key frames",
    "video": "annotating",
    "waistband": "reading the waistband",
}


#: The rear view's own limit that a side video given with it covers.
SIDE_VIEW_COVERS = "anything along the running direction"


@dataclass(frozen=True)
class GaitResult:
    """The gait summary to store, its files, and what the assessment reads from it."""

    summary: dict[str, Any]
    files: list[tuple[Path, str]]
    findings: tuple[Finding, ...]
    metrics: dict[str, float | None]
    limits: tuple[tuple[InputKind | None, tuple[str, ...]], ...]


def _files(
    analysis: VideoAnalysis | RearAnalysis, video: Path, prefix: str
) -> list[tuple[Path, str]]:
    files = [(video, f"{prefix}video")]
    for kind, paths in analysis.files.items():
        files += [(p, f"{prefix}{kind}") for p in paths]
    return files


def analyse_gait(
    side: Path | None,
    rear: Path | None,
    *,
    height_cm: float | None,
    out_dir: Path,
    progress: Progress,
) -> GaitResult | None:
    """Analyse the clips given (None when there is none)."""
    from backstride.store.gait import gait_summary
    from backstride.store.gait_rear import combined_gait_summary, rear_gait_summary

    if side is None and rear is None:
        return None
    options = AnalyzeOptions(height_cm=height_cm, out_dir=out_dir)

    def report(which: str) -> Progress:
        return lambda stage, done, total: progress(
            f"{which} video: {STAGE_WORDS.get(stage, stage)}", done, total
        )

    summary: dict[str, Any]
    if side is not None and rear is not None:
        c = analyze_pair((side, rear), options, progress=report("side and rear"))
        summary = combined_gait_summary(c)
        files = _files(c.side, side, "side_") + _files(c.rear, rear, "rear_")
        side_limits = tuple(summary["views"]["side"]["cannot_measure"])
        rear_limits = tuple(
            line
            for line in summary["views"]["rear"]["cannot_measure"]
            if not line.startswith(SIDE_VIEW_COVERS)
        )
        return GaitResult(
            summary=summary,
            files=files,
            findings=tuple(c.findings),
            metrics=dict(summary["metrics"]),
            limits=((InputKind.SIDE_VIDEO, side_limits), (InputKind.REAR_VIDEO, rear_limits)),
        )
    path = side if side is not None else rear
    assert path is not None
    view: AskedView = "side" if side is not None else "rear"
    result = analyze_clip(path, options, view=view, progress=report(view))
    a = result.analysis
    if isinstance(a, VideoAnalysis):
        summary = dict(gait_summary(a))
        kind = InputKind.SIDE_VIDEO
    else:
        summary = rear_gait_summary(a)
        kind = InputKind.REAR_VIDEO
    return GaitResult(
        summary=summary,
        files=_files(a, path, ""),
        findings=tuple(a.findings),
        metrics=dict(summary["metrics"]),
        limits=((kind, tuple(summary["cannot_measure"])),),
    )
