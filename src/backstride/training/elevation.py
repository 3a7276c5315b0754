"""Elevation gain and loss, and how much of a run went down steep grades.

Raw summation of GPS or barometric altitude overstates gain 2-4x (a Fenix 2 run: raw 257 m, 3 m
hysteresis 136 m, device 64 m; ../shared/reference/load.md). So:

1. the device's own session totals are used when the file has them (``device``);
2. otherwise the altitude is resampled every 5 m of distance and summed with a 3 m hysteresis
   (``hysteresis_3m``), as GoldenCheetah and Runalyze do;
3. grade is the altitude change over a centred 50 m window divided by its length, clamped to
   +-45% (the range of Minetti et al. J Appl Physiol 2002;93:1039,
   doi:10.1152/japplphysiol.01177.2001), and the km run at grade below -5% and -10% are counted
   on the 5 m grid.

Downhill running is where lumbar lordosis is greatest (Levine et al. J Athl Train 2007;42:29), and
grade-adjusted pace understates the mechanical load downhill, so descent is reported as metres and
km of steep grade rather than folded into a pace.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backstride.training.activity import ElevationMethod

RESAMPLE_STEP_M = 5.0
GRADE_WINDOW_M = 50.0
HYSTERESIS_M = 3.0
MAX_GRADE = 0.45


@dataclass(frozen=True)
class ElevationSummary:
    """Ascent and descent (m), the method used, and km below -5% and -10% grade."""

    ascent_m: float | None
    descent_m: float | None
    method: ElevationMethod
    below_5pct_km: float | None
    below_10pct_km: float | None


def resample_by_distance(
    distance_m: np.ndarray, altitude_m: np.ndarray, *, step_m: float = RESAMPLE_STEP_M
) -> tuple[np.ndarray, np.ndarray] | None:
    """Altitude on a regular distance grid (linear interpolation), or None if too short.

    Samples with a missing distance or altitude are dropped; repeated distances (standing still)
    keep their first altitude, so distance is strictly increasing before interpolating.

    Examples
    --------
    >>> d, a = resample_by_distance(np.array([0.0, 10, 20]), np.array([100.0, 101, 103]))
    >>> d.tolist(), a.tolist()
    ([0.0, 5.0, 10.0, 15.0, 20.0], [100.0, 100.5, 101.0, 102.0, 103.0])
    """
    ok = np.isfinite(distance_m) & np.isfinite(altitude_m)
    d = np.maximum.accumulate(distance_m[ok]) if ok.any() else distance_m[ok]
    a = altitude_m[ok]
    d, first = np.unique(d, return_index=True)
    a = a[first]
    if len(d) < 2 or d[-1] - d[0] < 2 * step_m:
        return None
    grid = np.arange(d[0], d[-1] + step_m / 2, step_m)
    grid = grid[grid <= d[-1]]
    return grid, np.interp(grid, d, a)


def hysteresis_gain_loss(
    altitude_m: np.ndarray, *, threshold_m: float = HYSTERESIS_M
) -> tuple[float, float]:
    """Total gain and loss counting only changes of at least ``threshold_m`` from the last
    accepted level (a dead band that ignores altitude noise).

    Examples
    --------
    >>> hysteresis_gain_loss(np.array([100.0, 101, 100, 101, 105, 110, 104, 102]))
    (10.0, 6.0)
    """
    if len(altitude_m) == 0:
        return 0.0, 0.0
    gain = loss = 0.0
    level = float(altitude_m[0])
    for value in altitude_m[1:].tolist():
        if value - level >= threshold_m:
            gain += value - level
            level = value
        elif level - value >= threshold_m:
            loss += level - value
            level = value
    return gain, loss


def grades(
    altitude_m: np.ndarray, *, step_m: float = RESAMPLE_STEP_M, window_m: float = GRADE_WINDOW_M
) -> np.ndarray:
    """Grade (fraction) at each grid point over a centred window, shortened at the ends.

    Parameters
    ----------
    altitude_m : (N,) ndarray
        Altitude on a regular distance grid of ``step_m``.

    Examples
    --------
    >>> g = grades(np.arange(0.0, -2.0, -0.5), step_m=5.0, window_m=10.0)  # -10% all along
    >>> np.round(g, 3).tolist()
    [-0.1, -0.1, -0.1, -0.1]
    """
    n = len(altitude_m)
    if n < 2:
        return np.zeros(n)
    half = max(1, round(window_m / (2 * step_m)))
    idx = np.arange(n)
    lo = np.maximum(idx - half, 0)
    hi = np.minimum(idx + half, n - 1)
    grade = (altitude_m[hi] - altitude_m[lo]) / ((hi - lo) * step_m)
    return np.clip(grade, -MAX_GRADE, MAX_GRADE)


def km_below_grade(
    grade: np.ndarray, threshold: float, *, step_m: float = RESAMPLE_STEP_M
) -> float:
    """Km of the grid with grade below ``threshold`` (e.g. -0.05).

    Examples
    --------
    >>> km_below_grade(np.array([-0.12, -0.08, 0.0, -0.06]), -0.05, step_m=5.0)
    0.015
    """
    return float(np.count_nonzero(grade < threshold)) * step_m / 1000.0


def summarise_elevation(
    distance_m: np.ndarray,
    altitude_m: np.ndarray,
    *,
    device_ascent_m: float | None = None,
    device_descent_m: float | None = None,
) -> ElevationSummary:
    """Ascent, descent and steep-descent km of one activity, with the method used."""
    grid = resample_by_distance(distance_m, altitude_m)
    below5 = below10 = None
    if grid is not None:
        g = grades(grid[1])
        below5 = km_below_grade(g, -0.05)
        below10 = km_below_grade(g, -0.10)
    if device_ascent_m is not None and device_descent_m is not None:
        return ElevationSummary(
            device_ascent_m, device_descent_m, ElevationMethod.DEVICE, below5, below10
        )
    if grid is None:
        return ElevationSummary(None, None, ElevationMethod.NONE, None, None)
    gain, loss = hysteresis_gain_loss(grid[1])
    return ElevationSummary(gain, loss, ElevationMethod.HYSTERESIS, below5, below10)
