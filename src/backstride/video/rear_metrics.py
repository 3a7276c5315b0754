"""From cleaned rear-view landmarks and support windows to per-stance values and summaries.

`measure_rear_view` is pure: arrays and windows in, a `RearViewMetrics` out, every number with
its unit in its name and its definition in `REAR_DEFINITIONS` (sources in
`backstride.video.frontal`). Metric names never collide with the side view's, so both can sit
in one flat dict of an assessment.

Peaks within a stance: pelvic drop and lateral lean are taken at their peak in each stance (the
clinical "peak contralateral pelvic drop", Bramah 2018), by a parabola through the samples within
40 ms of the largest one, so a frame or two of timing error does not lower them.

A camera tilt evidenced by the pelvis and trunk together (`camera_tilt`) is removed by turning
the landmarks back before anything is measured.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from backstride.skeleton import Landmark, side_landmark
from backstride.video import frontal as fr
from backstride.video.camera_tilt import CameraTilt, camera_tilt, level_xy
from backstride.video.metrics import MetricSummary
from backstride.video.rear_events import SupportWindow, step_times_s, window_peak
from backstride.video.sagittal import px_per_m_from_height, symmetry_index_pct

L = Landmark
Array = fr.Array
SIDES = ("right", "left")

#: name -> (unit, definition).
REAR_DEFINITIONS: dict[str, tuple[str, str]] = {
    "pelvic_drop_deg": ("deg", "peak contralateral pelvic drop in each stance, + swing side lower"),
    "pelvic_drop_hips_deg": ("deg", "the same from the pose model's hip points (underestimates)"),
    "lateral_lean_deg": ("deg", "peak trunk lean towards the stance side in each stance"),
    "knee_frontal_deg": ("deg", "180 - hip-knee-ankle angle around mid-stance, + knee medial"),
    "foot_offset_cm": ("cm", "foot from the body midline on the ground, + on its own side"),
    "step_width_cm": ("cm", "lateral distance between successive footfalls, - = crossover"),
    "step_width_pct_leg": ("% leg", "step width as % of leg length"),
    "arm_cross_cm": ("cm", "wrist's furthest reach past the midline in each stride, + across"),
    "rear_step_time_ms": ("ms", "landing to the next landing of the other foot (rear view)"),
    "rear_cadence_spm": ("steps/min", "120 / (median right step + median left step)"),
}
#: Systematic error (1 SD) of each angle's method, from the synthetic validation.
METHOD_SD_DEG = {
    "waistband": 1.0,
    "hip keypoints": 3.0,
    "lateral_lean_deg": 1.0,
    "knee_frontal_deg": 3.0,
}
#: Pelvic drop categories: the pelvic_drop rule's low and high band edges (thresholds.yaml).
DROP_EDGES_DEG = (5.0, 8.0)
STANCE_SHARE = 0.75  # stance is about the first two thirds of a support window
MIN_WAISTBAND_SHARE = 0.5
WRIST_SEEN = 0.5


@dataclass(frozen=True)
class RearInput:
    """What `measure_rear_view` needs: cleaned landmarks (read as if from behind), windows."""

    times_s: Array
    xy_px: Array  # (N, 33, 2)
    windows: list[SupportWindow]
    leg_px: float
    height_cm: float | None = None
    waistband_tilt_deg: Array | None = None  # (N,) image tilt of the waistband, NaN if unseen
    wrist_visibility: dict[str, Array] | None = None  # side -> (N,) pose model's visibility


class PelvicDrop(BaseModel):
    """Pelvic drop with what makes it readable: uncertainty, category and where it came from."""

    model_config = ConfigDict(frozen=True)

    value_deg: float
    uncertainty_deg: float
    category: fr.Category | None
    borderline: bool
    source: str  # "waistband" or "hip keypoints"
    waistband_share: float  # share of stance frames in which the waistband was found
    categories: dict[str, fr.Category | None]  # per stance side


class RearSide(BaseModel):
    """Per-stance-side summaries."""

    model_config = ConfigDict(frozen=True)

    side: str
    pelvic_drop_deg: MetricSummary
    lateral_lean_deg: MetricSummary
    knee_frontal_deg: MetricSummary
    foot_offset_cm: MetricSummary
    arm_cross_cm: MetricSummary
    rear_step_time_ms: MetricSummary


class RearViewMetrics(BaseModel):
    """Everything the rear view measures."""

    model_config = ConfigDict(frozen=True)

    metrics: dict[str, MetricSummary]
    uncertainty_deg: dict[str, float]  # one SD of each angle's median (random + method)
    asymmetry: dict[str, float]
    sides: dict[str, RearSide]
    pelvic_drop: PelvicDrop
    tilt: CameraTilt
    leg_length_px: float
    px_per_m: float | None
    n_windows: int


def summary(name: str, values: Array | list[float], confidence: str = "high") -> MetricSummary:
    """`MetricSummary` of per-stance values with the rear metric's unit."""
    base = name.removesuffix("_right").removesuffix("_left")
    s = MetricSummary.of(name, values, confidence)
    return s.model_copy(update={"unit": REAR_DEFINITIONS.get(base, ("", ""))[0]})


