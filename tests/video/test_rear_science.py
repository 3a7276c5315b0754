"""The rear-view science on ideal landmarks (the generator's own projection): definitions, signs,
support windows, camera tilt, view decision, the waistband edge on drawn images, and the rules.

No video and no pose model here: what these tests pin is the geometry and the logic, against the
truth the generator computes from its own 3D model.
"""

from __future__ import annotations

from typing import Any, cast

import cv2
import numpy as np
import pytest

from backstride.findings import Capacity, Severity, Source
from backstride.synth.camera import CameraSpec
from backstride.synth.gait import GaitParams, Side
from backstride.synth.render import ClipSpec
from backstride.video import frontal as fr
from backstride.video.findings import load_thresholds
from backstride.video.pelvis_line import best_seam, waistband_line
from backstride.video.rear_events import SupportWindow, _merge_short, step_times_s, window_peak
from backstride.video.rear_findings import rear_view_findings
from backstride.video.rear_metrics import DROP_EDGES_DEG
from backstride.video.rear_pipeline import run_rear_view
from backstride.video.view import estimate_view

from .rear_helpers import ideal_pose, truth_mean

SIZE = {"width": 960, "height": 540, "duration_s": 3.0}


def rear(camera: dict[str, Any] | None = None, /, **gait: Any) -> ClipSpec:
    base: dict[str, Any] = {"pelvic_drop_deg": 4.0, "lateral_lean_deg": 3.0}
    return ClipSpec(
        gait=GaitParams(**{**base, **gait}),
        camera=CameraSpec(**{"view": "rear", **(camera or {})}),
        **SIZE,
    )


GRID = [
    pytest.param({"pelvic_drop_deg": 0.0, "lateral_lean_deg": 0.0}, id="level"),
    pytest.param({"pelvic_drop_deg": 12.0, "lateral_lean_deg": 10.0}, id="drop12-lean10"),
    pytest.param({"pelvic_drop_deg": 6.5, "step_width_cm": -5.0}, id="crossover"),
    pytest.param({"step_width_cm": 10.0, "arm_cross_cm": 5.0}, id="wide-arms-across"),
    pytest.param(
        {"step_time_asymmetry_pct": 10.0, "lateral_lean_deg": 6.0},
        id="asymmetric",
    ),
    pytest.param({"mode": "overground", "pelvic_drop_deg": 3.0}, id="overground"),
]


@pytest.mark.parametrize("gait", GRID)
def test_ideal_landmarks_give_the_truth(gait: dict[str, Any]) -> None:
    """With perfect landmarks the hip line is the pelvis line: every measure matches the truth."""
    seq, truth = ideal_pose(rear(**gait))
    res = run_rear_view(seq, height_cm=truth.height_m * 100)
    m = res.metrics
    assert res.tracking.from_front is False
    assert m.pelvic_drop.source == "hip keypoints"  # no waistband pass without video
    assert m.pelvic_drop.value_deg == pytest.approx(truth_mean(truth, "pelvic_drop_deg"), abs=0.5)
    lean = m.metrics["lateral_lean_deg"].value
    assert lean == pytest.approx(truth_mean(truth, "lateral_lean_deg"), abs=0.5)
    # perspective (feet ahead of the pelvis) and the leg scale cost a few millimetres
    assert m.metrics["step_width_cm"].value == pytest.approx(truth.step_width_cm, abs=1.0)
    assert m.metrics["arm_cross_cm"].value == pytest.approx(
        truth_mean(truth, "arm_cross_cm"), abs=1.5
    )
    si = m.asymmetry["rear_step_time_si_pct"]
    assert si == pytest.approx(truth.step_time_si_pct, abs=1.0)
    assert m.metrics["rear_cadence_spm"].value == pytest.approx(truth.cadence_spm, rel=0.02)
    assert m.tilt.camera_roll_deg == 0.0  # no tilt evidenced, nothing removed
    assert m.n_windows >= 7
    # uncertainty: the method's systematic error plus the (tiny, ideal) scatter of the medians
    assert m.uncertainty_deg["lateral_lean_deg"] == pytest.approx(1.0, abs=0.2)
    assert m.uncertainty_deg["pelvic_drop_deg"] == pytest.approx(3.0, abs=0.2)  # hip points


