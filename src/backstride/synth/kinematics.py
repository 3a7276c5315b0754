"""Rigid-body geometry of the synthetic runner: rotations, two-link inverse kinematics, the foot.

World axes everywhere in `synth`: x forward (running direction), y up, z to the runner's right.
All functions are vectorised over a leading time axis and keep segment lengths exact, which is
what lets the tests assert "segment lengths stay constant" to numerical precision.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def smoothstep(x: Array | float) -> Array:
    """0 below 0, 1 above 1, and a C1 cubic ramp between (zero slope at both ends)."""
    x = np.clip(np.asarray(x, dtype=float), 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def rotate_xy(vec: Array, angle_rad: Array) -> Array:
    """Rotate (..., 2) vectors in the sagittal (x, y) plane by ``angle_rad`` (counter-clockwise).

    Positive angles turn +x towards +y, so a positive foot pitch lifts the toe.
    """
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    x, y = vec[..., 0], vec[..., 1]
    return np.stack([x * c - y * s, x * s + y * c], axis=-1)


def rotate_about_axis(vec: Array, axis: Array, angle_rad: Array) -> Array:
    """Rodrigues rotation of (..., 3) vectors about unit (..., 3) axes."""
    axis = axis / np.linalg.norm(axis, axis=-1, keepdims=True)
    c = np.cos(angle_rad)[..., None]
    s = np.sin(angle_rad)[..., None]
    dot = np.sum(axis * vec, axis=-1, keepdims=True)
    return vec * c + np.cross(axis, vec) * s + axis * dot * (1.0 - c)


def leg_span_m(thigh_m: float, shank_m: float, knee_flexion_rad: Array | float) -> Array:
    """Hip-to-ankle distance for a knee flexion angle (0 = straight), by the law of cosines."""
    inner = np.pi - np.asarray(knee_flexion_rad, dtype=float)
    return np.sqrt(thigh_m**2 + shank_m**2 - 2.0 * thigh_m * shank_m * np.cos(inner))


def knee_flexion_rad(thigh_m: float, shank_m: float, span_m: Array) -> Array:
    """Inverse of `leg_span_m`: knee flexion (0 = straight) for a hip-to-ankle distance."""
    cos_inner = (thigh_m**2 + shank_m**2 - span_m**2) / (2.0 * thigh_m * shank_m)
    return np.pi - np.arccos(np.clip(cos_inner, -1.0, 1.0))


def solve_knee(
    hip: Array,
    ankle: Array,
    thigh_m: float,
    shank_m: float,
    forward: Array,
    valgus_rad: Array | None = None,
    medial: Array | None = None,
) -> Array:
    """Place the knee for given hip and ankle positions (two-link inverse kinematics).

    The knee lies on the circle of points at ``thigh_m`` from the hip and ``shank_m`` from the
    ankle; we take the point of that circle furthest along ``forward`` (knees bend forwards), then
    optionally turn it about the hip-ankle axis towards ``medial`` by ``valgus_rad``. The hip-ankle
    distance must not exceed ``thigh_m + shank_m``.

    Parameters
    ----------
    hip, ankle : (T, 3) ndarray
    forward : (3,) or (T, 3) ndarray
        The direction the knee points.
    valgus_rad, medial : (T,) and (T, 3) ndarray, optional
        Frontal-plane knee collapse towards the midline.

    Returns
    -------
    knee : (T, 3) ndarray
    """
    axis = ankle - hip
    span = np.linalg.norm(axis, axis=-1)
    if np.any(span > thigh_m + shank_m + 1e-9):
        raise ValueError("the leg would have to stretch beyond its length")
    e = axis / span[:, None]
    along = (thigh_m**2 - shank_m**2 + span**2) / (2.0 * span)
    height = np.sqrt(np.clip(thigh_m**2 - along**2, 0.0, None))
    f = np.broadcast_to(forward, hip.shape).astype(float)
    n = f - e * np.sum(f * e, axis=-1, keepdims=True)
    n /= np.linalg.norm(n, axis=-1, keepdims=True)
    if valgus_rad is not None and medial is not None:
        # Turn the bend direction about the leg axis so the knee moves towards the midline.
        sign = np.sign(np.sum(np.cross(e, n) * medial, axis=-1))
        n = rotate_about_axis(n, e, sign * valgus_rad)
    return hip + e * along[:, None] + n * height[:, None]


def pitch_for_span(
    contact: Array, hip: Array, toe_to_ankle: Array, span_m: Array, near_rad: Array
) -> Array:
    """Foot pitch that puts the ankle ``span_m`` from the hip while the foot pivots on its toe.

    With the toe fixed at ``contact`` and ``w`` the toe-to-ankle vector in the foot frame, the
    ankle is ``contact + R(p) w``. ``|contact - hip + R(p) w| = span`` has the closed form
    ``cos(p + angle(w) - angle(d)) = (span² - |d|² - |w|²) / (2 |d| |w|)`` with
    ``d = contact - hip`` (sagittal components). Of the two roots we return the one nearest
    ``near_rad``.
    """
    d = contact - hip
    w = toe_to_ankle
    dn = np.linalg.norm(d, axis=-1)
    wn = np.linalg.norm(w, axis=-1)
    cos_arg = np.clip((span_m**2 - dn**2 - wn**2) / (2.0 * dn * wn), -1.0, 1.0)
    base = np.arctan2(d[..., 1], d[..., 0]) - np.arctan2(w[..., 1], w[..., 0])
    delta = np.arccos(cos_arg)
    roots = np.stack([base + delta, base - delta], axis=-1)
    roots = (roots + np.pi) % (2.0 * np.pi) - np.pi
    pick = np.argmin(np.abs(roots - near_rad[..., None]), axis=-1)
    return np.take_along_axis(roots, pick[..., None], axis=-1)[..., 0]