def _span(w: SupportWindow, a: float, b: float) -> tuple[float, float]:
    return w.start_s + a * w.duration_s, w.start_s + b * w.duration_s


def _pelvis_tilt(inp: RearInput, hips_tilt: Array) -> tuple[Array, str, float]:
    """The pelvis-line tilt series to use, its source, and the waistband's share in stance."""
    if inp.waistband_tilt_deg is None:
        return hips_tilt, "hip keypoints", 0.0
    stance = np.zeros(inp.times_s.size, dtype=bool)
    for w in inp.windows:
        a, b = _span(w, 0.0, STANCE_SHARE)
        stance |= (inp.times_s >= a) & (inp.times_s < b)
    share = float(np.isfinite(inp.waistband_tilt_deg[stance]).mean()) if stance.any() else 0.0
    if share < MIN_WAISTBAND_SHARE:
        return hips_tilt, "hip keypoints", share
    return inp.waistband_tilt_deg, "waistband", share


@dataclass(frozen=True)
class _Series:
    """Per-frame quantities every window reads."""

    tilt: Array  # pelvis line, camera tilt removed
    hips_tilt: Array
    trunk: Array  # trunk angle from vertical, camera tilt removed
    midline_x: Array  # stride-averaged
    mid_hip: Array
    mid_shoulder: Array


@dataclass(frozen=True)
class _Stance:
    """The stance measures of one support window."""

    side: str
    start_s: float
    pelvic_drop_deg: float
    pelvic_drop_hips_deg: float
    lateral_lean_deg: float
    knee_frontal_deg: float
    foot_offset_px: float


def _lm(xy: Array, mask: NDArray[np.bool_], side: str, part: str) -> Array:
    return xy[mask, side_landmark(side, part)]


def _per_window(inp: RearInput, s: _Series, w: SupportWindow) -> _Stance:
    """Peaks in stance, the knee around mid-stance, the foot where it stood."""
    t, xy, side = inp.times_s, inp.xy_px, w.side
    sign = fr.side_sign(side)
    a, b = _span(w, 0.0, STANCE_SHARE)
    mid_a, mid_b = _span(w, 0.25, 0.55)
    mid = (t >= mid_a) & (t < mid_b)
    foot_a, foot_b = _span(w, 0.15, 0.55)
    foot = (t >= foot_a) & (t < foot_b)
    knee = fr.knee_frontal_deg(
        _lm(xy, mid, side, "HIP"), _lm(xy, mid, side, "KNEE"), _lm(xy, mid, side, "ANKLE"), side
    )
    foot_x = 0.5 * (_lm(xy, foot, side, "HEEL")[:, 0] + _lm(xy, foot, side, "ANKLE")[:, 0])
    offset = sign * (foot_x - s.midline_x[foot])
    return _Stance(
        side=side,
        start_s=w.start_s,
        pelvic_drop_deg=window_peak(t, sign * s.tilt, a, b)[1],
        pelvic_drop_hips_deg=window_peak(t, sign * s.hips_tilt, a, b)[1],
        lateral_lean_deg=window_peak(t, sign * s.trunk, a, b)[1],
        knee_frontal_deg=_nanmedian(knee),
        foot_offset_px=_nanmedian(offset),
    )


def _nanmedian(x: Array) -> float:
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")


def _column(stances: list[_Stance], key: str, side: str | None = None) -> Array:
    """One measure of every stance (of one side when given)."""
    return np.array(
        [getattr(st, key) for st in stances if side is None or st.side == side], dtype=float
    )


