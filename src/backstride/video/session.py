"""Analyse a clip whatever its view, or a side and a rear clip of one session together.

The pose model runs once per clip, and the waistband is read in the same pass
(`pelvis_line.WaistbandRecorder`): the landmarks decide the view (`view.estimate_view`), then go
to the side-view analysis (`analyze.analyze_video`, through a `ReplayPose` backend so nothing is
estimated twice) or to the rear-view analysis (`analyze_rear.analyze_rear`). A view asked for
that the keypoints contradict is refused with what the video looks like.

A side-view runner facing left is estimated on mirrored frames (BlazePose's toe-off landmarks are
better facing right, see `estimate.estimate_pose`): the view is judged on the first second of
landmarks, and only a clip that already looks side-on is mirrored. If the whole clip then turns
out not to be a side view, or a left-facing side view was not mirrored, the pose model runs a
second time (rare: a clip that changes view, or a first second too short for a stride).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from backstride.errors import InputError
from backstride.video.analyze import (
    AnalyzeOptions,
    Progress,
    VideoAnalysis,
    _noop,
    analyze_video,
)
from backstride.video.analyze_rear import RearAnalysis, analyze_rear
from backstride.video.combined import CombinedAnalysis, combine
from backstride.video.decode import VideoInfo, probe
from backstride.video.estimate import FACING_FRAMES, _faces_left, estimate_pose, pose_workers
from backstride.video.pelvis_line import WaistbandRecorder
from backstride.video.pose import MediaPipePose, PoseBackend, PoseSequence
from backstride.video.quality import check_detection, check_frame_rate, raise_for_errors
from backstride.video.rear_quality import check_view
from backstride.video.replay import ReplayPose
from backstride.video.view import ViewEstimate, estimate_view

AskedView = Literal["auto", "side", "rear"]


@dataclass(frozen=True)
class Looked:
    """A clip after the pose pass: what it is, its landmarks, the waistband's tilt per frame
    (NaN where not clear) and the view they show."""

    info: VideoInfo
    pose: PoseSequence
    waistband_deg: np.ndarray
    estimate: ViewEstimate


@dataclass(frozen=True)
class ClipResult:
    """One analysed clip and the view estimate that chose its analysis."""

    analysis: VideoAnalysis | RearAnalysis
    estimate: ViewEstimate


def look(
    path: Path,
    options: AnalyzeOptions,
    *,
    view: AskedView = "auto",
    backend: PoseBackend | None = None,
    progress: Progress = _noop,
) -> Looked:
    """Decode, find the runner and decide the view; refuse a view the keypoints contradict."""
    info = probe(path, capture_fps=options.capture_fps)
    raise_for_errors(check_frame_rate(info.capture_fps), str(path))
    owned = [MediaPipePose() for _ in range(pose_workers())] if backend is None else []
    models: list[PoseBackend] = [backend] if backend is not None else list(owned)
    try:
        recorders = [WaistbandRecorder(b) for b in models]  # one per worker thread
        seq = estimate_pose(
            info,
            recorders,
            progress=lambda d, t: progress("pose", d, t),
            face_right=view != "rear",
            mirror_if=None if view == "side" else _looks_side_on,
        )
        if seq.mirrored and estimate_view(seq).view != "side":  # the first second misled us
            for model in models:
                model.reset()
            recorders = [WaistbandRecorder(b) for b in models]
            seq = estimate_pose(info, recorders, progress=lambda d, t: progress("pose", d, t))
    finally:
        for model in owned:
            model.close()
    raise_for_errors(check_detection(seq), str(path))
    estimate = estimate_view(seq)
    raise_for_errors(check_view(estimate, view, path.name), str(path))
    waistband = np.fmax.reduce([r.tilts(seq.times_s) for r in recorders])  # each saw some frames
    return Looked(info=info, pose=seq, waistband_deg=waistband, estimate=estimate)


def _looks_side_on(first: PoseSequence) -> bool:
    """Whether the first landmarks of a clip already show a side view (mirror it, then)."""
    return estimate_view(first).view == "side"


def replay_keeps_orientation(seq: PoseSequence) -> bool:
    """Whether the side-view analysis can use these landmarks as they are: a runner facing left
    must have been estimated on mirrored frames (`estimate.estimate_pose` with ``face_right``,
    where BlazePose's toe-off landmarks are better). The same decision as there, on the first
    detected frames.
    """
    if seq.mirrored:
        return True
    rows = [(seq.xy_px[i], seq.visibility[i], seq.depth[i]) for i in range(seq.times_s.size)]
    return all(
        _faces_left(rows[:n]) is False for n in (FACING_FRAMES, 2 * FACING_FRAMES, len(rows))
    )


def finish(looked: Looked, options: AnalyzeOptions, *, progress: Progress = _noop) -> ClipResult:
    """Run the analysis of the view the clip shows."""
    if looked.estimate.view == "side":
        side_options = options.model_copy(update={"view": "side"})
        if not replay_keeps_orientation(looked.pose):  # facing left: estimated again, mirrored
            side = analyze_video(looked.info.path, side_options, progress=progress)
            return ClipResult(analysis=side, estimate=looked.estimate)

        def quiet_pose(stage: str, done: int, total: int) -> None:
            if stage != "pose":  # the landmarks are replayed, not estimated again
                progress(stage, done, total)

        side = analyze_video(
            looked.info.path, side_options, backend=ReplayPose(looked.pose), progress=quiet_pose
        )
        return ClipResult(analysis=side, estimate=looked.estimate)
    rear = analyze_rear(
        looked.info,
        looked.pose,
        looked.waistband_deg,
        looked.estimate,
        options.model_copy(update={"view": "rear"}),
        progress=progress,
    )
    return ClipResult(analysis=rear, estimate=looked.estimate)


def analyze_clip(
    path: Path,
    options: AnalyzeOptions,
    *,
    view: AskedView = "auto",
    backend: PoseBackend | None = None,
    progress: Progress = _noop,
) -> ClipResult:
    """Analyse one clip as the view it shows (``view="auto"``) or as asked, if it agrees."""
    looked = look(path, options, view=view, backend=backend, progress=progress)
    return finish(looked, options, progress=progress)


def analyze_pair(
    paths: tuple[Path, Path],
    options: AnalyzeOptions,
    *,
    backend: PoseBackend | None = None,
    progress: Progress = _noop,
) -> CombinedAnalysis:
    """One side and one rear clip of the same session, in either order, as one assessment.

    Each clip's files go to ``<out>/side`` and ``<out>/rear``.
    """
    looked = [look(p, options, backend=backend, progress=progress) for p in paths]
    views = [x.estimate.view for x in looked]
    if sorted(v or "" for v in views) != ["rear", "side"]:
        a, b = (f"{p.name} looks filmed {_where(v)}" for p, v in zip(paths, views, strict=True))
        raise InputError(f"give one side-view and one rear-view video: {a}, {b}")
    results = {}
    for x in looked:
        view = x.estimate.view or "side"
        out = options.model_copy(update={"out_dir": options.out_dir / view})
        results[view] = finish(x, out, progress=progress)
    side, rear = results["side"].analysis, results["rear"].analysis
    assert isinstance(side, VideoAnalysis) and isinstance(rear, RearAnalysis)
    return combine(side, rear, estimates=(results["side"].estimate, results["rear"].estimate))


def _where(view: str | None) -> str:
    return {"side": "from the side", "rear": "from behind"}.get(view or "", "at an angle")
