"""Rendered clips: real MP4 files whose timing, orientation and content match their truth, and
a figure the real pose model finds."""

from __future__ import annotations

from collections.abc import Callable

import av
import numpy as np
import pytest

from backstride.skeleton import Landmark as L
from backstride.synth.camera import CameraSpec
from backstride.synth.gait import GaitParams
from backstride.synth.render import ClipSpec, RenderedClip, Renderer
from backstride.video.decode import iter_frames, probe
from backstride.video.estimate import estimate_pose
from backstride.video.pose import MediaPipePose

Clip = Callable[[ClipSpec], RenderedClip]
SHORT = {"duration_s": 2.0, "width": 640, "height": 360}


def _decoded_times(clip: RenderedClip) -> np.ndarray:
    with av.open(str(clip.path)) as c:
        return np.array([float(f.time or 0.0) for f in c.decode(video=0)])


def test_clip_is_a_real_video_with_truth_timestamps(synth_clip: Clip) -> None:
    clip = synth_clip(ClipSpec(**SHORT))
    info = probe(clip.path)
    assert (info.width, info.height) == (640, 360)
    assert info.container_fps == pytest.approx(60)
    times = _decoded_times(clip)
    assert times.size == 120
    assert np.allclose(times, clip.frames.times_s, atol=1e-4)
    assert clip.truth.cadence_spm == pytest.approx(170)


def test_portrait_is_stored_landscape_with_a_rotation_tag(synth_clip: Clip) -> None:
    clip = synth_clip(ClipSpec(portrait=True, **SHORT))
    with av.open(str(clip.path)) as c:
        frame = next(c.decode(video=0))
        assert (frame.width, frame.height) == (640, 360)  # stored landscape
        assert frame.rotation == -90
    info = probe(clip.path)
    assert (info.width, info.height) == (360, 640)  # displayed portrait
    first = next(iter_frames(info))
    assert first.image.shape == (640, 360, 3)
    # Upright: the runner's head is above their feet in the displayed frame.
    kp = clip.frames.keypoints_array()[0]
    assert kp[L.NOSE, 1] < kp[L.RIGHT_HEEL, 1]
    assert kp[:, 0].max() <= 360 and kp[:, 1].max() <= 640


def test_variable_frame_rate_keeps_real_times(synth_clip: Clip) -> None:
    clip = synth_clip(ClipSpec(vfr_jitter=0.3, **SHORT))
    times = _decoded_times(clip)
    steps = np.diff(times)
    assert steps.std() > 0.1 / 60  # really irregular
    assert np.allclose(times, clip.frames.times_s, atol=1e-4)


def test_slow_motion_container_rate_differs_from_capture(synth_clip: Clip) -> None:
    spec = ClipSpec(fps=240, container_fps=30, duration_s=1.0, width=640, height=360)
    clip = synth_clip(spec)
    info = probe(clip.path)
    assert info.container_fps == pytest.approx(30)
    assert info.duration_s == pytest.approx(8.0, abs=0.1)  # plays 8x slower
    real = probe(clip.path, capture_fps=240)
    assert real.duration_s == pytest.approx(1.0, abs=0.02)
    times = np.array([f.time_s for f in iter_frames(real)])
    assert np.allclose(times, clip.frames.times_s, atol=1e-3)


def _frame(spec: ClipSpec, t: float) -> np.ndarray:
    img, _, _ = Renderer(spec).frame(t)
    return img


def test_options_change_the_picture_as_asked() -> None:
    base = ClipSpec(width=640, height=360, duration_s=3.0)
    plain = _frame(base, 1.5)
    # noise: the flat wall is no longer flat
    noisy = _frame(base.model_copy(update={"noise_sigma": 8.0}), 1.5)
    assert plain[5:40, 5:40, 0].std() < 0.5 < noisy[5:40, 5:40, 0].std()
    # blur: fewer sharp edges
    blurred = _frame(base.model_copy(update={"blur_sigma_px": 2.0}), 1.5)
    assert (
        np.abs(np.diff(blurred.astype(int), axis=1)).sum()
        < np.abs(np.diff(plain.astype(int), axis=1)).sum()
    )
    # a second person: the passer-by's green shirt (hidden behind the runner at mid-clip)
    green = np.array([60, 160, 70])
    crowd = _frame(base.model_copy(update={"passerby": True}), 0.75)
    assert (np.abs(crowd.astype(int) - green).sum(axis=2) < 30).sum() > 200
    assert (np.abs(plain.astype(int) - green).sum(axis=2) < 30).sum() == 0
    # occlusion: a pole covers part of the frame
    pole = _frame(base.model_copy(update={"occlusion": True}), 1.5)
    assert (np.abs(pole.astype(int) - np.array([80, 110, 140])).sum(axis=2) < 10).sum() > 1000


def test_runner_partly_out_of_frame_and_camera_angle() -> None:
    cut = ClipSpec(camera=CameraSpec(vertical_shift=-0.35), width=640, height=360)
    _, uv, _ = Renderer(cut).frame(0.5)
    assert uv[L.RIGHT_HEEL, 1] > 360  # the feet are below the frame
    straight = ClipSpec(width=640, height=360)
    angled = ClipSpec(camera=CameraSpec(yaw_deg=30), width=640, height=360)
    _, a, _ = Renderer(straight).frame(0.5)
    _, b, _ = Renderer(angled).frame(0.5)
    width = lambda uv: abs(uv[L.RIGHT_SHOULDER, 0] - uv[L.LEFT_SHOULDER, 0])  # noqa: E731
    assert width(b) > width(a) + 5  # turning the camera shows the shoulders' width


@pytest.mark.slow
@pytest.mark.parametrize(
    "spec",
    [
        pytest.param(ClipSpec(duration_s=2.0), id="side"),
        pytest.param(ClipSpec(duration_s=2.0, camera=CameraSpec(side="left")), id="side-left"),
        pytest.param(ClipSpec(duration_s=2.0, camera=CameraSpec(view="rear")), id="rear"),
        pytest.param(
            ClipSpec(duration_s=2.0, gait=GaitParams(mode="overground"), portrait=True),
            id="overground-portrait",
        ),
    ],
)
def test_the_real_pose_model_finds_the_synthetic_runner(synth_clip: Clip, spec: ClipSpec) -> None:
    """BlazePose (mediapipe 0.10.21, full) detects >= 95% of frames, with small errors."""
    clip = synth_clip(spec)
    pose = MediaPipePose()
    try:
        seq = estimate_pose(probe(clip.path), pose)
    finally:
        pose.close()
    assert seq.detected.mean() >= 0.95
    truth = clip.frames.keypoints_array()
    body = [int(x) for x in L if x >= L.LEFT_SHOULDER and x not in range(17, 23)]
    err = np.linalg.norm(seq.xy_px[:, body] - truth[:, body], axis=-1)
    runner_px = np.nanmedian(truth[:, L.RIGHT_HEEL, 1] - truth[:, L.NOSE, 1])
    # median error within 3% of the runner's height (about 5 cm): joint centres vs. a model
    # trained on people, not an exact match
    assert np.nanmedian(err) < 0.03 * runner_px
    # and no joint is systematically elsewhere (no leg swapped for the whole clip)
    assert np.nanmax(np.nanmedian(err, axis=0)) < 0.08 * runner_px
