"""Distances on the Earth from latitude and longitude (2D, as watches report distance).

One convention across the package and the synthetic generator: a sphere of the IUGG mean radius
(6,371,008.8 m). Against the WGS84 ellipsoid this differs by well under 0.5% at any latitude,
inside the 1% the cross-format checks allow.
"""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_M = 6_371_008.8


def step_distances_m(lat_deg: np.ndarray, lon_deg: np.ndarray) -> np.ndarray:
    """Great-circle (haversine) distance between consecutive points, metres.

    Parameters
    ----------
    lat_deg, lon_deg : (N,) ndarray
        Positions in degrees, no NaN.

    Returns
    -------
    (N,) ndarray
        0 for the first point, then the distance from the previous point.

    Examples
    --------
    >>> d = step_distances_m(np.array([0.0, 0.0]), np.array([0.0, 1.0]))
    >>> round(float(d[1]))  # one degree of longitude on the equator
    111195
    """
    lat = np.radians(lat_deg)
    lon = np.radians(lon_deg)
    out = np.zeros(len(lat))
    if len(lat) < 2:
        return out
    dlat = np.diff(lat)
    dlon = np.diff(lon)
    a = np.sin(dlat / 2) ** 2 + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(dlon / 2) ** 2
    out[1:] = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def destination(
    lat_deg: float, lon_deg: float, bearing_deg: float, distance_m: float
) -> tuple[float, float]:
    """The point ``distance_m`` from a start along a great circle of initial ``bearing_deg``.

    The inverse of `step_distances_m` on the same sphere: the synthetic generator walks with it,
    so the distance a reader computes from its points is the distance it planned.

    Examples
    --------
    >>> lat, lon = destination(46.0, 14.0, 90.0, 1000.0)
    >>> d = step_distances_m(np.array([46.0, lat]), np.array([14.0, lon]))
    >>> round(float(d[1]), 6)
    1000.0
    """
    lat1 = math.radians(lat_deg)
    lon1 = math.radians(lon_deg)
    theta = math.radians(bearing_deg)
    delta = distance_m / EARTH_RADIUS_M
    sin_lat2 = math.sin(lat1) * math.cos(delta) + math.cos(lat1) * math.sin(delta) * math.cos(theta)
    lat2 = math.asin(sin_lat2)
    lon2 = lon1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(lat1),
        math.cos(delta) - math.sin(lat1) * sin_lat2,
    )
    return math.degrees(lat2), math.degrees(lon2)
