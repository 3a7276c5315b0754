"""Film a synthetic runner into a real MP4 and return the truth alongside the file.

`render_clip` draws every frame of a `GaitModel` from a `CameraSpec` with the options a phone
video brings in practice: portrait frames stored with a rotation tag, variable frame rate,
slow-motion files whose container rate is not the capture rate, sensor noise and blur, a camera
not quite perpendicular, a second person walking through, a pole hiding part of the body, the
runner partly out of frame. Frames are encoded one at a time (H.264 through PyAV): a clip is never
held in memory.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import cv2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from backstride.skeleton import N_LANDMARKS
from backstride.synth.body import Body
from backstride.synth.camera import Camera, CameraSpec, place_camera
from backstride.synth.figure import PASSERBY, Style, draw_people, runner_primitives
from backstride.synth.gait import GaitModel, GaitParams
from backstride.synth.kinematics import Array
from backstride.synth.scene import TREADMILL_DECK_M, draw_pole, draw_room, draw_treadmill
from backstride.synth.truth import GaitTruth, gait_truth
from backstride.video.encode import VideoWriter


class ClipSpec(BaseModel):
    """Everything that decides a synthetic clip. Same spec, same file (seeded)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    gait: GaitParams = GaitParams()
    height_m: float = Field(default=1.75, ge=1.3, le=2.2)
    camera: CameraSpec = CameraSpec()
    width: int = Field(default=1280, ge=160, le=3840)
    height: int = Field(default=720, ge=120, le=2160)
    fps: float = Field(default=60.0, ge=10, le=480)  # capture rate: frames per real second
    container_fps: float | None = Field(default=None, ge=10, le=480)  # playback rate if slow-mo
    duration_s: float = Field(default=3.0, gt=0.2, le=120)
    portrait: bool = False  # displayed portrait, stored landscape with a rotation tag
    vfr_jitter: float = Field(default=0.0, ge=0, lt=0.45)  # frame-time jitter, fraction of 1/fps
    noise_sigma: float = Field(default=0.0, ge=0, le=60)  # sensor noise, grey levels
    blur_sigma_px: float = Field(default=0.0, ge=0, le=10)
    passerby: bool = False
    occlusion: bool = False
    crf: int = Field(default=20, ge=0, le=51)
    seed: int = 0

    @property
    def display_size(self) -> tuple[int, int]:
        """(width, height) of the frames as a viewer sees them."""
        return (self.height, self.width) if self.portrait else (self.width, self.height)

    def key(self) -> str:
        """A short content hash of the spec, for caching rendered clips."""
        import hashlib

        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]


class FrameTruth(BaseModel):
    """Per-frame truth in the displayed image: times and projected landmarks."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    times_s: list[float]  # capture (real) time of each frame
    keypoints_px: list[list[list[float]]]  # (T, 33, 2) in displayed pixel coordinates
    depth_m: list[list[float]]  # (T, 33) distance along the optical axis
    near_side: str | None  # side view: which leg is nearer the camera

    def keypoints_array(self) -> Array:
        """(T, 33, 2) array of the projected landmarks."""
        return np.asarray(self.keypoints_px, dtype=float)


class RenderedClip(BaseModel):
    """A rendered clip on disk with everything known about it."""

    model_config = ConfigDict(frozen=True)

    path: Path
    spec: ClipSpec
    truth: GaitTruth
    frames: FrameTruth

    def save_truth(self) -> Path:
        """Write the truth next to the clip (``<clip>.truth.json``) and return its path."""
        out = self.path.with_suffix(".truth.json")
        tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
        tmp.write_text(self.model_dump_json())
        tmp.replace(out)  # atomic: a parallel test worker never reads half a file
        return out

    @classmethod
    def load(cls, clip: Path) -> RenderedClip:
        """Read a clip's truth written by `save_truth`."""
        return cls.model_validate(json.loads(clip.with_suffix(".truth.json").read_text()))