def _arm_crossing_px(inp: RearInput, s: _Series, side: str) -> Array:
    """Per stride (two successive windows): the wrist's furthest reach past the midline.

    A stride whose furthest reach the pose model did not see (visibility under 0.5: from behind
    the hands are hidden by the trunk as they come towards the midline) is left out rather than
    guessed.
    """
    wrist = inp.xy_px[:, side_landmark(side, "WRIST")]
    mid_x = fr.midline_x_at(wrist[:, 1], s.mid_hip, s.mid_shoulder)
    past = fr.past_midline_px(wrist[:, 0], mid_x, side)
    seen = None if inp.wrist_visibility is None else inp.wrist_visibility[side]
    out: list[float] = []
    for w0, w1 in zip(inp.windows[::2], inp.windows[1::2], strict=False):
        m = (inp.times_s >= w0.start_s) & (inp.times_s < w1.end_s) & np.isfinite(past)
        if m.sum() < 3:
            continue
        k = np.flatnonzero(m)[int(np.argmax(past[m]))]
        if seen is None or seen[k] >= WRIST_SEEN:
            out.append(float(past[k]))
    return np.asarray(out)


def _levelled(inp: RearInput) -> tuple[RearInput, CameraTilt, str, float]:
    """The input with a camera tilt removed (when evidenced), the tilt, and the pelvis line's
    source and waistband share."""
    xy = inp.xy_px
    mid_hip = 0.5 * (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP])
    mid_sh = 0.5 * (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER])
    tilt, source, share = _pelvis_tilt(inp, fr.line_tilt_deg(xy[:, L.LEFT_HIP], xy[:, L.RIGHT_HIP]))
    inside = np.zeros(inp.times_s.size, dtype=bool)
    for w in inp.windows:
        inside |= w.contains(inp.times_s)
    cam = camera_tilt(tilt, fr.angle_from_vertical_deg(mid_hip, mid_sh), inside)
    roll = cam.camera_roll_deg
    if roll:
        band = None if inp.waistband_tilt_deg is None else inp.waistband_tilt_deg - roll
        inp = replace(inp, xy_px=level_xy(xy, roll), waistband_tilt_deg=band)
    return inp, cam, source, share


def _series(inp: RearInput, source: str) -> _Series:
    """The per-frame series every window reads, from (levelled) landmarks."""
    xy = inp.xy_px
    mid_hip = 0.5 * (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP])
    mid_sh = 0.5 * (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER])
    hips_tilt = fr.line_tilt_deg(xy[:, L.LEFT_HIP], xy[:, L.RIGHT_HIP])
    band = inp.waistband_tilt_deg
    stride = 2 * float(np.median([w.duration_s for w in inp.windows])) if inp.windows else 0.7
    return _Series(
        tilt=band if source == "waistband" and band is not None else hips_tilt,
        hips_tilt=hips_tilt,
        trunk=fr.angle_from_vertical_deg(mid_hip, mid_sh),
        midline_x=fr.moving_midline_x(inp.times_s, mid_hip[:, 0], stride),
        mid_hip=mid_hip,
        mid_shoulder=mid_sh,
    )


def _pelvic_drop(stances: list[_Stance], source: str, share: float) -> PelvicDrop:
    values = _column(stances, "pelvic_drop_deg")
    value = _nanmedian(values)
    unc = fr.median_uncertainty(values, METHOD_SD_DEG[source])
    per_side = {
        side: fr.category(_nanmedian(_column(stances, "pelvic_drop_deg", side)), *DROP_EDGES_DEG)
        for side in SIDES
    }
    return PelvicDrop(
        value_deg=value,
        uncertainty_deg=unc,
        category=fr.category(value, *DROP_EDGES_DEG),
        borderline=fr.borderline(value, unc, DROP_EDGES_DEG),
        source=source,
        waistband_share=share,
        categories=per_side,
    )


def _sides(
    inp: RearInput, s: _Series, stances: list[_Stance], to_cm: float, drop_conf: str
) -> dict[str, RearSide]:
    """Per-side summaries: each stance side's drop, lean, knee and foot; each arm; each step."""
    steps = step_times_s(inp.windows)
    out = {}
    for side in SIDES:
        out[side] = RearSide(
            side=side,
            pelvic_drop_deg=summary(
                "pelvic_drop_deg", _column(stances, "pelvic_drop_deg", side), drop_conf
            ),
            lateral_lean_deg=summary(
                "lateral_lean_deg", _column(stances, "lateral_lean_deg", side)
            ),
            knee_frontal_deg=summary(
                "knee_frontal_deg", _column(stances, "knee_frontal_deg", side), "low"
            ),
            foot_offset_cm=summary(
                "foot_offset_cm", _column(stances, "foot_offset_px", side) * to_cm
            ),
            arm_cross_cm=summary("arm_cross_cm", _arm_crossing_px(inp, s, side) * to_cm),
            rear_step_time_ms=summary(
                "rear_step_time_ms", [1000 * d for who, d in steps if who == side], "low"
            ),
        )
    return out


