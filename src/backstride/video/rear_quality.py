"""Is this rear-view video good enough, and what should the runner know about it? In plain words.

The same two levels as the side view (`backstride.video.quality`): ``error`` (no numbers, exit
code 2 and what to do) and ``warning`` (numbers, with what limits them). These checks are the
ones a rear view needs on top of the shared ones (frame rate, runner found, feet and head in the
frame): the wrong view, the runner too far or too close, a camera off to one side or tilted, feet
hidden behind a treadmill's frame, too few steps, and a waistband that cannot be seen.
"""

from __future__ import annotations

import numpy as np

from backstride.skeleton import Landmark
from backstride.video.camera_tilt import CameraTilt
from backstride.video.pose import PoseSequence
from backstride.video.quality import MIN_STEPS, QualityIssue
from backstride.video.rear_metrics import PelvicDrop, RearViewMetrics
from backstride.video.view import REAR_MIN_DEG, SIDE_MAX_DEG, ViewEstimate

L = Landmark

#: The runner's nose-to-ankle height as a share of the frame height.
TOO_FAR = 0.2
SMALL = 0.35
TOO_CLOSE = 0.92
#: Camera turned away from straight behind by more than this: frontal angles shrink.
OFF_AXIS_WARN_DEG = 15.0
#: Runner's pelvis further than this share of the frame width from the centre.
OFF_CENTRE_SHARE = 0.25
TILT_WARN_DEG = 3.0
FEET_VISIBLE = 0.5
MIN_WINDOWS = 4  # complete support windows needed (two strides)


def check_view(estimate: ViewEstimate, asked: str, path_name: str) -> list[QualityIssue]:
    """The view asked for must match the one the keypoints show; auto needs a clear view."""
    seen = estimate.view
    if seen is None:
        return [
            QualityIssue(
                code="view_unclear",
                level="error",
                message=(
                    f"the camera is about {estimate.angle_deg:.0f} deg from side-on, between a "
                    f"side view (up to {SIDE_MAX_DEG:.0f} deg) and a view from behind (from "
                    f"{REAR_MIN_DEG:.0f} deg): film either side-on, level with the hips, or "
                    "straight from behind"
                ),
            )
        ]
    if asked in ("auto", seen):
        return []
    fix = "--view rear" if seen == "rear" else "--view side"
    where = "from behind (or in front)" if seen == "rear" else "from the side"
    wanted = "from the side" if asked == "side" else "from behind"
    return [
        QualityIssue(
            code="wrong_view",
            level="error",
            message=(
                f"the runner is not seen {wanted}: {path_name} was given as a {asked} view but "
                f"looks filmed {where} (the camera is about {estimate.angle_deg:.0f} deg from "
                f"side-on); use {fix} or --view auto"
            ),
        )
    ]


def runner_height_share(seq: PoseSequence) -> float:
    """Median nose-to-ankle height of the runner as a share of the frame height."""
    xy = seq.xy_px
    ankles = 0.5 * (xy[:, L.LEFT_ANKLE, 1] + xy[:, L.RIGHT_ANKLE, 1])
    tall = ankles - xy[:, L.NOSE, 1]
    tall = tall[np.isfinite(tall)]
    return float(np.median(tall)) / seq.frame_size[1] if tall.size else float("nan")


def check_runner_size(share: float) -> list[QualityIssue]:
    """Too far (too few pixels across the pelvis) or too close (feet or head leave the frame)."""
    if not np.isfinite(share):
        return []
    pct = f"{100 * share:.0f}%"
    if share < TOO_FAR:
        return [
            QualityIssue(
                code="too_far",
                level="error",
                message=(
                    f"the runner fills only {pct} of the frame height: too far for the pelvis and "
                    "feet to be measured; move closer or zoom in so they fill at least half of it"
                ),
            )
        ]
    if share < SMALL:
        return [
            QualityIssue(
                code="small",
                level="warning",
                message=(
                    f"the runner fills {pct} of the frame height: angles are less precise; "
                    "move closer so they fill at least half of it"
                ),
            )
        ]
    if share > TOO_CLOSE:
        return [
            QualityIssue(
                code="too_close",
                level="warning",
                message=(
                    f"the runner fills {pct} of the frame height: the feet or head may leave the "
                    "frame; step back a little"
                ),
            )
        ]
    return []


def check_camera_position(estimate: ViewEstimate, seq: PoseSequence) -> list[QualityIssue]:
    """Camera turned away from straight behind, or the runner off to one side of the picture."""
    issues = []
    off_axis = 90.0 - estimate.angle_deg
    if np.isfinite(off_axis) and off_axis > OFF_AXIS_WARN_DEG:
        issues.append(
            QualityIssue(
                code="off_axis",
                level="warning",
                message=(
                    f"the camera is about {off_axis:.0f} deg off straight behind: sideways angles "
                    "are foreshortened; film from directly behind the runner"
                ),
            )
        )
    pelvis_x = 0.5 * (seq.xy_px[:, L.LEFT_HIP, 0] + seq.xy_px[:, L.RIGHT_HIP, 0])
    pelvis_x = pelvis_x[np.isfinite(pelvis_x)]
    if pelvis_x.size:
        shift = float(np.median(pelvis_x)) / seq.frame_size[0] - 0.5
        if abs(shift) > OFF_CENTRE_SHARE:
            where = "right" if shift > 0 else "left"
            issues.append(
                QualityIssue(
                    code="off_centre",
                    level="warning",
                    message=(
                        f"the runner is near the {where} edge of the picture: the camera sees "
                        "them slightly from the side; centre the camera behind them"
                    ),
                )
            )
    return issues


