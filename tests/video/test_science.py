"""The side-view science on exact and noisy synthetic landmarks (no pose model in the way)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from backstride.synth.gait import GaitParams, plausible_speed_mps
from backstride.synth.score import event_errors_s
from backstride.video import sagittal as sg
from backstride.video.clean import clean, fill_gaps, hampel, lowpass, uniform_grid
from backstride.video.pipeline import run_side_view
from backstride.video.track import decide_facing, keep_one_runner, robust_trend, swap_states
from tests.video.conftest import side_landmarks


def _gait(**kw: Any) -> GaitParams:
    contact, over = kw.pop("contact_ms", 230), kw.pop("overstride_pct_leg", 12)
    return GaitParams(
        contact_ms=contact,
        overstride_pct_leg=over,
        speed_mps=plausible_speed_mps(contact, over),
        **kw,
    )


@pytest.mark.parametrize(
    ("params", "fps"),
    [
        (_gait(), 60),
        (_gait(cadence_spm=185, contact_ms=190, overstride_pct_leg=0), 120),
        (_gait(cadence_spm=155, contact_ms=290, overstride_pct_leg=25, foot_strike_deg=20), 60),
        (_gait(foot_strike_deg=-10), 60),  # forefoot strike
        (_gait(mode="overground"), 60),
    ],
)
def test_events_on_exact_landmarks(params: GaitParams, fps: float) -> None:
    """With perfect landmarks, strikes are within 5 ms and contact times within 15 ms."""
    seq, truth = side_landmarks(params, fps=fps)
    result = run_side_view(seq, height_cm=175)
    for side in ("right", "left"):
        ev = result.events[side]
        foot = truth.feet[side]
        strikes = event_errors_s(ev.all_strikes(), np.asarray(foot.strikes_s))
        assert strikes.size >= len(foot.strikes_s) - 1
        assert np.max(np.abs(strikes)) < 0.005
        contacts = [b - a for a, b in ev.contacts()]
        assert contacts and abs(1000 * np.median(contacts) - foot.contact_ms) < 15
    m = result.metrics.metrics
    assert m["cadence_spm"].value == pytest.approx(truth.cadence_spm, abs=1.0)
    # 5 ms of strike timing at 3.4 m/s is 1.7 cm: 2% of leg length
    assert m["overstride_pct_leg"].value == pytest.approx(truth.overstride_pct_leg, abs=2.0)
    assert m["trunk_lean_deg"].value == pytest.approx(truth.trunk_lean_deg, abs=0.5)
    # a sharp corner at touchdown: even exact landmarks sampled at 60 fps miss ~3 deg there
    assert m["shank_angle_deg"].value == pytest.approx(truth.shank_angle_deg, abs=4.0)
    assert m["speed_mps"].value == pytest.approx(truth.speed_mps, rel=0.03)
    assert result.metrics.strike_pattern == sg.strike_pattern(truth.foot_inclination_deg)


def test_noisy_landmarks_still_meet_the_bars() -> None:
    seq, truth = side_landmarks(_gait(), fps=60, noise_px=3.0, seed=3)
    result = run_side_view(seq, height_cm=175)
    near = result.events["right"]
    strikes = event_errors_s(near.all_strikes(), np.asarray(truth.feet["right"].strikes_s))
    assert np.median(np.abs(strikes)) < 1 / 60
    assert result.metrics.metrics["cadence_spm"].value == pytest.approx(170, abs=1)
    assert result.metrics.metrics["trunk_lean_deg"].value == pytest.approx(
        truth.trunk_lean_deg, abs=3
    )


def test_facing_left_mirrors_everything() -> None:
    right, _ = side_landmarks(_gait(), facing_right=True)
    left, _ = side_landmarks(_gait(), facing_right=False)
    assert decide_facing(right)[0] == "right"
    assert decide_facing(left)[0] == "left"
    a = run_side_view(right, height_cm=175)
    b = run_side_view(left, height_cm=175)
    assert (a.near_side, b.near_side) == ("right", "left")  # the camera sees the other side
    # the near legs strike at different phases of the frame grid: sub-degree differences
    for key, tol in (
        ("overstride_pct_leg", 0.5),
        ("shank_angle_deg", 1.5),
        ("trunk_lean_deg", 0.3),
    ):
        assert a.metrics.metrics[key].value == pytest.approx(b.metrics.metrics[key].value, abs=tol)


def test_label_swaps_are_undone() -> None:
    seq, _ = side_landmarks(_gait(), noise_px=1.0)
    from backstride.video.track import LEFT_LEG, RIGHT_LEG, fix_label_swaps

    swapped = seq.xy_px.copy()
    frames = [40, 41, 42, 97, 98]
    for f in frames:
        a, b = swapped[f, LEFT_LEG].copy(), swapped[f, RIGHT_LEG].copy()
        swapped[f, LEFT_LEG], swapped[f, RIGHT_LEG] = b, a
    from dataclasses import replace

    fixed, changed = fix_label_swaps(replace(seq, xy_px=swapped))
    assert changed["legs"] == len(frames)
    assert np.allclose(fixed.xy_px, seq.xy_px)


def test_swap_states_keeps_the_majority_labelling() -> None:
    t = np.arange(30.0)[:, None, None]
    a = np.concatenate([30 * np.sin(t / 5), 0 * t], axis=-1)
    b = np.concatenate([-30 * np.sin(t / 5), 0 * t + 4], axis=-1)
    swapped, margin = swap_states(a, b, window=9)
    assert not swapped.any()
    assert margin.shape == (30,)


def _trend_by_frame(x: np.ndarray, window: int, iterations: int = 3) -> np.ndarray:
    """The definition of `robust_trend`, one frame at a time: IRLS with Tukey's biweight."""
    n = x.shape[0]
    flat = x.reshape(n, -1)
    out = np.full_like(flat, np.nan)
    half = window // 2
    for t in range(n):
        lo, hi = max(0, t - half), min(n, t + half + 1)
        seg = flat[lo:hi]
        u = np.arange(lo, hi) - t
        design = np.stack([np.ones_like(u), u, u * u], axis=1).astype(float)
        ok = np.isfinite(seg).all(axis=1)
        if ok.sum() < 4:
            continue
        a, y = design[ok], seg[ok]
        w = np.ones(len(y))
        for _ in range(iterations):
            coef, *_ = np.linalg.lstsq(a * w[:, None], y * w[:, None], rcond=None)
            resid = np.linalg.norm(y - a @ coef, axis=1)
            scale = 6.0 * max(float(np.median(resid)), 1e-6)
            w = np.clip(1 - (resid / scale) ** 2, 0, None) ** 2
            if w.sum() < 3:
                break
        out[t] = coef[0]
    return out.reshape(x.shape)


