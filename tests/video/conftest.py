"""Helpers for video tests: orthographic side-view landmarks of a synthetic runner."""

from __future__ import annotations

import numpy as np
import pytest

from backstride.synth.body import Body
from backstride.synth.gait import GaitModel, GaitParams
from backstride.synth.truth import GaitTruth, gait_truth
from backstride.video.pose import PoseSequence

PX_PER_M = 250.0
FLOOR_Y = 600.0


def side_landmarks(
    params: GaitParams,
    *,
    fps: float = 60.0,
    duration_s: float = 3.0,
    noise_px: float = 0.0,
    seed: int = 0,
    facing_right: bool = True,
) -> tuple[PoseSequence, GaitTruth]:
    """An ideal side camera (orthographic, 250 px/m) filming a synthetic runner.

    The landmarks are the exact joint positions, optionally with Gaussian pixel noise: the
    science can be tested without the pose model in the way.
    """
    model = GaitModel(params, Body(height_m=1.75))
    t = np.arange(0, duration_s, 1.0 / fps)
    kp = model.keypoints(t)
    sign = 1.0 if facing_right else -1.0
    x = (
        640
        + sign
        * (kp[..., 0] - (params.speed_mps * t[:, None] if params.mode == "overground" else 0.0))
        * PX_PER_M
    )
    y = FLOOR_Y - kp[..., 1] * PX_PER_M
    xy = np.stack([x, y], axis=-1)
    if noise_px:
        xy = xy + np.random.default_rng(seed).normal(0, noise_px, xy.shape)
    # near side: the right leg faces a camera on the runner's right (facing right in the image)
    # right-side landmarks have even indices: nearer (smaller depth) when facing right
    depth = np.where(np.arange(33) % 2 == 0, -1.0, 1.0)[None, :] * np.ones((t.size, 1))
    depth = depth if facing_right else -depth
    seq = PoseSequence(
        xy_px=xy,
        visibility=np.ones((t.size, 33)),
        depth=depth,
        times_s=t,
        frame_size=(1280, 720),
        backend="exact",
    )
    return seq, gait_truth(model, duration_s)


@pytest.fixture
def exact_side() -> tuple[PoseSequence, GaitTruth]:
    return side_landmarks(GaitParams())
