"""The truth of a synthetic gait, measured on its own geometry at the exact event times.

Every value is computed from the model's landmark trajectories (not copied from the parameters),
so a test that compares the video pipeline with this compares two measurements of the same
motion. Side-view quantities use the sagittal projection (x, y), rear-view quantities the frontal
projection (z, y): what an ideal orthographic camera on that side would see.
"""

from __future__ import annotations

import itertools

import numpy as np
from pydantic import BaseModel, ConfigDict

from backstride.skeleton import Landmark, side_landmark
from backstride.synth.gait import SIDES, GaitModel, GaitParams, Side
from backstride.synth.kinematics import Array

L = Landmark


class FootTruth(BaseModel):
    """Events and per-side measures of one foot."""

    model_config = ConfigDict(frozen=True)

    strikes_s: tuple[float, ...]
    toe_offs_s: tuple[float, ...]
    contact_ms: float
    step_ms: float  # step ending with this foot's strike
    pelvic_drop_deg: float  # contralateral drop at this foot's mid-stance, + = swing side lower
    lateral_lean_deg: float  # trunk lean towards this (stance) side at mid-stance
    knee_frontal_deg: float  # frontal-plane knee angle at mid-stance, + = knee towards midline
    arm_cross_cm: float  # this side's wrist past the midline at its most medial, + = crosses


class GaitTruth(BaseModel):
    """What the pipeline should measure on a clip of this gait."""

    model_config = ConfigDict(frozen=True)

    params: GaitParams
    height_m: float
    leg_length_m: float
    duration_s: float
    feet: dict[Side, FootTruth]
    cadence_spm: float
    step_ms: float
    flight_ms: float
    duty_factor: float
    speed_mps: float
    step_length_m: float
    overstride_pct_leg: float
    overstride_cm: float
    shank_angle_deg: float
    foot_inclination_deg: float
    knee_flexion_contact_deg: float
    trunk_lean_deg: float
    whole_body_lean_deg: float
    vertical_oscillation_cm: float
    vertical_ratio_pct: float
    step_width_cm: float
    step_time_si_pct: float
    contact_time_si_pct: float


def _angle_from_vertical(a: Array, b: Array) -> Array:
    """Angle of a->b from vertical in a 2D (horizontal, up) projection, + towards +horizontal."""
    d = b - a
    return np.degrees(np.arctan2(d[..., 0], d[..., 1]))


def _inner_angle(a: Array, b: Array, c: Array) -> Array:
    """Angle a-b-c at b in degrees (2D or 3D)."""
    u, v = a - b, c - b
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def _sag(x: Array) -> Array:
    return x[..., [0, 1]]


def _front(x: Array) -> Array:
    return x[..., [2, 1]]


def _at_strikes(model: GaitModel, strikes: Array, side: Side) -> dict[str, float]:
    """Sagittal measures at initial contact, medians over the strikes."""
    k = model.keypoints(strikes)
    pre = "RIGHT" if side == "right" else "LEFT"
    hip, knee, ankle = (
        k[:, side_landmark(pre, "HIP")],
        k[:, side_landmark(pre, "KNEE")],
        k[:, side_landmark(pre, "ANKLE")],
    )
    heel, toe = k[:, side_landmark(pre, "HEEL")], k[:, side_landmark(pre, "FOOT_INDEX")]
    pelvis = 0.5 * (k[:, L.LEFT_HIP] + k[:, L.RIGHT_HIP])
    over_m = heel[:, 0] - pelvis[:, 0]
    foot = toe - heel
    return {
        "overstride_m": float(np.median(over_m)),
        # + when the ankle is ahead of the knee (reference/gait.md).
        "shank_angle_deg": float(np.median(-_angle_from_vertical(_sag(ankle), _sag(knee)))),
        "foot_inclination_deg": float(np.median(np.degrees(np.arctan2(foot[:, 1], foot[:, 0])))),
        "knee_flexion_deg": float(
            np.median(180.0 - _inner_angle(_sag(hip), _sag(knee), _sag(ankle)))
        ),
    }


def _at_midstance(model: GaitModel, mids: Array, side: Side) -> dict[str, float]:
    """Measures at mid-stance (half-way through contact), medians."""
    k = model.keypoints(mids)
    pre, other = ("RIGHT", "LEFT") if side == "right" else ("LEFT", "RIGHT")
    hip_c = 0.5 * (k[:, L.LEFT_HIP] + k[:, L.RIGHT_HIP])
    sh_c = 0.5 * (k[:, L.LEFT_SHOULDER] + k[:, L.RIGHT_SHOULDER])
    ankle = k[:, side_landmark(pre, "ANKLE")]
    own_hip, other_hip = k[:, side_landmark(pre, "HIP")], k[:, side_landmark(other, "HIP")]
    sign = 1.0 if side == "right" else -1.0
    drop = np.degrees(
        np.arctan2(own_hip[:, 1] - other_hip[:, 1], np.abs(own_hip[:, 2] - other_hip[:, 2]))
    )
    lateral = sign * _angle_from_vertical(_front(hip_c), _front(sh_c))
    hip, knee = k[:, side_landmark(pre, "HIP")], k[:, side_landmark(pre, "KNEE")]
    frontal = 180.0 - _inner_angle(_front(hip), _front(knee), _front(ankle))
    # Sign: + when the knee lies medial of the hip-ankle line.
    line = ankle[:, 2] - hip[:, 2]
    frac = (knee[:, 1] - hip[:, 1]) / (ankle[:, 1] - hip[:, 1])
    on_line = hip[:, 2] + frac * line
    medial = sign * (on_line - knee[:, 2]) > 0
    return {
        "trunk_lean_deg": float(np.median(_angle_from_vertical(_sag(hip_c), _sag(sh_c)))),
        "whole_body_lean_deg": float(np.median(_angle_from_vertical(_sag(ankle), _sag(sh_c)))),
        "pelvic_drop_deg": float(np.median(drop)),
        "lateral_lean_deg": float(np.median(lateral)),
        "knee_frontal_deg": float(np.median(np.where(medial, frontal, -frontal))),
    }


