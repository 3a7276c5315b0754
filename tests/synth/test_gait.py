"""Invariants of the synthetic gait: what makes it ground truth.

No foot slides in stance, segment lengths never change, the truth agrees with the timing the
parameters ask for, and nothing goes through the floor. Checked over random valid parameters.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from backstride.skeleton import Landmark as L
from backstride.skeleton import side_landmark
from backstride.synth.body import Body
from backstride.synth.gait import SIDES, GaitModel, GaitParams, Side, plausible_speed_mps
from backstride.synth.truth import gait_truth


@st.composite
def gaits(draw: st.DrawFn) -> GaitModel:
    """Valid runners across the grid the accuracy bars use, and beyond."""
    cadence = draw(st.floats(150, 195))
    step_ms = 60000 / cadence
    contact = draw(st.floats(170, min(330, step_ms - 50)))
    overstride = draw(st.floats(0, 25))
    body = Body(height_m=draw(st.floats(1.5, 1.95)))
    speed = plausible_speed_mps(contact, overstride, body) * draw(st.floats(0.9, 1.1))
    params = {
        "cadence_spm": cadence,
        "contact_ms": contact,
        "speed_mps": speed,
        "overstride_pct_leg": overstride,
        "foot_strike_deg": draw(st.floats(-12, 25)),
        "knee_flexion_contact_deg": draw(st.floats(8, 30)),
        "trunk_lean_deg": draw(st.floats(0, 20)),
        "pelvic_drop_deg": draw(st.floats(0, 12)),
        "lateral_lean_deg": draw(st.floats(0, 10)),
        "step_width_cm": draw(st.floats(-5, 10)),
        "arm_cross_cm": draw(st.floats(-12, 8)),
        "step_time_asymmetry_pct": draw(st.floats(-8, 8)),
        "contact_asymmetry_pct": draw(st.floats(-8, 8)),
        "vertical_oscillation_cm": draw(st.floats(7, 12)),
        "mode": draw(st.sampled_from(["treadmill", "overground"])),
    }
    try:
        model = GaitModel(GaitParams(**params), body)
    except ValueError:
        assume(False)
        raise
    return model


def _stance_samples(model: GaitModel, side: Side) -> list[np.ndarray]:
    out = []
    c = model.params.contact_times_s()[side]
    for ts in model.strike_times(side, 2.5, 0.0):
        out.append(np.linspace(ts + 1e-6, ts + c - 1e-6, 80))
    return out


SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)


@SETTINGS
@given(gaits())
def test_stance_foot_never_slides(model: GaitModel) -> None:
    """The point of the foot on the ground stays fixed to the ground (or moves with the belt)."""
    belt = -model.params.speed_mps if model.params.mode == "treadmill" else 0.0
    for side in SIDES:
        pre = side.upper()
        for t in _stance_samples(model, side):
            k = model.keypoints(t)
            heel, toe = k[:, side_landmark(pre, "HEEL")], k[:, side_landmark(pre, "FOOT_INDEX")]
            lowest = np.minimum(heel[:, 1], toe[:, 1])
            assert np.allclose(lowest, 0.0, atol=1e-9), "a foot in stance left the ground"
            for point in (heel, toe):
                on = np.abs(point[:, 1]) < 1e-9
                on = on[:-1] & on[1:]
                if not on.any():
                    continue
                vx = np.diff(point[:, 0]) / np.diff(t)
                assert np.allclose(vx[on], belt, atol=1e-6), f"{side} foot slides in stance"
                assert np.allclose(np.diff(point[:, 2])[on], 0.0, atol=1e-12)


@SETTINGS
@given(gaits())
def test_segment_lengths_are_constant(model: GaitModel) -> None:
    t = np.linspace(0, 2.5, 400)
    k = model.keypoints(t)
    b = model.body
    pairs = {
        "thigh": ([L.LEFT_HIP, L.RIGHT_HIP], [L.LEFT_KNEE, L.RIGHT_KNEE], b.thigh_m),
        "shank": ([L.LEFT_KNEE, L.RIGHT_KNEE], [L.LEFT_ANKLE, L.RIGHT_ANKLE], b.shank_m),
        "foot": (
            [L.LEFT_HEEL, L.RIGHT_HEEL],
            [L.LEFT_FOOT_INDEX, L.RIGHT_FOOT_INDEX],
            b.foot_length_m,
        ),
        "upper arm": (
            [L.LEFT_SHOULDER, L.RIGHT_SHOULDER],
            [L.LEFT_ELBOW, L.RIGHT_ELBOW],
            b.upper_arm_m,
        ),
        "forearm": ([L.LEFT_ELBOW, L.RIGHT_ELBOW], [L.LEFT_WRIST, L.RIGHT_WRIST], b.forearm_m),
        "pelvis": ([L.LEFT_HIP], [L.RIGHT_HIP], b.hip_width_m),
        "shoulders": ([L.LEFT_SHOULDER], [L.RIGHT_SHOULDER], b.shoulder_width_m),
    }
    for name, (a, c, length) in pairs.items():
        d = np.linalg.norm(k[:, a] - k[:, c], axis=-1)
        assert np.allclose(d, length, atol=1e-9), f"{name} changes length"
    ankle_heel = np.linalg.norm(k[:, L.LEFT_ANKLE] - k[:, L.LEFT_HEEL], axis=-1)
    assert np.ptp(ankle_heel) < 1e-9


@SETTINGS
@given(gaits())
def test_truth_agrees_with_timing(model: GaitModel) -> None:
    """Events seen in the geometry happen when the schedule says; cadence and contact agree."""
    p = model.params
    truth = gait_truth(model, 3.0)
    assert truth.cadence_spm == pytest.approx(p.cadence_spm)
    strikes = np.sort(np.concatenate([truth.feet["right"].strikes_s, truth.feet["left"].strikes_s]))
    assert 60.0 / np.mean(np.diff(strikes)) == pytest.approx(p.cadence_spm, rel=0.02)
    for side in SIDES:
        pre = side.upper()
        foot = truth.feet[side]
        assert foot.contact_ms == pytest.approx(p.contact_times_s()[side] * 1000)
        # The lowest point of the foot reaches the ground exactly at each strike, and the
        # foot is airborne 5 ms before it and 10 ms after toe-off.
        for ts in foot.strikes_s:
            k = model.keypoints(np.array([ts - 0.005, ts + 1e-6]))
            lowest = np.minimum(
                k[:, side_landmark(pre, "HEEL"), 1], k[:, side_landmark(pre, "FOOT_INDEX"), 1]
            )
            assert lowest[0] > 1e-4 and abs(lowest[1]) < 1e-9
        for to in foot.toe_offs_s:
            k = model.keypoints(np.array([to - 1e-6, to + 0.010]))
            lowest = np.minimum(
                k[:, side_landmark(pre, "HEEL"), 1], k[:, side_landmark(pre, "FOOT_INDEX"), 1]
            )
            assert abs(lowest[0]) < 1e-9 and lowest[1] > 1e-4
    assert truth.duty_factor < 0.5
    assert truth.step_length_m == pytest.approx(p.speed_mps * 60 / p.cadence_spm)


@SETTINGS
@given(gaits())
def test_truth_matches_requested_geometry(model: GaitModel) -> None:
    p = model.params
    truth = gait_truth(model, 3.0)
    assert truth.overstride_pct_leg == pytest.approx(p.overstride_pct_leg, abs=1e-6)
    assert truth.foot_inclination_deg == pytest.approx(p.foot_strike_deg, abs=1e-6)
    # asymmetric steps have unequal flights, so the oscillation differs a little step to step
    asym = abs(p.step_time_asymmetry_pct) + abs(p.contact_asymmetry_pct)
    assert truth.vertical_oscillation_cm == pytest.approx(
        p.vertical_oscillation_cm, abs=0.2 + 0.1 * asym
    )
    # the small lean oscillation is zero at mid-stance only when the steps are symmetric
    assert truth.trunk_lean_deg == pytest.approx(p.trunk_lean_deg, abs=0.3)
    assert truth.step_width_cm == pytest.approx(p.step_width_cm)
    for foot in truth.feet.values():
        assert foot.pelvic_drop_deg == pytest.approx(p.pelvic_drop_deg, abs=0.3)
        assert foot.lateral_lean_deg == pytest.approx(p.lateral_lean_deg, abs=0.05)
        assert foot.arm_cross_cm == pytest.approx(p.arm_cross_cm, abs=0.5)
    # knee flexion at contact is set in 3D; its sagittal projection differs by the leg's tilt
    assert truth.knee_flexion_contact_deg == pytest.approx(p.knee_flexion_contact_deg, abs=1.5)


@SETTINGS
@given(gaits())
def test_swing_foot_clears_the_ground(model: GaitModel) -> None:
    t = np.linspace(0, 2.5, 5001)
    legs = model.legs(t)
    for leg in legs.values():
        swing = ~leg["stance"]
        assert leg["heel"][swing, 1].min() > -1e-9
        assert leg["toe"][swing, 1].min() > -1e-9


def test_running_needs_flight() -> None:
    with pytest.raises(ValueError, match=r"duty factor below 0\.5"):
        GaitParams(cadence_spm=190, contact_ms=320)


def test_toe_off_beyond_reach_is_refused() -> None:
    # No overstride and a long contact at speed: the toe would trail 0.9 m behind the hip.
    with pytest.raises(ValueError, match=r"almost vertical|beyond its length"):
        GaitModel(GaitParams(overstride_pct_leg=0, contact_ms=300, speed_mps=3.3, cadence_spm=160))


def test_oscillation_below_flight_physics_is_refused() -> None:
    # A long flight alone lifts the pelvis more than 2 cm (g t^2 / 8), so 2 cm is impossible.
    with pytest.raises(ValueError, match="vertical oscillation"):
        GaitModel(GaitParams(cadence_spm=150, contact_ms=200, vertical_oscillation_cm=2))


def test_treadmill_pelvis_stays_overground_advances() -> None:
    t = np.linspace(0, 2, 50)
    tm = GaitModel(GaitParams(mode="treadmill")).keypoints(t)
    og = GaitModel(GaitParams(mode="overground")).keypoints(t)
    pelvis_tm = 0.5 * (tm[:, L.LEFT_HIP, 0] + tm[:, L.RIGHT_HIP, 0])
    pelvis_og = 0.5 * (og[:, L.LEFT_HIP, 0] + og[:, L.RIGHT_HIP, 0])
    assert np.ptp(pelvis_tm) < 0.02
    assert np.polyfit(t, pelvis_og, 1)[0] == pytest.approx(3.0, rel=0.01)
