"""Is this video good enough, and what should the runner know about it? In plain words.

Each check returns issues at one of two levels: ``error`` (we refuse to give numbers; the CLI
exits with code 2 and says what to do) or ``warning`` (numbers are given, with what limits them).
Nothing here changes a metric; it only judges whether the metrics can be trusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from backstride.errors import InputError
from backstride.skeleton import Landmark
from backstride.video.pose import PoseSequence

L = Landmark
Level = Literal["error", "warning"]

MIN_FPS = 25.0  # below this, contact timing is impossible to read
GOOD_FPS = 50.0  # below this, contact metrics are low-confidence
MIN_STEPS = 8  # ask for at least this many steps
MIN_CONTACTS = 3  # fewer complete near-foot contacts and we refuse
CADENCE_RANGE_SPM = (100.0, 240.0)
SIDE_ON_WARN_DEG = 20.0
SIDE_ON_MAX_DEG = 45.0  # 2D sagittal angles hold to about 45 deg off perpendicular
#: Shoulder joint width / trunk length for a body seen square-on (Winter: 0.22 H / 0.288 H).
SHOULDER_TO_TRUNK = 0.22 / 0.288


class QualityIssue(BaseModel):
    """One thing about the video the runner should know."""

    model_config = ConfigDict(frozen=True)

    code: str
    level: Level
    message: str


class VideoQualityError(InputError):
    """The video cannot give trustworthy metrics (the message says why and what to do)."""


def camera_angle_deg(seq: PoseSequence) -> float:
    """How far the camera is from side-on: 0 = perpendicular to the running direction, 90 =
    straight behind or in front.

    In a side view the two shoulders (and hips) overlap; as the camera turns, their image
    separation grows like the sine of the angle. The ratio of shoulder separation to trunk length,
    over the ratio for a body seen square-on, is that sine (median over frames, so arm swing and
    trunk rotation average out).
    """
    xy = seq.xy_px
    sh = np.linalg.norm(xy[:, L.LEFT_SHOULDER] - xy[:, L.RIGHT_SHOULDER], axis=1)
    hips = np.linalg.norm(xy[:, L.LEFT_HIP] - xy[:, L.RIGHT_HIP], axis=1)
    mid_sh = 0.5 * (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER])
    mid_hip = 0.5 * (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP])
    trunk = np.linalg.norm(mid_sh - mid_hip, axis=1)
    # hips: joint width / trunk length = 0.10 H / 0.288 H
    ratios = np.concatenate([sh / trunk / SHOULDER_TO_TRUNK, hips / trunk / (0.10 / 0.288)])
    ratios = ratios[np.isfinite(ratios)]
    if ratios.size == 0:
        return float("nan")
    return float(np.degrees(np.arcsin(np.clip(np.median(ratios), 0.0, 1.0))))


def out_of_frame_share(
    seq: PoseSequence, landmarks: Sequence[int], margin_px: float = 2.0
) -> float:
    """Share of detected frames in which any of ``landmarks`` lies outside the frame."""
    w, h = seq.frame_size
    xy = seq.xy_px[:, landmarks]
    det = seq.detected
    if not det.any():
        return 0.0
    outside = (
        (xy[..., 0] < -margin_px)
        | (xy[..., 0] > w + margin_px)
        | (xy[..., 1] < -margin_px)
        | (xy[..., 1] > h + margin_px)
    ).any(axis=1)
    return float(outside[det].mean())


def check_frame_rate(fps: float) -> list[QualityIssue]:
    """Contact timing needs frames: refuse below 25 fps, warn below 50 fps."""
    if fps < MIN_FPS:
        return [
            QualityIssue(
                code="fps_too_low",
                level="error",
                message=(
                    f"the video has {fps:.0f} frames per second; running steps last a quarter of "
                    "a second, "
                    "so at least 25 (better 60 or more, or slow motion) are needed"
                ),
            )
        ]
    if fps < GOOD_FPS:
        return [
            QualityIssue(
                code="fps_low",
                level="warning",
                message=(
                    f"{fps:.0f} frames per second: contact and flight times are approximate (one "
                    "frame is "
                    f"{1000 / fps:.0f} ms); film at 60 fps or more, or in slow motion"
                ),
            )
        ]
    return []


def check_detection(seq: PoseSequence) -> list[QualityIssue]:
    """The runner must be found in most frames."""
    rate = float(seq.detected.mean()) if seq.detected.size else 0.0
    if rate < 0.5:
        return [
            QualityIssue(
                code="runner_not_found",
                level="error",
                message=(
                    f"no runner was found in {100 * (1 - rate):.0f}% of the frames; film the "
                    "whole body, "
                    "in good light, with the runner filling at least a third of the frame height"
                ),
            )
        ]
    if rate < 0.9:
        return [
            QualityIssue(
                code="runner_lost",
                level="warning",
                message=(f"the runner was not found in {100 * (1 - rate):.0f}% of the frames"),
            )
        ]
    return []


def check_framing(seq: PoseSequence) -> list[QualityIssue]:
    """Feet and head should stay in the frame."""
    feet = [L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX]
    share_feet = out_of_frame_share(seq, feet)
    share_head = out_of_frame_share(seq, [L.NOSE])
    if share_feet > 0.5:
        return [
            QualityIssue(
                code="feet_out_of_frame",
                level="error",
                message=(
                    f"the feet are outside the frame in {100 * share_feet:.0f}% of the frames; "
                    "foot "
                    "strikes cannot be seen. Film the whole body, feet included"
                ),
            )
        ]
    issues = []
    if share_feet > 0.1:
        issues.append(
            QualityIssue(
                code="feet_partly_out",
                level="warning",
                message=(f"the feet leave the frame in {100 * share_feet:.0f}% of the frames"),
            )
        )
    if share_head > 0.1:
        issues.append(
            QualityIssue(
                code="head_out",
                level="warning",
                message=(f"the head is outside the frame in {100 * share_head:.0f}% of the frames"),
            )
        )
    return issues


def check_side_on(angle_deg: float) -> list[QualityIssue]:
    """Sagittal angles need a camera roughly perpendicular to the running direction."""
    if angle_deg != angle_deg:
        return []
    if angle_deg > SIDE_ON_MAX_DEG:
        return [
            QualityIssue(
                code="not_side_on",
                level="error",
                message=(
                    f"the runner is not seen from the side (the camera is about {angle_deg:.0f} "
                    "deg from "
                    "side-on); film from the side, level with the hips, or use --view rear for a "
                    "video "
                    "from behind"
                ),
            )
        ]
    if angle_deg > SIDE_ON_WARN_DEG:
        return [
            QualityIssue(
                code="oblique",
                level="warning",
                message=(
                    f"the camera is about {angle_deg:.0f} deg from side-on: angles are less "
                    "accurate; "
                    "film perpendicular to the running direction"
                ),
            )
        ]
    return []


def check_steps(n_steps: int, n_contacts: int) -> list[QualityIssue]:
    """Enough steps for medians to mean something."""
    if n_contacts < MIN_CONTACTS:
        return [
            QualityIssue(
                code="too_few_strides",
                level="error",
                message=(
                    f"only {n_steps} step(s) could be measured; film at least {MIN_STEPS} steps "
                    "(about 3 seconds of running)"
                ),
            )
        ]
    if n_steps < MIN_STEPS:
        return [
            QualityIssue(
                code="few_steps",
                level="warning",
                message=(
                    f"{n_steps} steps measured; at least {MIN_STEPS} make the medians reliable"
                ),
            )
        ]
    return []


def check_cadence(cadence_spm: float, container_fps: float) -> list[QualityIssue]:
    """A cadence outside running's range usually means a slow-motion file read at face value."""
    lo, hi = CADENCE_RANGE_SPM
    if cadence_spm != cadence_spm or lo <= cadence_spm <= hi:
        return []
    hint = ""
    if cadence_spm < lo:
        guess = container_fps * 180.0 / max(cadence_spm, 1.0)
        hint = (
            f" If this is a slow-motion video, give its capture rate, e.g. --capture-fps "
            f"{_nearest_rate(guess)}."
        )
    return [
        QualityIssue(
            code="cadence_implausible",
            level="error",
            message=(
                f"the cadence comes out at {cadence_spm:.0f} steps/min, which is not running "
                f"(expected {lo:.0f}-{hi:.0f}).{hint}"
            ),
        )
    ]


def _nearest_rate(fps: float) -> int:
    rates = (60, 120, 240, 480)
    return min(rates, key=lambda r: abs(r - fps))


def check_other_people(foreign_share: float) -> list[QualityIssue]:
    """Another person taken for the runner in some frames."""
    if foreign_share > 0.05:
        return [
            QualityIssue(
                code="other_person",
                level="warning",
                message=(
                    f"someone else came into view: {100 * foreign_share:.0f}% of the frames were "
                    "left out"
                ),
            )
        ]
    return []


def raise_for_errors(issues: list[QualityIssue], path: str) -> None:
    """Raise `VideoQualityError` with the first error, if any."""
    for issue in issues:
        if issue.level == "error":
            raise VideoQualityError(issue.message, path=path)