def _vertical_oscillation_m(model: GaitModel, strikes: Array) -> float:
    """Median over steps of the pelvis centre's peak-to-peak height, strike to next strike."""
    values = []
    for a, b in itertools.pairwise(strikes):
        t = np.linspace(a, b, 200)
        y = model.pelvis_height(t)
        values.append(y.max() - y.min())
    return float(np.median(values))


def gait_truth(model: GaitModel, duration_s: float) -> GaitTruth:
    """Measure the truth of ``model`` over a clip of ``duration_s`` seconds starting at t = 0."""
    p, b = model.params, model.body
    contacts, steps = p.contact_times_s(), p.step_times_s()
    feet: dict[Side, FootTruth] = {}
    sag: list[dict[str, float]] = []
    mid: list[dict[str, float]] = []
    for side in SIDES:
        strikes = model.strike_times(side, duration_s, 0.0)
        all_strikes = model.strike_times(side, duration_s + 1.0, -1.0)
        toe_offs = all_strikes + contacts[side]
        toe_offs = toe_offs[(toe_offs >= 0) & (toe_offs <= duration_s)]
        mids = model.strike_times(side, duration_s + 1, -1) + contacts[side] / 2
        s_meas = _at_strikes(model, all_strikes, side)
        m_meas = _at_midstance(model, mids, side)
        sag.append(s_meas)
        mid.append(m_meas)
        t = np.linspace(0, model.stride_s, 120, endpoint=False) + p.first_strike_s
        arm = model._arm(t, side, model._iota_peak[side])
        cross = float(np.max(model.wrist_past_midline_m(t, arm, side)))
        feet[side] = FootTruth(
            strikes_s=tuple(float(x) for x in strikes),
            toe_offs_s=tuple(float(x) for x in toe_offs),
            contact_ms=contacts[side] * 1000,
            step_ms=steps[side] * 1000,
            pelvic_drop_deg=m_meas["pelvic_drop_deg"],
            lateral_lean_deg=m_meas["lateral_lean_deg"],
            knee_frontal_deg=m_meas["knee_frontal_deg"],
            arm_cross_cm=cross * 100,
        )

    def mean(key: str, rows: list[dict[str, float]]) -> float:
        return float(np.mean([r[key] for r in rows]))

    right_strikes = model.strike_times("right", duration_s + 1.0, -1.0)
    vo = _vertical_oscillation_m(
        model,
        np.sort(
            np.concatenate([right_strikes, model.strike_times("left", duration_s + 1.0, -1.0)])
        ),
    )
    step_s = p.step_s
    contact_mean = 0.5 * (contacts["right"] + contacts["left"])

    def si(right: float, left: float) -> float:
        return 100.0 * (right - left) / (0.5 * (right + left))

    return GaitTruth(
        params=p,
        height_m=b.height_m,
        leg_length_m=b.leg_length_m,
        duration_s=duration_s,
        feet=feet,
        cadence_spm=60.0 / step_s,
        step_ms=step_s * 1000,
        flight_ms=(step_s - contact_mean) * 1000,
        duty_factor=contact_mean / (2 * step_s),
        speed_mps=p.speed_mps,
        step_length_m=p.step_length_m,
        overstride_pct_leg=100 * mean("overstride_m", sag) / b.leg_length_m,
        overstride_cm=100 * mean("overstride_m", sag),
        shank_angle_deg=mean("shank_angle_deg", sag),
        foot_inclination_deg=mean("foot_inclination_deg", sag),
        knee_flexion_contact_deg=mean("knee_flexion_deg", sag),
        trunk_lean_deg=mean("trunk_lean_deg", mid),
        whole_body_lean_deg=mean("whole_body_lean_deg", mid),
        vertical_oscillation_cm=100 * vo,
        vertical_ratio_pct=100 * vo / p.step_length_m,
        step_width_cm=100 * float(model._foot_z("right") - model._foot_z("left")),
        step_time_si_pct=si(steps["right"], steps["left"]),
        contact_time_si_pct=si(contacts["right"], contacts["left"]),
    )