def test_support_windows_start_just_before_each_strike() -> None:
    seq, truth = ideal_pose(rear())
    res = run_rear_view(seq)
    windows = res.tracking.windows
    assert [w.side for w in windows] == [
        ("right", "left")[i % 2] if windows[0].side == "right" else ("left", "right")[i % 2]
        for i in range(len(windows))
    ]
    for w in windows:
        strikes = np.array(truth.feet[cast(Side, w.side)].strikes_s, dtype=float)
        lead = strikes[strikes >= w.start_s][0] - w.start_s
        assert 0.0 <= lead < 0.06  # the landing foot passes the other 25 ms before contact


def test_front_view_is_read_as_a_mirrored_rear_view() -> None:
    seq, truth = ideal_pose(rear({"view": "front"}, pelvic_drop_deg=8.0, lateral_lean_deg=5.0))
    res = run_rear_view(seq, height_cm=truth.height_m * 100)
    assert res.tracking.from_front is True
    m = res.metrics
    assert m.pelvic_drop.value_deg == pytest.approx(8.0, abs=0.5)
    assert m.metrics["lateral_lean_deg"].value == pytest.approx(5.0, abs=0.5)
    assert m.metrics["step_width_cm"].value == pytest.approx(truth.step_width_cm, abs=1.0)
    # the runner's right stays the right: image x goes back for drawing
    xy = res.tracking.image_xy(res.tracking.clean.xy_px)
    assert np.nanmedian(xy[:, 24, 0] - xy[:, 23, 0]) < 0  # right hip on the image's left


@pytest.mark.parametrize("roll", [5.0, -4.0])
def test_a_tilted_camera_is_found_and_removed(roll: float) -> None:
    seq, truth = ideal_pose(rear({"roll_deg": roll}, pelvic_drop_deg=7.0, lateral_lean_deg=4.0))
    m = run_rear_view(seq, height_cm=truth.height_m * 100).metrics
    assert m.tilt.camera_roll_deg == pytest.approx(roll, abs=0.5)
    # lateral distances are measured square to the true vertical, not the image's
    assert m.asymmetry["foot_offset_asymmetry_cm"] == pytest.approx(0.0, abs=1.0)
    assert m.metrics["step_width_cm"].value == pytest.approx(truth.step_width_cm, abs=1.0)
    assert m.pelvic_drop.value_deg == pytest.approx(7.0, abs=0.5)
    assert m.asymmetry["pelvic_drop_asymmetry_deg"] == pytest.approx(0.0, abs=0.6)
    assert m.metrics["lateral_lean_deg"].value == pytest.approx(4.0, abs=0.5)


def test_without_the_tilt_correction_a_tilt_would_split_the_sides() -> None:
    """The regression the correction prevents: a 5 deg camera tilt reads as 10 deg asymmetry."""
    seq, _ = ideal_pose(rear({"roll_deg": 5.0}, pelvic_drop_deg=7.0))
    res = run_rear_view(seq)
    hips = res.metrics.sides
    raw_r = hips["right"].pelvic_drop_deg.value + res.metrics.tilt.camera_roll_deg
    raw_l = hips["left"].pelvic_drop_deg.value - res.metrics.tilt.camera_roll_deg
    assert raw_r - raw_l == pytest.approx(10.0, abs=1.0)


def test_hidden_wrists_give_no_arm_crossing() -> None:
    seq, _ = ideal_pose(rear(arm_cross_cm=5.0))
    hidden = {s: np.zeros(seq.times_s.size) for s in ("right", "left")}
    m = run_rear_view(seq, height_cm=175, wrist_visibility=hidden).metrics
    assert "arm_cross_cm" not in m.metrics
    assert m.sides["right"].arm_cross_cm.n == 0


def test_the_waistband_tilt_replaces_the_hip_line_when_seen() -> None:
    seq, _ = ideal_pose(rear(pelvic_drop_deg=0.0))
    n = seq.times_s.size
    res = run_rear_view(seq, pelvis_tilt_deg=np.full(n, np.nan))
    assert res.metrics.pelvic_drop.source == "hip keypoints"
    assert res.metrics.pelvic_drop.waistband_share == 0.0
    # a waistband that alternates +-6 deg with the support side reads as a 6 deg drop
    tilt = np.zeros(n)
    for w in res.tracking.windows:
        tilt[w.contains(res.tracking.clean.times_s)] = 6.0 * fr.side_sign(w.side)
    m = run_rear_view(seq, pelvis_tilt_deg=tilt).metrics
    assert m.pelvic_drop.source == "waistband"
    assert m.pelvic_drop.value_deg == pytest.approx(6.0, abs=0.01)
    assert m.pelvic_drop.category == "increased"


