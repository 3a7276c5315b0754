"""A tilted camera, told apart from a runner who tilts, and removed.

A camera turned about its optical axis turns the whole picture: every pelvis-line tilt gains the
angle and every trunk angle loses it, and lateral distances between points at different heights
shift (5 deg moves a foot 8 cm sideways relative to the hips). Over whole strides a runner's
pelvis and trunk average out near level and upright: contralateral drop and lateral lean
alternate sides. So when both averages are off in the way a camera tilt would make them (the
pelvis line turned one way, the trunk the other, each by more than 1.5 deg), the camera's tilt
is their mean and the landmarks are turned back by it. When only one is off it is a standing
tilt or lean of the runner (or a pose-model bias): it is reported, not removed.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

Array = NDArray[np.float64]

#: Both averages must be off by more than this, in opposite senses, to call it a camera tilt.
TILT_EVIDENCE_DEG = 1.5


class CameraTilt(BaseModel):
    """Average pelvis and trunk tilt over whole strides, and the camera tilt removed."""

    model_config = ConfigDict(frozen=True)

    pelvis_offset_deg: float  # mean pelvis-line tilt, + right end higher
    trunk_offset_deg: float  # mean trunk angle from vertical, + shoulders to the right
    camera_roll_deg: float  # removed from every angle (0 when not evidenced)


def camera_tilt(pelvis_tilt_deg: Array, trunk_deg: Array, inside: NDArray[np.bool_]) -> CameraTilt:
    """The median pelvis-line tilt and trunk angle over the frames ``inside`` whole strides, and
    the camera tilt they agree on (0 when they do not).

    Examples
    --------
    >>> n = 100
    >>> swing = 6 * np.sin(np.linspace(0, 8 * np.pi, n))  # drop and lean alternate sides
    >>> camera_tilt(swing + 4.0, swing - 4.0, np.ones(n, bool)).camera_roll_deg
    4.0
    >>> camera_tilt(swing + 4.0, swing, np.ones(n, bool)).camera_roll_deg  # the pelvis only
    0.0
    """
    pelvis = float(np.nanmedian(pelvis_tilt_deg[inside])) if inside.any() else float("nan")
    trunk = float(np.nanmedian(trunk_deg[inside])) if inside.any() else float("nan")
    roll = 0.0
    if (
        np.isfinite(pelvis)
        and np.isfinite(trunk)
        and pelvis * -trunk > 0
        and min(abs(pelvis), abs(trunk)) > TILT_EVIDENCE_DEG
    ):
        roll = round(0.5 * (pelvis - trunk), 6)
    return CameraTilt(pelvis_offset_deg=pelvis, trunk_offset_deg=trunk, camera_roll_deg=roll)


def level_xy(xy: Array, roll_deg: float) -> Array:
    """Landmarks (..., 2) turned back by a camera tilt of ``roll_deg`` (the picture turned
    counter-clockwise by it), so that image vertical is true vertical again.

    Examples
    --------
    >>> x, y = level_xy(np.array([[10.0, -10.0 * np.tan(np.radians(5))]]), 5.0)[0]
    >>> round(float(x), 3), abs(round(float(y), 6))
    (10.038, 0.0)
    """
    r = np.radians(roll_deg)
    c, s = np.cos(r), np.sin(r)
    x, y = xy[..., 0], xy[..., 1]
    return np.stack([x * c - y * s, x * s + y * c], axis=-1)
