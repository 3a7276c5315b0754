"""The room around the synthetic runner: a wall, a floor with lines, a treadmill, a pole.

None of it matters to the pose model beyond being plausible; the floor lines make a panning
camera visible and the treadmill belt stripes move at belt speed.
"""

from __future__ import annotations

import cv2
import numpy as np

from backstride.synth.camera import Camera
from backstride.synth.figure import SCALE, SHIFT, _pts
from backstride.synth.kinematics import Array

WALL = (205, 200, 190)
FLOOR = (150, 160, 165)
LINE = (120, 128, 132)
BELT = (55, 55, 58)
DECK = (95, 95, 100)
POLE = (80, 110, 140)

TREADMILL_DECK_M = 0.18  # belt surface height above the floor


def _poly(img: np.ndarray, cam: Camera, pts: Array, color: tuple[int, int, int]) -> None:
    uv, z = cam.project(pts)
    if np.any(z <= 0.05) or not np.all(np.isfinite(uv)):
        return
    cv2.fillConvexPoly(img, _pts(uv), color, cv2.LINE_AA, SHIFT)


def _line(img: np.ndarray, cam: Camera, a: Array, b: Array, color: tuple[int, int, int]) -> None:
    uv, z = cam.project(np.stack([a, b]))
    if np.any(z <= 0.05) or not np.all(np.isfinite(uv)):
        return
    cv2.line(img, tuple(_pts(uv[0])), tuple(_pts(uv[1])), color, 2, cv2.LINE_AA, SHIFT)


def draw_room(img: np.ndarray, cam: Camera, *, view: str, centre_x: float, floor_y: float) -> None:
    """Wall and floor with lines every metre, seen by ``cam``."""
    img[:] = WALL
    toward = cam.position - np.array([centre_x, 0.0, 0.0])
    if view == "side":
        s = np.sign(toward[2]) or 1.0
        near_z, far_z = cam.position[2] - s * 0.6, -s * 3.5
        x0, x1 = centre_x - 15, centre_x + 15
        corners = np.array(
            [
                [x0, floor_y, near_z],
                [x1, floor_y, near_z],
                [x1, floor_y, far_z],
                [x0, floor_y, far_z],
            ]
        )
        _poly(img, cam, corners, FLOOR)
        for x in np.arange(np.floor(x0), x1, 1.0):
            _line(img, cam, np.array([x, floor_y, near_z]), np.array([x, floor_y, far_z]), LINE)
    else:  # rear or front: the floor runs away from the camera along x
        s = 1.0 if view == "rear" else -1.0
        near_x, far_x = cam.position[0] + s * 0.6, centre_x + s * 8.0
        corners = np.array(
            [[near_x, floor_y, -4], [near_x, floor_y, 4], [far_x, floor_y, 4], [far_x, floor_y, -4]]
        )
        _poly(img, cam, corners, FLOOR)
        for x in np.arange(np.ceil(min(near_x, far_x)), max(near_x, far_x), 1.0):
            _line(img, cam, np.array([x, floor_y, -4]), np.array([x, floor_y, 4]), LINE)


def draw_treadmill(img: np.ndarray, cam: Camera, *, t: float, belt_speed_mps: float) -> None:
    """A treadmill deck whose belt surface is y = 0, with stripes moving back at belt speed."""
    x0, x1, z0, z1 = -0.95, 0.95, -0.32, 0.32
    top = np.array([[x0, 0, z0], [x1, 0, z0], [x1, 0, z1], [x0, 0, z1]], dtype=float)
    d = -TREADMILL_DECK_M
    _poly(img, cam, np.array([[x0, 0, z1], [x1, 0, z1], [x1, d, z1], [x0, d, z1]]), DECK)
    _poly(img, cam, np.array([[x0, 0, z0], [x0, 0, z1], [x0, d, z1], [x0, d, z0]]), DECK)
    _poly(img, cam, top, BELT)
    offset = (-belt_speed_mps * t) % 0.5
    for x in np.arange(x0 + offset, x1, 0.5):
        _line(img, cam, np.array([x, 0.001, z0]), np.array([x, 0.001, z1]), (85, 85, 90))


def draw_pole(img: np.ndarray, cam: Camera, base: Array, width_m: float = 0.12) -> None:
    """A vertical pole standing at ``base`` (x, floor, z), facing the camera."""
    right = cam.rotation[0] * np.array([1.0, 0.0, 1.0])
    right = right / np.linalg.norm(right) * width_m / 2
    up = np.array([0.0, 2.6, 0.0])
    _poly(
        img, cam, np.array([base - right, base + right, base + right + up, base - right + up]), POLE
    )


__all__ = ["SCALE", "draw_pole", "draw_room", "draw_treadmill"]
