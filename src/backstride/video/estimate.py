"""Run a pose backend over every frame of a video, with progress, into a `PoseSequence`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from backstride.video.decode import VideoInfo, iter_frames
from backstride.video.pose import PoseBackend, PoseSequence

#: Frames are scaled down to this height before pose estimation: BlazePose works on a 256 px
#: crop, so larger frames only cost decoding and copying time.
POSE_MAX_HEIGHT = 720


def estimate_pose(
    info: VideoInfo,
    backend: PoseBackend,
    *,
    progress: Callable[[int, int], None] | None = None,
    max_height: int = POSE_MAX_HEIGHT,
) -> PoseSequence:
    """Landmarks of the most prominent person in every frame, in displayed full-size pixels."""
    times: list[float] = []
    rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    nan = np.full((33, 2), np.nan)
    total = max(info.frames, 1)
    for frame in iter_frames(info, max_height=max_height):
        h, w = frame.image.shape[:2]
        sx, sy = info.width / w, info.height / h
        result = backend.detect(frame.image, frame.time_s)
        times.append(frame.time_s)
        if result is None:
            rows.append((nan, np.zeros(33), np.full(33, np.nan)))
        else:
            xy = result.xy_px * np.array([sx, sy])
            rows.append((xy, result.visibility, result.depth * sx))
        if progress is not None:
            progress(len(times), total)
    t = np.asarray(times)
    if not rows:
        return PoseSequence.empty(t, (info.width, info.height), backend.name)
    return PoseSequence(
        xy_px=np.stack([r[0] for r in rows]),
        visibility=np.stack([r[1] for r in rows]),
        depth=np.stack([r[2] for r in rows]),
        times_s=t,
        frame_size=(info.width, info.height),
        backend=backend.name,
    )
