"""A pinhole camera for the synthetic clips: where it stands, where it looks, how it projects.

Camera coordinates follow OpenCV: x right, y down, z forward (into the scene); pixels (u, v) from
the top-left corner.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from backstride.synth.kinematics import Array

View = Literal["side", "rear", "front"]


class CameraSpec(BaseModel):
    """How the synthetic clip is filmed.

    ``side="right"`` puts the camera on the runner's right: they run left to right in the image
    with the right leg nearest. ``view="rear"`` films from behind (the runner's right on the
    image's right), ``view="front"`` from in front, facing the runner. ``yaw_deg`` turns the
    camera away from perpendicular (side) or straight-behind (rear). ``fill`` is the fraction of
    the frame height the runner's standing height occupies.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    view: View = "side"
    side: Literal["right", "left"] = "right"
    distance_m: float = Field(default=4.0, ge=1.5, le=30)
    height_m: float = Field(default=1.0, ge=0.2, le=2.5)
    yaw_deg: float = Field(default=0.0, ge=-60, le=60)
    pitch_deg: float = Field(default=0.0, ge=-30, le=30)
    roll_deg: float = Field(default=0.0, ge=-20, le=20)  # + turns the picture counter-clockwise
    fill: float = Field(default=0.72, gt=0.1, le=1.2)
    follow: bool = True  # pan with the runner overground (a person filming)
    # Moves the runner up (+) or down (-) in the frame, in frame heights: -0.3 cuts the feet off.
    vertical_shift: float = Field(default=0.0, ge=-0.8, le=0.8)


class Camera:
    """A posed pinhole camera that projects world points to pixels."""

    def __init__(self, rotation: Array, position: Array, focal_px: float, size: tuple[int, int]):
        self.rotation = rotation  # rows: camera x, y, z axes in world coordinates
        self.position = position
        self.focal_px = focal_px
        self.width, self.height = size

    def to_camera(self, points: Array) -> Array:
        """World (..., 3) -> camera coordinates (..., 3)."""
        return (points - self.position) @ self.rotation.T

    def project(self, points: Array) -> tuple[Array, Array]:
        """World (..., 3) -> pixels (..., 2) and depth along the optical axis (...)."""
        cam = self.to_camera(points)
        z = cam[..., 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            u = self.focal_px * cam[..., 0] / z + self.width / 2
            v = self.focal_px * cam[..., 1] / z + self.height / 2
        return np.stack([u, v], axis=-1), z


def _yaw(angle_rad: float) -> Array:
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def _roll(angle_rad: float) -> Array:
    """Rotation of the camera about its optical axis: the picture turns by -angle."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.array([[c, s, 0], [-s, c, 0], [0, 0, 1]])


def _pitch(angle_rad: float) -> Array:
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def place_camera(
    spec: CameraSpec, target: Array, size: tuple[int, int], subject_height_m: float
) -> Camera:
    """Pose a camera of ``spec`` looking at ``target`` (x, y, z), framed for the subject.

    The focal length makes ``subject_height_m`` fill ``spec.fill`` of the frame height at the
    camera's distance.
    """
    height = size[1]
    # Axes (rows): image right, image down, optical axis; for the base orientation of each view.
    if spec.view == "side":
        s = 1.0 if spec.side == "right" else -1.0
        base = np.array([[s, 0, 0], [0, -1, 0], [0, 0, -s]], dtype=float)
        offset = np.array([0.0, 0.0, s * spec.distance_m])
    elif spec.view == "rear":
        base = np.array([[0, 0, 1], [0, -1, 0], [1, 0, 0]], dtype=float)
        offset = np.array([-spec.distance_m, 0.0, 0.0])
    else:  # front: looking back along the running direction
        base = np.array([[0, 0, -1], [0, -1, 0], [-1, 0, 0]], dtype=float)
        offset = np.array([spec.distance_m, 0.0, 0.0])
    turn = _yaw(np.radians(spec.yaw_deg))
    # Yaw about the world vertical, then tilt about the camera's own x axis, then roll.
    rotation = (
        _roll(np.radians(spec.roll_deg)) @ _pitch(np.radians(spec.pitch_deg)) @ (base @ turn.T)
    )
    position = target + turn @ offset
    position[1] = spec.height_m
    focal = spec.fill * height * spec.distance_m / subject_height_m
    cam = Camera(rotation, position, focal, size)
    # Centre the target's height in the frame, then apply the requested shift.
    uv, _ = cam.project(np.array([target[0], target[1], target[2]]))
    dv = uv[1] - height / 2 + spec.vertical_shift * height
    cam.position = cam.position + cam.rotation[1] * (dv * spec.distance_m / focal)
    return cam
