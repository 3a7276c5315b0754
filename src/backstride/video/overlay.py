"""Annotated frames: skeleton, trunk and shank lines with their angles, and the overstride drawn.

Drawing happens on copies of decoded frames (RGB in, PNG out). The measurements drawn come from
the analysis; nothing is measured here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from backstride.skeleton import BONES, Landmark, side_landmark

L = Landmark
NEAR = (40, 200, 255)  # BGR: orange-yellow for the near side
FAR = (255, 160, 60)  # BGR: blue for the far side
MID = (240, 240, 240)
ACCENT = (60, 60, 235)  # BGR red: measurements
TEXT_BG = (20, 20, 20)


@dataclass(frozen=True)
class Annotation:
    """What to draw on one key frame."""

    time_s: float
    label: str  # e.g. "right foot strike 2"
    landmarks: NDArray[np.float64]  # (33, 2) px
    near_side: str
    direction: int
    trunk_lean_deg: float | None = None
    shank_angle_deg: float | None = None
    overstride_text: str | None = None  # drawn from pelvis to heel when given


def _pt(p: NDArray[np.float64]) -> tuple[int, int]:
    return round(float(p[0])), round(float(p[1]))


def _text(img: np.ndarray, text: str, org: tuple[int, int], scale: float) -> None:
    font = cv2.FONT_HERSHEY_SIMPLEX
    thick = max(1, round(scale * 2))
    (w, h), base = cv2.getTextSize(text, font, scale, thick)
    x, y = org
    x = int(np.clip(x, 2, img.shape[1] - w - 4))
    y = int(np.clip(y, h + 4, img.shape[0] - base - 2))
    cv2.rectangle(img, (x - 3, y - h - 4), (x + w + 3, y + base + 2), TEXT_BG, -1)
    cv2.putText(img, text, (x, y), font, scale, (255, 255, 255), thick, cv2.LINE_AA)


def draw_skeleton(img: np.ndarray, xy: NDArray[np.float64], near_side: str, width: int) -> None:
    """Bones in near/far colours, joints as dots."""
    for a, b in BONES:
        if not (np.all(np.isfinite(xy[a])) and np.all(np.isfinite(xy[b]))):
            continue
        name = f"{a.name} {b.name}"
        if near_side.upper() in name and "_" in name:
            color = NEAR
        elif ("LEFT" in name and near_side == "right") or ("RIGHT" in name and near_side == "left"):
            color = FAR
        else:
            color = MID
        cv2.line(img, _pt(xy[a]), _pt(xy[b]), color, width, cv2.LINE_AA)
    for i in range(11, 33):
        if np.all(np.isfinite(xy[i])):
            cv2.circle(img, _pt(xy[i]), width + 1, (255, 255, 255), -1, cv2.LINE_AA)


def annotate(frame_rgb: np.ndarray, ann: Annotation) -> np.ndarray:
    """Return a BGR copy of ``frame_rgb`` with the annotation drawn."""
    img = cv2.cvtColor(frame_rgb, cv2.COLOR_RGB2BGR)
    h = img.shape[0]
    width = max(2, h // 300)
    scale = max(0.45, h / 1100)
    xy = ann.landmarks
    draw_skeleton(img, xy, ann.near_side, width)
    hip_c = 0.5 * (xy[L.LEFT_HIP] + xy[L.RIGHT_HIP])
    sh_c = 0.5 * (xy[L.LEFT_SHOULDER] + xy[L.RIGHT_SHOULDER])
    if ann.trunk_lean_deg is not None and np.all(np.isfinite([*hip_c, *sh_c])):
        cv2.line(img, _pt(hip_c), _pt(sh_c), ACCENT, width + 1, cv2.LINE_AA)
        top = hip_c + np.array([0.0, -np.linalg.norm(sh_c - hip_c)])
        cv2.line(img, _pt(hip_c), _pt(top), (200, 200, 200), 1, cv2.LINE_AA)
        _text(img, f"trunk {ann.trunk_lean_deg:+.0f} deg", _pt(sh_c + np.array([12, 0])), scale)
    knee = xy[side_landmark(ann.near_side, "KNEE")]
    ankle = xy[side_landmark(ann.near_side, "ANKLE")]
    if ann.shank_angle_deg is not None and np.all(np.isfinite([*knee, *ankle])):
        cv2.line(img, _pt(knee), _pt(ankle), ACCENT, width + 1, cv2.LINE_AA)
        _text(
            img,
            f"shank {ann.shank_angle_deg:+.0f} deg",
            _pt(knee + np.array([14 * ann.direction, 0])),
            scale,
        )
    heel = xy[side_landmark(ann.near_side, "HEEL")]
    if ann.overstride_text and np.all(np.isfinite([*hip_c, *heel])):
        y = round(heel[1]) + 3 * width
        cv2.line(img, _pt(hip_c), (round(hip_c[0]), y), (200, 200, 200), 1, cv2.LINE_AA)
        cv2.arrowedLine(
            img,
            (round(hip_c[0]), y),
            (round(heel[0]), y),
            ACCENT,
            width,
            cv2.LINE_AA,
            tipLength=0.15,
        )
        _text(
            img, ann.overstride_text, (int(min(hip_c[0], heel[0])), y + int(28 * scale) + 6), scale
        )
    _text(img, f"{ann.label}  t={ann.time_s:.2f} s", (10, int(30 * scale) + 6), scale)
    _ = h
    return img


def save_png(img_bgr: np.ndarray, path: Path) -> Path:
    """Write a BGR image as PNG."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), img_bgr):
        raise OSError(f"could not write {path}")
    return path


def nearest_indices(frame_times: NDArray[np.float64], wanted: Iterable[float]) -> list[int]:
    """Index of the frame nearest each wanted time."""
    return [int(np.argmin(np.abs(frame_times - t))) for t in wanted]


def event_label(
    t: float, events: dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]], window_s: float
) -> str:
    """'right strike' / 'left toe-off' when an event is within ``window_s`` of ``t``."""
    for side, (strikes, toe_offs) in events.items():
        if strikes.size and np.min(np.abs(strikes - t)) <= window_s:
            return f"{side} strike"
        if toe_offs.size and np.min(np.abs(toe_offs - t)) <= window_s:
            return f"{side} toe-off"
    return ""


def annotate_frame(
    frame_rgb: np.ndarray, xy: NDArray[np.float64], near_side: str, text: str
) -> np.ndarray:
    """A BGR copy of a frame with the skeleton and an event label, for the annotated video."""
    img = cv2.cvtColor(frame_rgb, cv2.COLOR_RGB2BGR)
    h = img.shape[0]
    draw_skeleton(img, xy, near_side, max(2, h // 300))
    if text:
        _text(img, text, (10, int(30 * max(0.45, h / 1100)) + 6), max(0.45, h / 1100))
    return img
