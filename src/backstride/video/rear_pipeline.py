"""The rear-view science in order, pure: a `PoseSequence` in, support windows and metrics out.

`analyze_rear.py` wraps this with decoding, pose estimation, the waistband pass and the files;
tests and the accuracy script call `run_rear_view` directly on landmarks (with or without the
waistband tilts).

Steps: drop frames that belong to someone else (`track.keep_one_runner`), undo left/right label
swaps of the limbs (`track.fix_label_swaps`, which works in a body-centred frame and so from
behind as well as from the side), decide once whether the runner is seen from behind (their
right on the image's right) or from the front, and if from the front mirror the image x axis so
that every later step reads the clip as if filmed from behind; then clean the trajectories
(`clean.clean`), measure the leg in pixels, find the support windows (`rear_events`) and measure
(`rear_metrics`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from backstride.skeleton import Landmark, side_landmark
from backstride.video.clean import CleanTrajectories, clean
from backstride.video.pose import PoseSequence
from backstride.video.rear_events import (
    SupportWindow,
    landings,
    lowest_point_y,
    support_windows,
)
from backstride.video.rear_metrics import RearInput, RearViewMetrics, measure_rear_view
from backstride.video.track import RunnerTrack, fix_label_swaps, keep_one_runner

L = Landmark


@dataclass(frozen=True)
class RearTracking:
    """A rear-view clip's landmarks, cleaned and read as if filmed from behind.

    ``clean.xy_px`` is in that frame: when the runner faced the camera (``from_front``) the x
    axis was mirrored (``x -> width - x``); `image_xy` undoes it for drawing.
    """

    pose: PoseSequence  # after label-swap correction, in image coordinates
    track: RunnerTrack
    clean: CleanTrajectories
    from_front: bool
    front_agreement: float
    leg_px: float
    windows: list[SupportWindow]
    swaps_fixed: dict[str, int]

    def image_xy(self, xy: np.ndarray) -> np.ndarray:
        """Landmarks (..., 2) from the analysis frame back to image pixels."""
        if not self.from_front:
            return xy
        out = xy.copy()
        out[..., 0] = self.pose.frame_size[0] - out[..., 0]
        return out


@dataclass(frozen=True)
class RearViewResult:
    """Everything the rear-view science produced from one clip."""

    tracking: RearTracking
    metrics: RearViewMetrics


def seen_from_front(seq: PoseSequence) -> tuple[bool, float]:
    """Whether the runner faces the camera, and the share of frames agreeing.

    From behind, the runner's right hip is on the image's right; from the front, on the left.
    The pose model's left and right come from the whole body (face, feet, shoulders), so the
    side on which its "right hip" lies, over most of the clip, says which way the runner faces.
    """
    dx = seq.xy_px[:, L.RIGHT_HIP, 0] - seq.xy_px[:, L.LEFT_HIP, 0]
    dx = dx[np.isfinite(dx)]
    if dx.size == 0:
        return False, 0.0
    front = float(np.mean(dx < 0))
    return front > 0.5, max(front, 1 - front)


def leg_length_px(xy: np.ndarray) -> float:
    """Leg length in pixels from behind: thigh plus shank, each at its longest.

    From behind, the thigh and shank are foreshortened whenever they are not vertical in the
    sagittal plane; each passes through vertical during the stride, so the 90th percentile of
    each segment's length (both legs pooled) is its true length at that distance.
    """

    def seg(a: str, b: str) -> float:
        lengths = [
            np.linalg.norm(xy[:, side_landmark(s, a)] - xy[:, side_landmark(s, b)], axis=1)
            for s in ("left", "right")
        ]
        pooled = np.concatenate(lengths)
        pooled = pooled[np.isfinite(pooled)]
        return float(np.percentile(pooled, 90)) if pooled.size else float("nan")

    return seg("HIP", "KNEE") + seg("KNEE", "ANKLE")


def _mirrored(seq: PoseSequence) -> PoseSequence:
    xy = seq.xy_px.copy()
    xy[..., 0] = seq.frame_size[0] - xy[..., 0]
    return replace(seq, xy_px=xy)


def track_rear(seq: PoseSequence) -> RearTracking:
    """Track, orient and clean a rear-view clip and find its support windows."""
    track = keep_one_runner(seq)
    fixed, swaps = fix_label_swaps(seq)
    front, agree = seen_from_front(fixed)
    work = _mirrored(fixed) if front else fixed
    traj = clean(work.xy_px, work.times_s, missing=track.foreign)
    xy = traj.xy_px
    low = {
        "right": lowest_point_y(xy[:, L.RIGHT_HEEL, 1], xy[:, L.RIGHT_FOOT_INDEX, 1]),
        "left": lowest_point_y(xy[:, L.LEFT_HEEL, 1], xy[:, L.LEFT_FOOT_INDEX, 1]),
    }
    raw = traj.xy_unfiltered_px  # touchdown is a sharp corner: read it before the low-pass
    touch = {
        "right": lowest_point_y(raw[:, L.RIGHT_HEEL, 1], raw[:, L.RIGHT_FOOT_INDEX, 1]),
        "left": lowest_point_y(raw[:, L.LEFT_HEEL, 1], raw[:, L.LEFT_FOOT_INDEX, 1]),
    }
    leg_px = leg_length_px(xy)
    windows = support_windows(traj.times_s, low["right"], low["left"])
    return RearTracking(
        pose=fixed,
        track=track,
        clean=traj,
        from_front=front,
        front_agreement=agree,
        leg_px=leg_px,
        windows=landings(windows, traj.times_s, touch, leg_px),
        swaps_fixed=swaps,
    )


def run_rear_view(
    seq: PoseSequence,
    *,
    height_cm: float | None = None,
    pelvis_tilt_deg: np.ndarray | None = None,
    wrist_visibility: dict[str, np.ndarray] | None = None,
) -> RearViewResult:
    """Track, clean, find support windows and measure a rear-view clip's landmarks.

    ``pelvis_tilt_deg`` is the waistband's tilt per frame of the cleaned grid, in the image
    (`backstride.video.pelvis_line`, measured by `analyze_rear`); without it the pelvis line is
    the hip keypoints', which underestimates the drop (stated in the result).
    ``wrist_visibility`` (side -> per grid frame) lets arm crossing leave out hidden hands.
    """
    tracking = track_rear(seq)
    inp = rear_input(tracking, height_cm, pelvis_tilt_deg, wrist_visibility)
    metrics = measure_rear_view(inp)
    return RearViewResult(tracking=tracking, metrics=metrics)


def rear_input(
    tracking: RearTracking,
    height_cm: float | None,
    pelvis_tilt_deg: np.ndarray | None,
    wrist_visibility: dict[str, np.ndarray] | None = None,
) -> RearInput:
    """What `measure_rear_view` needs, from a tracked clip and the waistband tilts.

    Waistband tilts are measured in the image; for a clip seen from the front they are mirrored
    like the landmarks (a mirrored line's tilt changes sign).
    """
    tilt = None
    if pelvis_tilt_deg is not None:
        tilt = -pelvis_tilt_deg if tracking.from_front else pelvis_tilt_deg
    return RearInput(
        times_s=tracking.clean.times_s,
        xy_px=tracking.clean.xy_px,
        windows=tracking.windows,
        leg_px=tracking.leg_px,
        height_cm=height_cm,
        waistband_tilt_deg=tilt,
        wrist_visibility=wrist_visibility,
    )
