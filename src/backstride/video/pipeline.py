"""The side-view science in order, pure: a `PoseSequence` in, events and metrics out.

`analyze.py` wraps this with decoding, pose estimation and the files; tests, the accuracy script
and the benchmarks call this directly on cached or synthetic landmarks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from backstride.skeleton import Landmark, side_landmark
from backstride.video.clean import CleanTrajectories, clean
from backstride.video.events import FootEvents, FootSignals, detect_contacts
from backstride.video.metrics import (
    SideViewInput,
    SideViewMetrics,
    leg_length_px,
    measure_side_view,
)
from backstride.video.pose import PoseSequence
from backstride.video.track import (
    RunnerTrack,
    decide_facing,
    fix_label_swaps,
    keep_one_runner,
    near_side,
)

L = Landmark
#: The far foot is partly hidden in a side view: its events are reported with this confidence.
FAR_FOOT_CONFIDENCE = 0.6


@dataclass(frozen=True)
class SideViewResult:
    """Everything the side-view science produced from one clip."""

    pose: PoseSequence  # after label-swap correction
    track: RunnerTrack
    clean: CleanTrajectories
    facing: str
    facing_agreement: float
    near_side: str
    near_agreement: float
    events: dict[str, FootEvents]
    metrics: SideViewMetrics
    swaps_fixed: dict[str, int] = field(default_factory=dict)


def foot_signals(traj: CleanTrajectories, side: str, direction: int, leg_px: float) -> FootSignals:
    """The signals the event detector reads for one foot."""
    xy = traj.xy_px

    def lm(part: str) -> np.ndarray:
        return xy[:, side_landmark(side, part)]

    return FootSignals(
        times_s=traj.times_s,
        heel=lm("HEEL"),
        toe=lm("FOOT_INDEX"),
        hip=lm("HIP"),
        knee=lm("KNEE"),
        ankle=lm("ANKLE"),
        pelvis_x=0.5 * (xy[:, L.LEFT_HIP, 0] + xy[:, L.RIGHT_HIP, 0]),
        direction=float(direction),
        leg_px=leg_px,
    )


def run_side_view(seq: PoseSequence, *, height_cm: float | None = None) -> SideViewResult:
    """Track, clean, detect events and measure a side-view clip's landmarks."""
    track = keep_one_runner(seq)
    fixed, swaps = fix_label_swaps(seq)
    facing, facing_agree = decide_facing(fixed)
    near, near_agree = near_side(fixed)
    traj = clean(fixed.xy_px, fixed.times_s, missing=track.foreign)
    direction = 1 if facing == "right" else -1
    leg_px = leg_length_px(traj.xy_px)
    events = {
        side: detect_contacts(
            foot_signals(traj, side, direction, leg_px),
            side=side,
            confidence=1.0 if side == near else FAR_FOOT_CONFIDENCE,
        )
        for side in ("right", "left")
    }
    metrics = measure_side_view(
        SideViewInput(
            times_s=traj.times_s,
            xy_px=traj.xy_px,
            xy_unfiltered_px=traj.xy_unfiltered_px,
            events=events,
            near_side=near,
            direction=direction,
            height_cm=height_cm,
        )
    )
    return SideViewResult(
        pose=fixed,
        track=track,
        clean=traj,
        facing=facing,
        facing_agreement=facing_agree,
        near_side=near,
        near_agreement=near_agree,
        events=events,
        metrics=metrics,
        swaps_fixed=swaps,
    )