@pytest.mark.parametrize(
    ("spec", "view"),
    [
        (ClipSpec(**SIZE), "side"),
        (ClipSpec(camera=CameraSpec(side="left", yaw_deg=25), **SIZE), "side"),
        (rear(), "rear"),
        (rear({"yaw_deg": 20}), "rear"),
        (rear({"view": "front"}), "rear"),
        (ClipSpec(camera=CameraSpec(yaw_deg=45), **SIZE), None),
    ],
)
def test_the_view_is_decided_from_the_geometry(spec: ClipSpec, view: str | None) -> None:
    seq, _ = ideal_pose(spec)
    est = estimate_view(seq)
    assert est.view == view, est.describe()


# ---------------------------------------------------------------- definitions


def test_signs_of_the_frontal_definitions() -> None:
    left, right = np.array([[100.0, 200.0]]), np.array([[140.0, 196.0]])
    tilt = fr.line_tilt_deg(left, right)
    assert tilt[0] == pytest.approx(np.degrees(np.arctan2(4, 40)))
    assert fr.contralateral_drop_deg(tilt, "right")[0] > 0  # left (swing) side lower
    assert fr.contralateral_drop_deg(tilt, "left")[0] < 0
    hip, shoulder = np.array([[100.0, 300.0]]), np.array([[110.0, 100.0]])
    assert fr.lateral_lean_deg(hip, shoulder, "right")[0] > 0  # shoulders over the right foot
    knee_in = fr.knee_frontal_deg(
        np.array([[100.0, 0.0]]), np.array([[110.0, 100.0]]), np.array([[100.0, 200.0]]), "left"
    )
    assert knee_in[0] > 0  # left knee towards the image right = medial from behind


def test_step_widths_pair_alternate_feet_only() -> None:
    strikes = [(0.0, "right", 3.0), (0.3, "left", -4.0), (0.6, "left", 2.0), (0.9, "right", 1.0)]
    assert fr.step_widths(strikes) == [("left", -1.0), ("right", 3.0)]


def test_category_edges_and_borderline() -> None:
    assert [fr.category(v, 5, 8) for v in (4.99, 5.0, 7.99, 8.0)] == [
        "within usual range",
        "increased",
        "increased",
        "marked",
    ]
    assert fr.category(float("nan"), 5, 8) is None
    assert fr.borderline(5.5, 1.0, (5.0, 8.0)) and not fr.borderline(6.5, 1.0, (5.0, 8.0))


def test_window_peak_refines_between_samples_and_refuses_too_few() -> None:
    t = np.arange(0, 0.4, 1 / 30)
    v = 8.0 - 400 * (t - 0.217) ** 2
    tp, vp = window_peak(t, v, 0.0, 0.4)
    assert tp == pytest.approx(0.217, abs=0.002) and vp == pytest.approx(8.0, abs=0.01)
    assert np.isnan(window_peak(t, v, 0.0, 0.05)[1])


def test_short_windows_from_a_flicker_are_merged_so_feet_alternate() -> None:
    w = [
        SupportWindow("right", 0.0, 0.35),
        SupportWindow("left", 0.35, 0.60),
        SupportWindow("right", 0.60, 0.64),  # a flicker of the feet's order
        SupportWindow("left", 0.64, 0.70),
        SupportWindow("right", 0.70, 1.05),
        SupportWindow("left", 1.05, 1.40),
    ]
    merged = _merge_short(w)
    assert [(x.side, x.start_s, x.end_s) for x in merged] == [
        ("right", 0.0, 0.35),
        ("left", 0.35, 0.70),
        ("right", 0.70, 1.05),
        ("left", 1.05, 1.40),
    ]
    assert [s for _, s in step_times_s(merged)] == [0.35, 0.35, 0.35]


def test_step_times_skip_gaps() -> None:
    w = [SupportWindow("right", 0.0, 0.35), SupportWindow("left", 0.5, 0.85)]
    assert step_times_s(w) == []