def _overall(
    inp: RearInput,
    stances: list[_Stance],
    sides: dict[str, RearSide],
    scale: float | None,
    drop_conf: str,
) -> dict[str, MetricSummary]:
    """Medians over every stance, step widths, step times; cm only with a scale."""
    offsets = [(st.start_s, st.side, st.foot_offset_px) for st in stances]
    widths_px = np.array([wd for _, wd in fr.step_widths(offsets)], dtype=float)
    steps = np.array([d for _, d in step_times_s(inp.windows)], dtype=float)
    m = {
        "pelvic_drop_deg": summary(
            "pelvic_drop_deg", _column(stances, "pelvic_drop_deg"), drop_conf
        ),
        "pelvic_drop_hips_deg": summary(
            "pelvic_drop_hips_deg", _column(stances, "pelvic_drop_hips_deg"), "low"
        ),
        "lateral_lean_deg": summary("lateral_lean_deg", _column(stances, "lateral_lean_deg")),
        "knee_frontal_deg": summary(
            "knee_frontal_deg", _column(stances, "knee_frontal_deg"), "low"
        ),
        "step_width_pct_leg": summary("step_width_pct_leg", 100.0 * widths_px / inp.leg_px),
        "rear_step_time_ms": summary("rear_step_time_ms", 1000.0 * steps, "low"),
        "rear_cadence_spm": summary("rear_cadence_spm", _cadence_spm(sides)),
    }
    if scale:
        m["step_width_cm"] = summary("step_width_cm", widths_px * 100.0 / scale)
        arms = [sides[x].arm_cross_cm for x in SIDES if sides[x].arm_cross_cm.n]
        if arms:  # the arm that reaches further across
            worst = max(arms, key=lambda a: a.value)
            m["arm_cross_cm"] = summary("arm_cross_cm", list(worst.per_stride), "low")
    return m


def _cadence_spm(sides: dict[str, RearSide]) -> list[float]:
    """120 / (right step + left step), each a median: unbiased when the steps differ."""
    stride_ms = sides["right"].rear_step_time_ms.value + sides["left"].rear_step_time_ms.value
    return [120_000.0 / stride_ms] if np.isfinite(stride_ms) and stride_ms > 0 else []


def _asymmetry(sides: dict[str, RearSide]) -> dict[str, float]:
    """Right minus left of each per-side median; step time as a symmetry index."""
    r, lft = sides["right"], sides["left"]
    return {
        "pelvic_drop_asymmetry_deg": r.pelvic_drop_deg.value - lft.pelvic_drop_deg.value,
        "lateral_lean_asymmetry_deg": r.lateral_lean_deg.value - lft.lateral_lean_deg.value,
        "foot_offset_asymmetry_cm": r.foot_offset_cm.value - lft.foot_offset_cm.value,
        "arm_cross_asymmetry_cm": r.arm_cross_cm.value - lft.arm_cross_cm.value,
        "rear_step_time_si_pct": symmetry_index_pct(
            r.rear_step_time_ms.value, lft.rear_step_time_ms.value
        ),
    }


def measure_rear_view(inp: RearInput) -> RearViewMetrics:
    """All rear-view metrics from cleaned landmarks and the support windows."""
    inp, cam, source, share = _levelled(inp)
    s = _series(inp, source)
    stances = [_per_window(inp, s, w) for w in inp.windows]
    scale = px_per_m_from_height(inp.leg_px, inp.height_cm) if inp.height_cm else None
    to_cm = 100.0 / scale if scale else float("nan")
    drop_conf = "high" if source == "waistband" else "low"
    sides = _sides(inp, s, stances, to_cm, drop_conf)
    pelvis_sd = METHOD_SD_DEG[source]
    return RearViewMetrics(
        metrics=_overall(inp, stances, sides, scale, drop_conf),
        uncertainty_deg={
            name: fr.median_uncertainty(_column(stances, name), METHOD_SD_DEG.get(name, pelvis_sd))
            for name in ("pelvic_drop_deg", "lateral_lean_deg", "knee_frontal_deg")
        },
        asymmetry=_asymmetry(sides),
        sides=sides,
        pelvic_drop=_pelvic_drop(stances, source, share),
        tilt=cam,
        leg_length_px=inp.leg_px,
        px_per_m=scale,
        n_windows=len(inp.windows),
    )
