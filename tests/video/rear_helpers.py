"""Helpers for the rear-view tests: ideal landmarks of a synthetic runner (the generator's own
projection, no video and no pose model) and bad videos made from good ones."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from backstride.synth.render import ClipSpec, Renderer, frame_times
from backstride.synth.truth import GaitTruth, gait_truth
from backstride.video.decode import iter_frames, probe
from backstride.video.encode import VideoWriter
from backstride.video.pose import PoseSequence


def ideal_pose(spec: ClipSpec) -> tuple[PoseSequence, GaitTruth]:
    """The landmarks a perfect pose model would return for ``spec``, and the truth."""
    renderer = Renderer(spec)
    times = frame_times(spec)
    world = renderer.model.keypoints(times)
    uv = np.empty((times.size, 33, 2))
    depth = np.empty((times.size, 33))
    for i, t in enumerate(times):
        uv[i], depth[i] = renderer.camera_at(float(t)).project(world[i])
    seq = PoseSequence(uv, np.ones((times.size, 33)), depth, times, spec.display_size, "ideal")
    return seq, gait_truth(renderer.model, spec.duration_s)


def truth_mean(truth: GaitTruth, key: str) -> float:
    """Mean of a per-foot truth value over both feet."""
    return float(np.mean([getattr(truth.feet[s], key) for s in ("right", "left")]))


def hide_feet(src: Path, dst: Path, top_px: int) -> Path:
    """A copy of ``src`` with a dark treadmill frame from ``top_px`` down, hiding the feet."""
    info = probe(src)
    with VideoWriter(dst, (info.width, info.height), info.container_fps) as writer:
        for frame in iter_frames(info):
            img = cv2.cvtColor(frame.image, cv2.COLOR_RGB2BGR)
            img[top_px:] = (75, 70, 70)
            writer.write(img, frame.time_s)
    return dst
