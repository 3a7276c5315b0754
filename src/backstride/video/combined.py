"""One gait assessment from a side and a rear video of the same session.

Pure: two analyses in, one `CombinedAnalysis` out. Each view keeps its own metrics (their names
never collide: the rear view's timing metrics are prefixed ``rear_``), findings are merged with
the view each came from (``Finding.source``), and the two clips are checked against each other:
the cadence both measure should agree if they are the same session.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from backstride.findings import Finding
from backstride.video.analyze import VideoAnalysis
from backstride.video.analyze_rear import RearAnalysis
from backstride.video.quality import QualityIssue
from backstride.video.view import ViewEstimate

#: Cadence differing more than this between the two clips suggests two different sessions.
CADENCE_MISMATCH_PCT = 8.0


class CombinedAnalysis(BaseModel):
    """A side and a rear analysis of one session."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    side: VideoAnalysis
    rear: RearAnalysis
    estimates: dict[str, ViewEstimate]
    findings: list[Finding]
    quality: list[QualityIssue]  # checks on the pair (each clip keeps its own)

    def headline_values(self) -> dict[str, float]:
        """Both views' medians in one flat dict (names are unique across views)."""
        side, rear = self.side.headline_values(), self.rear.headline_values()
        clash = set(side) & set(rear)
        if clash:  # a programming error: the contract says names never collide
            raise ValueError(f"metric names used by both views: {sorted(clash)}")
        return {**side, **rear}


def merge_findings(side: list[Finding], rear: list[Finding]) -> list[Finding]:
    """Both views' findings, most severe first (each says its view in ``source``).

    Examples
    --------
    >>> from backstride.findings import Severity, Source
    >>> a = Finding(code="overstride", source=Source.VIDEO_SIDE, title="a",
    ...             severity=Severity.LOW, explanation="x")
    >>> b = Finding(code="pelvic_drop", source=Source.VIDEO_REAR, title="b",
    ...             severity=Severity.HIGH, explanation="y")
    >>> [(f.code, f.source.value) for f in merge_findings([a], [b])]
    [('pelvic_drop', 'video_rear'), ('overstride', 'video_side')]
    """
    return sorted([*side, *rear], key=lambda f: -f.severity.rank)


def cadence_check(side_spm: float, rear_spm: float) -> list[QualityIssue]:
    """The two clips' cadences should agree if they film the same run."""
    if not (np.isfinite(side_spm) and np.isfinite(rear_spm)) or side_spm <= 0:
        return []
    gap = 100 * abs(rear_spm - side_spm) / side_spm
    if gap <= CADENCE_MISMATCH_PCT:
        return []
    return [
        QualityIssue(
            code="sessions_differ",
            level="warning",
            message=(
                f"the side video's cadence ({side_spm:.0f} steps/min) and the rear video's "
                f"({rear_spm:.0f}) differ by {gap:.0f}%: they may not be the same run or pace"
            ),
        )
    ]


def combine(
    side: VideoAnalysis, rear: RearAnalysis, *, estimates: tuple[ViewEstimate, ViewEstimate]
) -> CombinedAnalysis:
    """Merge a side and a rear analysis of the same session."""
    cadence = side.metrics.metrics["cadence_spm"].value
    rear_cadence = rear.metrics.metrics["rear_cadence_spm"].value
    return CombinedAnalysis(
        side=side,
        rear=rear,
        estimates={"side": estimates[0], "rear": estimates[1]},
        findings=merge_findings(side.findings, rear.findings),
        quality=cadence_check(cadence, rear_cadence),
    )