# ---------------------------------------------------------------- the waistband edge


def _two_tone(tilt_deg: float, *, same_colour: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A shirt over shorts whose boundary is tilted by ``tilt_deg`` (+ right end higher), with
    landmarks placing the window."""
    h, w = 400, 400
    img = np.zeros((h, w, 3), np.uint8)
    yy, xx = np.mgrid[0:h, 0:w]
    boundary = 200 - np.tan(np.radians(tilt_deg)) * (xx - 200)
    img[yy < boundary] = (230, 90, 40)
    img[yy >= boundary] = (230, 90, 40) if same_colour else (30, 40, 90)
    blurred = cv2.GaussianBlur(img, (0, 0), 1.2)
    xy = np.full((33, 2), np.nan)
    xy[23], xy[24] = (160.0, 240.0), (240.0, 240.0)  # hips 80 px apart, 40 px below the edge
    xy[11], xy[12] = (130.0, 40.0), (270.0, 40.0)  # shoulders
    return np.asarray(blurred, dtype=np.uint8), xy


@pytest.mark.parametrize("tilt", [-9.0, -3.0, 0.0, 4.0, 12.0])
def test_waistband_tilt_is_read_to_a_fraction_of_a_degree(tilt: float) -> None:
    img, xy = _two_tone(tilt)
    line = waistband_line(img, xy)
    assert line.ok
    assert line.tilt_deg == pytest.approx(tilt, abs=0.3)


def test_no_edge_no_waistband() -> None:
    img, xy = _two_tone(5.0, same_colour=True)
    assert not waistband_line(img, xy).ok
    xy[24] = xy[23] + 2  # hips on top of each other: a side view, no window
    assert not waistband_line(img, xy).ok


def test_best_seam_follows_the_longest_edge() -> None:
    g = np.zeros((6, 5))
    g[[4, 4, 3, 2, 2], [0, 1, 2, 3, 4]] = 1.0
    g[0, 2] = 1.5  # one strong pixel does not beat a long edge
    assert best_seam(g).tolist() == [4, 4, 3, 2, 2]


# ---------------------------------------------------------------- rules


def test_rear_rules_are_complete_and_match_the_category_edges() -> None:
    thresholds, _ = load_thresholds()
    rear_rules = {c: r for c, r in thresholds.findings.items() if r.view == "rear"}
    assert set(rear_rules) == {
        "pelvic_drop",
        "lateral_trunk_lean",
        "crossover_gait",
        "arm_crossing",
        "frontal_asymmetry",
    }
    drop = rear_rules["pelvic_drop"].bands
    assert (drop.low, drop.high) == DROP_EDGES_DEG
    for code, rule in rear_rules.items():
        assert rule.capacities and rule.reference, code
        assert Capacity.GLUTE_MED in rule.capacities or Capacity.ANTI_ROTATION in rule.capacities


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"pelvic_drop_deg": 4.9}, {}),
        ({"pelvic_drop_deg": 5.0}, {"pelvic_drop": Severity.LOW}),
        ({"pelvic_drop_deg": 8.0}, {"pelvic_drop": Severity.HIGH}),
        ({"lateral_lean_deg": 7.6}, {"lateral_trunk_lean": Severity.MODERATE}),
        ({"step_width_cm": 0.5}, {}),
        ({"step_width_cm": -0.5}, {"crossover_gait": Severity.LOW}),
        ({"step_width_cm": -6.5}, {"crossover_gait": Severity.HIGH}),
        ({"arm_cross_cm": -2.0}, {}),
        ({"arm_cross_cm": 3.5}, {"arm_crossing": Severity.MODERATE}),
        ({"pelvic_drop_asymmetry_deg": -4.6}, {"frontal_asymmetry": Severity.MODERATE}),
        ({"pelvic_drop_deg": float("nan")}, {}),
    ],
)
def test_rear_findings_golden(values: dict[str, float], expected: dict[str, Severity]) -> None:
    found = rear_view_findings(values)
    assert {f.code: f.severity for f in found} == expected
    for f in found:
        assert f.source == Source.VIDEO_REAR
        assert f.ruleset and f.ruleset.startswith("video-")
        assert "diagnos" not in f.explanation and "treats" not in f.explanation
