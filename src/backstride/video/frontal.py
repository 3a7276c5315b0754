"""Rear-view (frontal-plane) running metrics: pelvic drop, lateral trunk lean, foot placement,
arm crossing, frontal knee angle, and the uncertainty and category of an angle.

Every function is pure: landmark or edge coordinates in, numbers with units out. Image
coordinates from behind the runner: x to the right of the image is the runner's right, y grows
downwards. Angles are measured in the image, which is the frontal projection when the camera is
level and straight behind the runner (`backstride.video.rear_quality` estimates how far it is
from that and corrects a tilted camera).

Definitions and sources (reference/gait.md):

=========================  ======================================================================
contralateral pelvic drop  tilt of the pelvis line from horizontal at mid-stance, + when the
                           swing-side end is lower (2D CPD tracks 3D CPD: Dingenen et al. 2018;
                           pose "hips" are joint centres, not the iliac crests, so the pelvis
                           line is read from the waistband where it can be seen)
trunk lateral lean         mid-hip -> mid-shoulder from vertical at mid-stance, + towards the
                           stance side (an ipsilateral lean unloads weak hip abductors: Powers
                           2010)
step width                 lateral distance between the feet at successive foot strikes, each
                           from the body midline, + apart, - crossed over (Meardon et al. 2012;
                           Brindle et al. 2014)
arm crossing               the wrist's furthest reach past the body midline (mid-hip ->
                           mid-shoulder line) in each stride, + across (seed 002: crossing arm
                           swing adds trunk rotation)
frontal knee angle         180 deg - hip-knee-ankle angle in the image at mid-stance, + when the
                           knee lies medial of the hip-ankle line (a valgus *proxy*: 2D knee
                           valgus did not track 3D knee abduction in running, Dingenen 2018)
=========================  ======================================================================

What a rear view cannot measure: anything along the running direction (overstride, shank and
trunk forward lean, contact time with side-view precision), true pelvic tilt or lordosis, and
rotation of the pelvis or trunk about the vertical axis.

References
----------
Dingenen B., Staes F.F., Santermans L. et al. Are two-dimensional measured frontal plane angles
related to three-dimensional measured kinematic profiles during running? Phys Ther Sport
2018;29:84-92. doi:10.1016/j.ptsp.2017.02.001
Hensley C.P. et al. Reliability and validity of 2-dimensional video analysis for a running task:
a systematic review. Phys Ther Sport 2022;58:16-33 (categories more useful than exact angles).
Bramah C., Preece S.J., Gill N., Herrington L. Is there a pathological gait associated with
common soft tissue running injuries? Am J Sports Med 2018;46(12):3023-3031.
doi:10.1177/0363546518793657
Powers C.M. The influence of abnormal hip mechanics on knee injury: a biomechanical perspective.
J Orthop Sports Phys Ther 2010;40(2):42-51. doi:10.2519/jospt.2010.3337
Meardon S.A., Campbell S., Derrick T.R. Step width alters iliotibial band strain during running.
Sports Biomech 2012;11(4):464-472. doi:10.1080/14763141.2012.699547
Brindle R.A., Milner C.E., Zhang S., Fitzhugh E.C. Changing step width alters lower extremity
biomechanics during running. Gait Posture 2014;39(1):124-128.
doi:10.1016/j.gaitpost.2013.06.010
"""

from __future__ import annotations

import itertools
from typing import Literal

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
Side = Literal["left", "right"]
Category = Literal["within usual range", "increased", "marked"]

#: A median's standard error is about 1.25 times the mean's (normal data).
MEDIAN_SE_FACTOR = 1.2533


def side_sign(side: str) -> float:
    """+1 for the right side, -1 for the left: the runner's right is the image's right from
    behind."""
    return 1.0 if side == "right" else -1.0


def line_tilt_deg(left_xy: Array, right_xy: Array) -> Array:
    """Tilt of the line from a left point to a right point, + when the right end is higher.

    Examples
    --------
    >>> line_tilt_deg(np.array([[0.0, 10.0]]), np.array([[10.0, 0.0]]))
    array([45.])
    """
    dx = right_xy[..., 0] - left_xy[..., 0]
    rise = left_xy[..., 1] - right_xy[..., 1]  # image y grows downwards
    return np.degrees(np.arctan2(rise, np.abs(dx)))


def contralateral_drop_deg(tilt_deg: Array | float, stance_side: str) -> Array:
    """Contralateral pelvic drop from the pelvis line's tilt at one foot's mid-stance.

    With the right foot on the ground the left (swing) side should not sink: a line whose right
    end is higher means the left side dropped, so the drop is ``+tilt``; for a left stance it is
    ``-tilt``.

    Examples
    --------
    >>> float(contralateral_drop_deg(6.0, "right")), float(contralateral_drop_deg(6.0, "left"))
    (6.0, -6.0)
    """
    return side_sign(stance_side) * np.asarray(tilt_deg, dtype=float)


def angle_from_vertical_deg(lower: Array, upper: Array) -> Array:
    """Angle of the line lower -> upper from the image vertical, + when ``upper`` is to the right.

    Examples
    --------
    >>> angle_from_vertical_deg(np.array([[0.0, 100.0]]), np.array([[0.0, 0.0]]))
    array([0.])
    """
    dx = upper[..., 0] - lower[..., 0]
    dy = lower[..., 1] - upper[..., 1]
    return np.degrees(np.arctan2(dx, dy))