def frame_times(spec: ClipSpec) -> Array:
    """Capture times of the frames: regular, or jittered for a variable-frame-rate clip."""
    n = round(spec.duration_s * spec.fps)
    t = np.arange(n) / spec.fps
    if spec.vfr_jitter:
        rng = np.random.default_rng(spec.seed + 7)
        t = t + rng.uniform(-spec.vfr_jitter, spec.vfr_jitter, n) / spec.fps
        t[0] = 0.0
    return t


def _passerby_model(spec: ClipSpec) -> tuple[GaitModel, Body]:
    slow = GaitParams(
        cadence_spm=124,
        speed_mps=1.3,
        contact_ms=420,
        overstride_pct_leg=10,
        foot_strike_deg=15,
        knee_flexion_contact_deg=8,
        trunk_lean_deg=2,
        vertical_oscillation_cm=9,
        mode="overground",
        arm_swing_deg=20,
    )
    return GaitModel(slow, Body(height_m=1.68)), Body(height_m=1.68)


def _passerby_points(
    spec: ClipSpec, model: GaitModel, t: float, runner_mid_x: float
) -> tuple[Array, Array]:
    """The passer-by walks the other way beyond the runner, level with them at mid-clip.

    Side view: 1.6 m further from the camera than the runner. Rear (front) view: crossing from
    side to side 2 m beyond the runner.
    """
    kp = model.keypoints(np.array([t]))[0]
    head = model.head_centre(np.array([t]))[0].reshape(1, 3)
    travelled_mid = model.params.speed_mps * spec.duration_s / 2
    s = 1.0 if spec.camera.side == "right" else -1.0
    for pts in (kp, head):
        along = pts[:, 0] - travelled_mid  # 0 at mid-clip
        if spec.camera.view == "side":
            pts[:, 0] = runner_mid_x - along
            pts[:, 2] = -pts[:, 2] - s * 1.6
        else:
            depth = pts[:, 2].copy()
            beyond = 2.0 if spec.camera.view == "rear" else -2.0
            pts[:, 0] = runner_mid_x + beyond + depth
            pts[:, 2] = along
    return kp, head[0]


