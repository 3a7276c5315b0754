"""A pose backend that replays landmarks already estimated, so a clip is never run through the
pose model twice.

`--view auto` needs the landmarks to decide the view before the side-view analysis
(`analyze.analyze_video`) runs; that function takes a `PoseBackend`, so it is handed this one,
which answers each frame from the stored `PoseSequence` instead of running BlazePose again.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from backstride.video.pose import PoseResult, PoseSequence

#: Frames are matched by time; a decoded frame further than this from every stored one is new.
MATCH_S = 1e-3


class ReplayPose:
    """`PoseBackend` over a stored `PoseSequence` (same video, decoded again).

    Coordinates are scaled to the size of the image it is given, as a live backend's would be.

    Examples
    --------
    >>> xy = np.full((2, 33, 2), 10.0)
    >>> seq = PoseSequence(xy, np.ones((2, 33)), np.zeros((2, 33)), np.array([0.0, 0.5]),
    ...                    (100, 50), "model")
    >>> replay = ReplayPose(seq)
    >>> replay.detect(np.zeros((25, 50, 3), np.uint8), 0.5).xy_px[0].tolist()
    [5.0, 5.0]
    """

    #: Answers from stored landmarks, not from pixels: `estimate.estimate_pose` never mirrors
    #: the frames for it, and the result keeps the stored sequence's orientation flag.
    replays = True

    def __init__(self, seq: PoseSequence) -> None:
        self._seq = seq
        self.name = seq.backend
        self.mirrored = seq.mirrored

    @property
    def sequence(self) -> PoseSequence:
        """The stored landmarks (what a pass over the clip's frames would return)."""
        return self._seq

    def detect(self, image: NDArray[np.uint8], time_s: float) -> PoseResult | None:
        """The stored landmarks of the frame at ``time_s``, or None where none were found."""
        seq = self._seq
        k = int(np.argmin(np.abs(seq.times_s - time_s)))
        if abs(float(seq.times_s[k]) - time_s) > MATCH_S or not seq.detected[k]:
            return None
        scale = image.shape[1] / seq.frame_size[0]
        return PoseResult(
            xy_px=seq.xy_px[k] * scale, visibility=seq.visibility[k], depth=seq.depth[k] * scale
        )

    def reset(self) -> None:
        """Nothing to reset: the landmarks are fixed."""

    def close(self) -> None:
        """Nothing to release."""