def lateral_lean_deg(mid_hip: Array, mid_shoulder: Array, stance_side: str) -> Array:
    """Trunk lateral lean at a foot's mid-stance, + towards the stance side (degrees)."""
    return side_sign(stance_side) * angle_from_vertical_deg(mid_hip, mid_shoulder)


def knee_frontal_deg(hip: Array, knee: Array, ankle: Array, side: str) -> Array:
    """Frontal-plane knee angle: 180 - hip-knee-ankle angle, + when the knee is medial.

    From behind, the medial side of the right leg is towards the image left. The sign says where
    the knee lies relative to the straight line from hip to ankle.

    Examples
    --------
    >>> hip, ankle = np.array([[100.0, 0.0]]), np.array([[100.0, 200.0]])
    >>> round(float(knee_frontal_deg(hip, np.array([[90.0, 100.0]]), ankle, "right")[0]), 1)
    11.4
    """
    u, v = hip - knee, ankle - knee
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    bend = 180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
    frac = (knee[..., 1] - hip[..., 1]) / (ankle[..., 1] - hip[..., 1])
    on_line_x = hip[..., 0] + frac * (ankle[..., 0] - hip[..., 0])
    medial = side_sign(side) * (on_line_x - knee[..., 0]) > 0
    return np.where(medial, bend, -bend)


def midline_x_at(y: Array, mid_hip: Array, mid_shoulder: Array) -> Array:
    """x of the body midline (the line through mid-hip and mid-shoulder) at image height y."""
    frac = (y - mid_hip[..., 1]) / (mid_shoulder[..., 1] - mid_hip[..., 1])
    return mid_hip[..., 0] + frac * (mid_shoulder[..., 0] - mid_hip[..., 0])


def past_midline_px(x: Array, midline_x: Array, side: str) -> Array:
    """How far a point of one side lies across the midline, pixels: + crossed, - on its side.

    Examples
    --------
    >>> past_midline_px(np.array([95.0]), np.array([100.0]), "right")
    array([5.])
    """
    return side_sign(side) * (midline_x - x)


def step_widths(
    strikes: list[tuple[float, str, float]],
) -> list[tuple[str, float]]:
    """Step widths from time-sorted strikes ``(time, side, offset)``.

    ``offset`` is the foot's distance from the body midline at its strike, + on its own side. A
    step is a strike followed by a strike of the other foot; its width is the sum of the two
    offsets (negative when the feet cross over). Returns (side ending the step, width).

    Examples
    --------
    >>> step_widths([(0.0, "right", 4.0), (0.3, "left", 3.0), (0.6, "right", -1.0)])
    [('left', 7.0), ('right', 2.0)]
    """
    out = []
    ordered = sorted(strikes)
    for (_, s0, o0), (_, s1, o1) in itertools.pairwise(ordered):
        if s0 != s1:
            out.append((s1, o0 + o1))
    return out


def median_uncertainty(values: Array, method_sd: float) -> float:
    """Uncertainty (one standard deviation) of a median of per-stance values.

    The random part is the standard error of the median, 1.25 s / sqrt(n); ``method_sd`` is the
    systematic error of the measurement method (from the synthetic validation, docs/accuracy.md).

    Examples
    --------
    >>> round(median_uncertainty(np.array([4.0, 6.0, 5.0, 5.0]), 1.0), 2)
    1.12
    """
    v = values[np.isfinite(values)]
    if v.size < 2:
        return float("nan") if v.size == 0 else float(method_sd)
    random = MEDIAN_SE_FACTOR * float(np.std(v, ddof=1)) / np.sqrt(v.size)
    return float(np.hypot(random, method_sd))


def category(value: float, increased: float, marked: float) -> Category | None:
    """'within usual range' / 'increased' / 'marked' by two edges; None for NaN.

    Examples
    --------
    >>> category(3.0, 5.0, 8.0), category(6.0, 5.0, 8.0), category(9.0, 5.0, 8.0)
    ('within usual range', 'increased', 'marked')
    """
    if not np.isfinite(value):
        return None
    if value >= marked:
        return "marked"
    if value >= increased:
        return "increased"
    return "within usual range"


def borderline(value: float, uncertainty: float, edges: tuple[float, ...]) -> bool:
    """True when ``value +- uncertainty`` straddles one of the category edges."""
    if not (np.isfinite(value) and np.isfinite(uncertainty)):
        return False
    return any(value - uncertainty < e <= value + uncertainty for e in edges)


def moving_midline_x(times: Array, mid_hip_x: Array, stride_s: float) -> Array:
    """The body midline's x averaged over one stride (removes the pelvis's sway to the stance
    side, keeps slow drifts of a hand-held camera)."""
    dt = float(np.median(np.diff(times)))
    n = max(1, round(stride_s / dt))
    ok = np.isfinite(mid_hip_x)
    x = np.interp(times, times[ok], mid_hip_x[ok]) if ok.any() else mid_hip_x
    kernel = np.ones(n) / n
    padded = np.pad(x, (n // 2, n - 1 - n // 2), mode="edge")
    return np.convolve(padded, kernel, mode="valid")