class Renderer:
    """Draws the frames of a clip spec one at a time."""

    def __init__(self, spec: ClipSpec) -> None:
        self.spec = spec
        self.body = Body(height_m=spec.height_m)
        self.model = GaitModel(spec.gait, self.body)
        self.style = Style()
        self.rng = np.random.default_rng(spec.seed)
        self.treadmill = spec.gait.mode == "treadmill"
        self.floor_y = -TREADMILL_DECK_M if self.treadmill else 0.0
        self.passerby = _passerby_model(spec) if spec.passerby else None
        self.pole_x = self._centre_x(spec.duration_s / 2) - 0.25

    def _centre_x(self, t: float) -> float:
        return self.spec.gait.speed_mps * t if self.spec.gait.mode == "overground" else 0.0

    def camera_at(self, t: float) -> Camera:
        """The camera for the frame at time t (panning with the runner when following)."""
        spec = self.spec
        cx = self._centre_x(t) if spec.camera.follow else self._centre_x(spec.duration_s / 2)
        target = np.array([cx, self.body.height_m * 0.52 + self.floor_y * 0.5, 0.0])
        cam_spec = spec.camera
        if self.treadmill:
            cam_spec = cam_spec.model_copy(update={"height_m": cam_spec.height_m})
        return place_camera(cam_spec, target, spec.display_size, self.body.height_m * 1.15)

    def frame(self, t: float) -> tuple[np.ndarray, Array, Array]:
        """Draw the displayed frame at time t; return it with projected landmarks and depths."""
        spec = self.spec
        width, height = spec.display_size
        cam = self.camera_at(t)
        img = np.empty((height, width, 3), np.uint8)
        draw_room(img, cam, view=spec.camera.view, centre_x=self._centre_x(t), floor_y=self.floor_y)
        if self.treadmill:
            draw_treadmill(img, cam, t=t, belt_speed_mps=spec.gait.speed_mps)
        kp = self.model.keypoints(np.array([t]))[0]
        head = self.model.head_centre(np.array([t]))[0]
        shade_far = spec.camera.view == "side"
        prims = runner_primitives(cam, kp, head, self.body, self.style, shade_far=shade_far)
        if self.passerby is not None:
            pmodel, pbody = self.passerby
            pkp, phead = _passerby_points(spec, pmodel, t, self._centre_x(spec.duration_s / 2))
            prims += runner_primitives(cam, pkp, phead, pbody, PASSERBY, shade_far=shade_far)
        draw_people(img, prims)
        if spec.occlusion:
            if spec.camera.view == "side":
                s = 1.0 if spec.camera.side == "right" else -1.0
                base = np.array([self.pole_x, self.floor_y, s * 1.2])
            else:  # between the camera and the runner
                toward = -1.2 if spec.camera.view == "rear" else 1.2
                base = np.array([self._centre_x(t) + toward, self.floor_y, 0.30])
            draw_pole(img, cam, base)
        uv, depth = cam.project(kp)
        return self._degrade(img), uv, depth

    def _degrade(self, img: np.ndarray) -> np.ndarray:
        spec = self.spec
        if spec.blur_sigma_px:
            img = cv2.GaussianBlur(img, (0, 0), spec.blur_sigma_px)
        if spec.noise_sigma:
            noise = self.rng.normal(0, spec.noise_sigma, img.shape)
            img = np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
        return img

    def near_side(self) -> str | None:
        """In a side view, the leg nearer the camera."""
        return self.spec.camera.side if self.spec.camera.view == "side" else None


def _encode(path: Path, spec: ClipSpec, frames: Iterator[tuple[float, np.ndarray]]) -> None:
    """Encode displayed frames; slow-motion clips get container times stretched."""
    playback = spec.container_fps or spec.fps
    slow = spec.fps / playback
    with VideoWriter(
        path, (spec.width, spec.height), playback, crf=spec.crf, rotate_portrait=spec.portrait
    ) as writer:
        for t, img in frames:
            writer.write(img, t * slow)


def render_clip(
    spec: ClipSpec, path: Path, *, progress: Callable[[int, int], None] | None = None
) -> RenderedClip:
    """Render ``spec`` to ``path`` (MP4) and return the clip with its truth.

    ``progress(done, total)`` is called after each frame when given.
    """
    renderer = Renderer(spec)
    times = frame_times(spec)
    uvs = np.zeros((times.size, N_LANDMARKS, 2))
    depths = np.zeros((times.size, N_LANDMARKS))

    def frames() -> Iterator[tuple[float, np.ndarray]]:
        for i, t in enumerate(times):
            img, uv, depth = renderer.frame(float(t))
            uvs[i], depths[i] = uv, depth
            if progress is not None:
                progress(i + 1, times.size)
            yield float(t), img

    _encode(path, spec, frames())
    clip = RenderedClip(
        path=path,
        spec=spec,
        truth=gait_truth(renderer.model, spec.duration_s),
        frames=FrameTruth(
            times_s=times.tolist(),
            keypoints_px=np.round(uvs, 3).tolist(),
            depth_m=np.round(depths, 4).tolist(),
            near_side=renderer.near_side(),
        ),
    )
    clip.save_truth()
    return clip


def render_once(
    spec: ClipSpec, path: Path, *, progress: Callable[[int, int], None] | None = None
) -> RenderedClip:
    """The clip at ``path`` if it was rendered from ``spec`` (its truth file says so), else
    render it there."""
    if path.exists() and path.with_suffix(".truth.json").exists():
        clip = RenderedClip.load(path)
        if clip.spec == spec:
            return clip
    return render_clip(spec, path, progress=progress)
