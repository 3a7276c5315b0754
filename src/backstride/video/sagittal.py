"""Side-view running metrics: timing, foot placement, angles, oscillation, asymmetry.

Every function is pure: cleaned landmark arrays and event times in, numbers with units out.
Image coordinates: x to the right, y down; ``direction`` is +1 when the runner faces right and -1
when they face left, so "forward" is ``direction * x`` and "up" is ``-y``. Angles are from the 2D
image (a sagittal projection); the camera must be roughly perpendicular to the running direction
(valid down to about 45 deg, Puig-Divi et al. 2019).

Definitions and sources (reference/gait.md):

==========================  =====================================================================
cadence                     steps per minute = 60 / step time; a step is a strike to the next
                            strike of the other foot
ground contact time (GCT)   strike to toe-off of the same foot
flight time                 toe-off to the next strike of the other foot
duty factor                 GCT / stride time
overstride                  horizontal heel-to-pelvis-centre distance at initial contact, in %
                            of leg length (hip to ankle) and in cm (Souza 2016, after Wille 2014)
shank angle at contact      knee->ankle from vertical, + when the ankle is ahead of the knee
foot inclination            heel->toe vs horizontal at contact, + toe up (strike pattern after
                            Altman & Davis 2012: > 8 deg heel, < -1.6 deg forefoot)
knee flexion at contact     180 deg - hip-knee-ankle angle
trunk lean                  mid-hip->mid-shoulder vs vertical at mid-stance, + forward (Teng &
                            Powers 2014: 3.6 vs 10.8 deg shift work from knee to hip)
whole-body lean             stance ankle->mid-shoulder vs vertical at mid-stance
trunk-to-leg angle          trunk lean minus the lean of the stance leg (ankle->hip): near zero
                            when leaning from the ankles, positive when bending at the waist
vertical oscillation        pelvis centre peak-to-peak height per step; vertical ratio = VO /
                            step length
symmetry index              100 * (right - left) / mean(right, left) (Robinson et al. 1987)
==========================  =====================================================================

References
----------
Souza R.B. An evidence-based videotaped running biomechanics analysis. Phys Med Rehabil Clin N
Am 2016;27(1):217-236. doi:10.1016/j.pmr.2015.08.006
Wille C.M. et al. Ability of sagittal kinematic variables to estimate ground reaction forces and
joint kinetics in running. J Orthop Sports Phys Ther 2014;44(10):825-830.
Altman A.R., Davis I.S. A kinematic method for footstrike pattern detection in barefoot and
shod runners. Gait Posture 2012;35(2):298-300. doi:10.1016/j.gaitpost.2011.09.104
Teng H.L., Powers C.M. Sagittal plane trunk posture influences patellofemoral joint stress
during running. J Orthop Sports Phys Ther 2014;44(10):785-792. doi:10.2519/jospt.2014.5249
Robinson R.O., Herzog W., Nigg B.M. Use of force platform variables to quantify the effects of
chiropractic manipulation on gait symmetry. J Manipulative Physiol Ther 1987;10(4):172-176.
Puig-Divi A. et al. Validity and reliability of the Kinovea program in obtaining angles and
distances using coordinates in 4 perspectives. PLoS One 2019;14(6):e0216448.
Winter D.A. Biomechanics and Motor Control of Human Movement, 4th ed. 2009 (segment lengths).
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]

#: Hip-to-ankle length as a fraction of standing height (thigh 0.245 + shank 0.246, Winter 2009).
LEG_FRACTION_OF_HEIGHT = 0.491
#: Foot strike pattern bounds on foot inclination at contact (Altman & Davis 2012).
HEEL_STRIKE_DEG = 8.0
FOREFOOT_STRIKE_DEG = -1.6


def interp_at(times: Array, values: Array, at: Array) -> Array:
    """Values (N, ...) linearly interpolated at times ``at`` (M,) -> (M, ...)."""
    flat = values.reshape(len(times), -1)
    out = np.stack([np.interp(at, times, flat[:, j]) for j in range(flat.shape[1])], axis=-1)
    return out.reshape((len(at), *values.shape[1:]))


def angle_from_vertical_deg(lower: Array, upper: Array, direction: float) -> Array:
    """Angle of the line lower->upper from vertical, + when upper is forward of lower.

    Examples
    --------
    >>> angle_from_vertical_deg(np.array([[0.0, 100.0]]), np.array([[10.0, 0.0]]), 1.0)
    array([5.71059314])
    """
    dx = direction * (upper[..., 0] - lower[..., 0])
    dy = lower[..., 1] - upper[..., 1]  # image y grows downwards
    return np.degrees(np.arctan2(dx, dy))


def inner_angle_deg(a: Array, b: Array, c: Array) -> Array:
    """The angle a-b-c at b, degrees."""
    u, v = a - b, c - b
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def segment_length_px(a: Array, b: Array) -> float:
    """Median length of a segment over frames, pixels (robust to a few bad frames)."""
    return float(np.nanmedian(np.linalg.norm(a - b, axis=-1)))


def px_per_m_from_height(leg_px: float, height_cm: float) -> float:
    """Pixels per metre from the runner's height and their measured leg length in pixels.

    Leg length (hip to ankle) is taken as 0.491 of standing height (Winter 2009); people differ
    by a few percent, which is the scale's uncertainty.
    """
    return leg_px / (LEG_FRACTION_OF_HEIGHT * height_cm / 100.0)


def step_times_s(strikes: list[tuple[float, str]]) -> list[tuple[str, float]]:
    """Step times from time-sorted (time, side) strikes: (side that ended the step, seconds).

    Only steps between alternating feet count; a missing far-foot strike leaves a gap, never a
    double-length step.

    Examples
    --------
    >>> step_times_s([(0.0, "right"), (0.35, "left"), (0.70, "right"), (1.40, "right")])
    [('left', 0.35), ('right', 0.35)]
    """
    out = []
    ordered = sorted(strikes)
    for (t0, s0), (t1, s1) in itertools.pairwise(ordered):
        if s0 != s1:
            out.append((s1, round(t1 - t0, 6)))
    return out


def cadence_spm(stride_times: Array) -> float:
    """Cadence from stride times (same-foot strike to strike): 120 / median stride time."""
    if stride_times.size == 0:
        return float("nan")
    return float(120.0 / np.median(stride_times))


def _fit_stride(feet: list[Array], rough: float) -> float:
    """Least-squares stride time over strikes numbered by stride, per-foot offsets, with the
    strikes more than a quarter stride off the fit dropped once."""
    rows, times = [], []
    for k, s in enumerate(feet):
        for ni, ti in zip(np.round((s - s[0]) / rough), s, strict=True):
            onehot = np.zeros(len(feet))
            onehot[k] = 1.0
            rows.append([*onehot, ni])
            times.append(ti)
    a, y = np.asarray(rows), np.asarray(times)
    keep = np.ones(len(y), dtype=bool)
    stride = rough
    for _ in range(2):
        if keep.sum() < len(feet) + 1:
            break
        coef, *_ = np.linalg.lstsq(a[keep], y[keep], rcond=None)
        stride = float(coef[-1])
        keep = np.abs(y - a @ coef) < 0.25 * stride
    return stride


def stride_time_fit_s(strikes_by_foot: list[Array]) -> float:
    """One stride time fitted to the strikes (near foot first), in seconds.

    Each foot's strikes are numbered by stride (a missed strike leaves a gap in the numbers, not
    a double stride) and ``t = offset + stride * n`` is fitted by least squares, dropping strikes
    more than a quarter stride off the fit. The near foot's fit is the answer unless the far
    foot's own fit agrees within 2%, in which case both feet are fitted together. Using every
    event, this is several times less noisy than a median of a few stride differences.

    Examples
    --------
    >>> right = np.array([0.10, 0.805, 1.51, 2.92])  # one strike missed
    >>> left = np.array([0.455, 1.16, 1.865, 2.57])
    >>> round(stride_time_fit_s([right, left]), 3)
    0.705
    """
    feet = [s for s in strikes_by_foot if s.size > 1]
    if not feet or feet[0] is not strikes_by_foot[0]:
        return float("nan")
    rough = float(np.median(np.diff(feet[0])))
    near = _fit_stride(feet[:1], rough)
    if len(feet) > 1 and feet[1].size >= 3:
        far = _fit_stride(feet[1:2], rough)
        if abs(far - near) < 0.02 * near:
            return _fit_stride(feet[:2], rough)
    return near


def symmetry_index_pct(right: float, left: float) -> float:
    """Symmetry index, 100 * (R - L) / mean(R, L): 0 is symmetric, + means the right is larger.

    Examples
    --------
    >>> round(symmetry_index_pct(0.36, 0.33), 1)
    8.7
    """
    mean = 0.5 * (right + left)
    return float("nan") if mean == 0 else 100.0 * (right - left) / mean


def strike_pattern(foot_inclination_deg: float) -> str:
    """heel / midfoot / forefoot from foot inclination at contact (Altman & Davis 2012)."""
    if not np.isfinite(foot_inclination_deg):
        return "unknown"
    if foot_inclination_deg > HEEL_STRIKE_DEG:
        return "heel"
    if foot_inclination_deg < FOREFOOT_STRIKE_DEG:
        return "forefoot"
    return "midfoot"


def vertical_oscillation_px(times: Array, pelvis_y: Array, strikes: Array) -> Array:
    """Peak-to-peak pelvis height within each step (strike to the next strike), pixels."""
    out = []
    for a, b in itertools.pairwise(strikes):
        m = (times >= a) & (times <= b)
        if m.sum() >= 3:
            out.append(float(np.nanmax(pelvis_y[m]) - np.nanmin(pelvis_y[m])))
    return np.asarray(out)


def stance_speed_px_s(
    times: Array,
    toe_x: Array,
    heel_x: Array,
    pelvis_x: Array,
    direction: float,
    contacts: list[tuple[float, float]],
) -> float:
    """Running speed in pixels per second: how fast the foot on the ground moves back relative
    to the pelvis in the middle of contact (belt speed on a treadmill, body speed overground).
    """
    speeds = []
    contact_point = 0.5 * (toe_x + heel_x)
    rel = direction * (contact_point - pelvis_x)
    v = np.gradient(rel, times)
    for strike, toe_off in contacts:
        a = strike + 0.3 * (toe_off - strike)
        b = strike + 0.7 * (toe_off - strike)
        m = (times >= a) & (times <= b)
        if m.sum() >= 2:
            speeds.append(-float(np.nanmedian(v[m])))
    return float(np.median(speeds)) if speeds else float("nan")


def expected_cadence_spm(speed_mps: float) -> float:
    """A typical cadence for a running speed: about 150 steps/min at 2 m/s rising ~8 per m/s.

    A rough central trend of recreational runners' preferred step rate (about 166-172 at
    2.9-3.4 m/s, e.g. Heiderscheit et al. 2011); an individual's cadence legitimately varies with
    height and leg length, so this is a reference, not a target.
    """
    return 150.0 + 8.0 * (speed_mps - 2.0)
