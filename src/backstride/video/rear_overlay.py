"""Annotated rear-view frames: skeleton, the pelvis line with its drop, the trunk line with its
lean, the body midline and where the stance foot landed.

Drawing happens on copies of decoded frames (RGB in, BGR out for PNG). The numbers drawn come
from the analysis; nothing is measured here except where the lines go.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from backstride.skeleton import Landmark, side_landmark
from backstride.video.overlay import ACCENT, _text, draw_skeleton

L = Landmark
GUIDE = (235, 215, 30)  # BGR: cyan reference lines (true vertical and level)
PELVIS = (60, 220, 60)  # BGR: green for the pelvis line


@dataclass(frozen=True)
class RearAnnotation:
    """What to draw on one rear-view key frame (coordinates in image pixels)."""

    time_s: float
    label: str  # e.g. "right stance 2"
    landmarks: NDArray[np.float64]  # (33, 2)
    stance_side: str
    pelvis_line: tuple[tuple[float, float], tuple[float, float]] | None  # waistband ends
    pelvis_text: str  # e.g. "pelvic drop 7 deg (increased)"
    lean_text: str  # e.g. "lateral lean 3 deg"
    foot_text: str  # e.g. "foot 4 cm from midline"
    camera_roll_deg: float = 0.0  # the level and vertical guides follow a tilted camera


def _pt(p: NDArray[np.float64] | tuple[float, float]) -> tuple[int, int]:
    return round(float(p[0])), round(float(p[1]))


def _finite(*points: NDArray[np.float64]) -> bool:
    return all(np.all(np.isfinite(p)) for p in points)


def annotate_rear(frame_rgb: np.ndarray, ann: RearAnnotation) -> np.ndarray:
    """Return a BGR copy of ``frame_rgb`` with the rear-view annotation drawn."""
    img = cv2.cvtColor(frame_rgb, cv2.COLOR_RGB2BGR)
    h = img.shape[0]
    width = max(2, h // 300)
    scale = max(0.45, h / 1100)
    xy = ann.landmarks
    draw_skeleton(img, xy, "right", width)  # runner's right in orange, left in blue
    hip_c = 0.5 * (xy[L.LEFT_HIP] + xy[L.RIGHT_HIP])
    sh_c = 0.5 * (xy[L.LEFT_SHOULDER] + xy[L.RIGHT_SHOULDER])
    heel = xy[side_landmark(ann.stance_side, "HEEL")]
    roll = np.radians(ann.camera_roll_deg)
    level = np.array([np.cos(roll), -np.sin(roll)])  # true horizontal, as the camera shows it
    up = np.array([-np.sin(roll), -np.cos(roll)])  # true vertical, upwards
    if _finite(hip_c, sh_c):
        floor_y = float(np.nanmax(xy[[L.LEFT_HEEL, L.RIGHT_HEEL], 1]))
        down = hip_c - up * (floor_y - hip_c[1]) / max(float(-up[1]), 1e-6)
        cv2.line(img, _pt(hip_c), _pt(down), GUIDE, 1, cv2.LINE_AA)
        top = hip_c + up * np.linalg.norm(sh_c - hip_c)
        cv2.line(img, _pt(hip_c), _pt(top), GUIDE, 1, cv2.LINE_AA)
        cv2.line(img, _pt(hip_c), _pt(sh_c), ACCENT, width + 1, cv2.LINE_AA)
        _text(img, ann.lean_text, _pt(sh_c + np.array([16.0, -8.0])), scale)
    if ann.pelvis_line is not None and _finite(np.array(ann.pelvis_line)):
        a, b = np.array(ann.pelvis_line[0]), np.array(ann.pelvis_line[1])
        extend = 0.6 * (b - a)
        cv2.line(img, _pt(a - extend), _pt(b + extend), PELVIS, width + 1, cv2.LINE_AA)
        centre, half = 0.5 * (a + b), 0.5 * np.linalg.norm(b - a) * 2.2
        cv2.line(img, _pt(centre - level * half), _pt(centre + level * half), GUIDE, 1, cv2.LINE_AA)
    if _finite(hip_c):
        _text(img, ann.pelvis_text, _pt(hip_c + np.array([24.0, 10.0])), scale)
    if _finite(heel, hip_c):
        cv2.circle(img, _pt(heel), 3 * width, ACCENT, width, cv2.LINE_AA)
        y = round(heel[1]) + 4 * width
        cv2.line(img, (round(hip_c[0]), y), (round(heel[0]), y), ACCENT, width, cv2.LINE_AA)
        _text(img, ann.foot_text, (round(min(hip_c[0], heel[0])) - 40, y + int(30 * scale)), scale)
    _text(img, f"{ann.label}  t={ann.time_s:.2f} s", (10, int(30 * scale) + 6), scale)
    return img