def check_tilt(tilt: CameraTilt) -> list[QualityIssue]:
    """A tilted camera (removed from the angles), or a standing tilt of pelvis or trunk."""
    if tilt.camera_roll_deg:
        return [
            QualityIssue(
                code="camera_tilted",
                level="warning",
                message=(
                    f"the camera seems tilted by about {abs(tilt.camera_roll_deg):.0f} deg (the "
                    "pelvis and trunk lean opposite ways on average); the angles were corrected "
                    "for it, but level the camera next time"
                ),
            )
        ]
    issues = []
    for what, value in (("pelvis", tilt.pelvis_offset_deg), ("trunk", tilt.trunk_offset_deg)):
        if np.isfinite(value) and abs(value) > TILT_WARN_DEG:
            side = "right" if (value > 0) == (what == "trunk") else "left"
            lower = "leans to the" if what == "trunk" else "is lower on the"
            issues.append(
                QualityIssue(
                    code=f"{what}_tilted",
                    level="warning",
                    message=(
                        f"on average the {what} {lower} {side} by about {abs(value):.0f} deg over "
                        "whole strides: a standing tilt, or a camera that is not level"
                    ),
                )
            )
    return issues


def check_feet_visible(seq: PoseSequence) -> list[QualityIssue]:
    """Feet hidden (a treadmill's frame, a low camera): the pose model marks them unseen."""
    vis = seq.visibility[:, [L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_ANKLE, L.RIGHT_ANKLE]]
    det = seq.detected
    if not det.any():
        return []
    hidden = float((vis[det].mean(axis=1) < FEET_VISIBLE).mean())
    if hidden > 0.5:
        return [
            QualityIssue(
                code="feet_hidden",
                level="error",
                message=(
                    f"the feet are hidden in {100 * hidden:.0f}% of the frames (behind the "
                    "treadmill's frame or out of sight); raise the camera to hip height so the "
                    "belt and both feet are visible"
                ),
            )
        ]
    if hidden > 0.15:
        return [
            QualityIssue(
                code="feet_partly_hidden",
                level="warning",
                message=f"the feet are hidden in {100 * hidden:.0f}% of the frames",
            )
        ]
    return []


def check_support_windows(n_windows: int) -> list[QualityIssue]:
    """Enough steps, seen from behind, for medians to mean something."""
    if n_windows < MIN_WINDOWS:
        return [
            QualityIssue(
                code="too_few_strides",
                level="error",
                message=(
                    f"only {n_windows} complete step(s) could be followed; film at least "
                    f"{MIN_STEPS} steps (about 3 seconds of running)"
                ),
            )
        ]
    if n_windows < MIN_STEPS:
        return [
            QualityIssue(
                code="few_steps",
                level="warning",
                message=(
                    f"{n_windows} steps measured; at least {MIN_STEPS} make the medians reliable"
                ),
            )
        ]
    return []


def check_pelvis_line(drop: PelvicDrop) -> list[QualityIssue]:
    """The waistband could not be followed: pelvic drop from the hip points underestimates."""
    if drop.source == "waistband":
        return []
    return [
        QualityIssue(
            code="waistband_not_seen",
            level="warning",
            message=(
                f"the waistband was clear in only {100 * drop.waistband_share:.0f}% of stance "
                "frames, so pelvic drop comes from the pose model's hip points, which "
                "underestimate it (read it as low confidence); a top tucked in or ending above "
                "contrasting shorts makes the waistband visible"
            ),
        )
    ]


def check_facing(from_front: bool) -> list[QualityIssue]:
    """A runner facing the camera is read as a mirrored rear view; say so."""
    if not from_front:
        return []
    return [
        QualityIssue(
            code="from_front",
            level="warning",
            message=(
                "the runner faces the camera: the clip is read as a mirrored rear view (the "
                "runner's right is on the image's left); from the front the arms often hide the "
                "waistband"
            ),
        )
    ]


def height_note(height_given: bool, assumed_cm: float) -> list[QualityIssue]:
    """Centimetres need the runner's height; say when it was assumed."""
    if height_given:
        return []
    return [
        QualityIssue(
            code="height_assumed",
            level="warning",
            message=(
                f"no height given: centimetres assume {assumed_cm:.0f} cm (pass --height-cm or "
                "set it on the runner)"
            ),
        )
    ]


def check_hands_seen(metrics: RearViewMetrics) -> list[QualityIssue]:
    """Arm crossing is left out when the hands were hidden at their most inward point."""
    if any(side.arm_cross_cm.n for side in metrics.sides.values()):
        return []
    return [
        QualityIssue(
            code="hands_hidden",
            level="warning",
            message=(
                "the hands were hidden at their most inward point in every stride (from behind "
                "they pass in front of the trunk), so arm crossing cannot be judged from this "
                "video; film from the front to check it"
            ),
        )
    ]