@pytest.mark.parametrize("seed", range(5))
def test_robust_trend_matches_its_per_frame_definition(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 200
    t = np.arange(n, dtype=float)
    x = np.stack([80 * np.sin(t / 7 + k) + rng.normal(0, 2, n) for k in range(6)], axis=1)
    x = x.reshape(n, 3, 2)
    wrong = rng.choice(n, 20, replace=False)
    x[wrong] += rng.normal(0, 60, (20, 3, 2))  # swapped or misplaced frames
    x[rng.choice(n, 30, replace=False), rng.integers(0, 3)] = np.nan  # missing landmarks
    x[50:60] = np.nan  # a gap longer than half the window
    got = robust_trend(x, 13)
    want = _trend_by_frame(x, 13)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_allclose(got, want, atol=1e-6, equal_nan=True)


def test_a_passer_by_is_left_out() -> None:
    seq, _ = side_landmarks(_gait())
    xy = seq.xy_px.copy()
    xy[80:86] += np.array([400.0, -50.0])  # the pose jumps to someone else for 6 frames
    from dataclasses import replace

    track = keep_one_runner(replace(seq, xy_px=xy))
    assert track.foreign[80:86].all()
    assert track.foreign.sum() == 6


def test_clean_fills_short_gaps_only_and_keeps_timing() -> None:
    x = np.sin(np.linspace(0, 6 * np.pi, 200))
    holed = x.copy()
    holed[50:55] = np.nan  # 5 samples: filled
    holed[120:140] = np.nan  # 20 samples: kept as a gap
    filled = fill_gaps(holed, 7)
    assert np.isfinite(filled[50:55]).all()
    assert np.isnan(filled[120:140]).all()
    assert np.allclose(filled[50:55], x[50:55], atol=0.02)
    spike = x.copy()
    spike[30] += 5
    assert abs(hampel(spike)[30] - x[30]) < 0.1
    # zero phase: the filtered peak stays where it was
    pulse = np.exp(-0.5 * ((np.arange(300) - 150) / 6.0) ** 2)
    assert int(np.argmax(lowpass(pulse, 60.0, 6.0))) == 150


def test_uniform_grid_for_variable_frame_rate() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(120) / 60 + rng.uniform(-0.004, 0.004, 120)
    t[0] = 0.0
    xy = np.zeros((120, 33, 2)) + t[:, None, None] * 100
    out = clean(xy, t)
    assert out.fps == pytest.approx(60, rel=0.02)
    assert np.allclose(np.diff(out.times_s), 1 / out.fps)
    grid, _ = uniform_grid(t)
    assert out.xy_px.shape[0] == grid.size


def test_angle_and_timing_definitions() -> None:
    d = 1.0
    # shank: ankle ahead of the knee is positive
    knee, ankle = np.array([[100.0, 100.0]]), np.array([[110.0, 200.0]])
    assert -sg.angle_from_vertical_deg(ankle, knee, d)[0] == pytest.approx(5.71, abs=0.01)
    # facing left, the same picture mirrored gives the same angle
    knee_l, ankle_l = np.array([[100.0, 100.0]]), np.array([[90.0, 200.0]])
    assert -sg.angle_from_vertical_deg(ankle_l, knee_l, -1.0)[0] == pytest.approx(5.71, abs=0.01)
    assert sg.inner_angle_deg(
        np.array([0.0, 0.0]), np.array([0.0, 1.0]), np.array([1.0, 1.0])
    ) == pytest.approx(90)
    assert sg.symmetry_index_pct(1.0, 1.0) == 0
    assert sg.strike_pattern(12) == "heel"
    assert sg.strike_pattern(3) == "midfoot"
    assert sg.strike_pattern(-5) == "forefoot"
    assert sg.cadence_spm(np.array([0.7, 0.7, 0.72])) == pytest.approx(120 / 0.7)
    pel = np.array([0, 3, 5, 3, 0, 3, 5, 3, 0], dtype=float)
    times = np.arange(9.0)
    assert sg.vertical_oscillation_px(times, pel, np.array([0.0, 4.0, 8.0])).tolist() == [5, 5]
