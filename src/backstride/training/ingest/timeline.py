"""Cleaning the sample timeline and deriving distance and moving time from it.

Pure functions over numpy arrays, used by `backstride.training.ingest.normalise`:

- samples whose time is before the latest kept one (timestamps that step back) are dropped and
  counted; samples sharing a time are merged (some recorders write position and distance as two
  records of the same second);
- distance comes from the file's own cumulative distance, else from the haversine sum over the
  samples with a position, interpolated in time onto the others (a GPS drop-out still covers the
  ground between);
- moving time is the sum of the intervals of at most 5 minutes in which at least 0.5 m/s was
  covered (sparse loggers record every minute or two; a longer gap is a paused watch, whatever
  distance it jumps).
"""

from __future__ import annotations

import numpy as np

from backstride.training.geo import step_distances_m

MAX_GAP_S = 300.0
MIN_MOVING_MPS = 0.5


def timeline_mask(t: np.ndarray) -> tuple[np.ndarray, int]:
    """Samples to keep (time not before any earlier kept time) and how many stepped back.

    Repeated times are kept here and merged by `merge_repeated_times`.

    Examples
    --------
    >>> keep, back = timeline_mask(np.array([0.0, 1, 2, 1.5, 3, 3, np.nan, 4]))
    >>> keep.tolist(), back
    ([True, True, True, False, True, True, False, True], 1)
    """
    finite = np.isfinite(t)
    filled = np.where(finite, t, -np.inf)
    prev_max = np.concatenate(([-np.inf], np.maximum.accumulate(filled)[:-1]))
    keep = finite & (filled >= prev_max)
    stepped_back = int(np.count_nonzero(finite & (filled < prev_max)))
    return keep, stepped_back


def merge_repeated_times(cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Merge samples that share a time into one, keeping each column's last known value.

    Some recorders (Strava's Android app) write a position record and a distance record for the
    same second; merging keeps both values instead of dropping one sample.

    Examples
    --------
    >>> cols = {"t": np.array([0.0, 1, 1, 2]), "x": np.array([5.0, 6, np.nan, 7]),
    ...         "y": np.array([np.nan, np.nan, 3.0, 4])}
    >>> out = merge_repeated_times(cols)
    >>> out["t"].tolist(), out["x"].tolist(), out["y"].tolist()
    ([0.0, 1.0, 2.0], [5.0, 6.0, 7.0], [nan, 3.0, 4.0])
    """
    t = cols["t"]
    if len(t) < 2 or np.all(np.diff(t) > 0):
        return cols
    group = np.concatenate(([0], np.cumsum(np.diff(t) > 0)))
    groups = int(group[-1]) + 1
    index = np.arange(len(t))
    out: dict[str, np.ndarray] = {}
    for name, values in cols.items():
        last = np.full(groups, -1)
        ok = np.isfinite(values)
        np.maximum.at(last, group[ok], index[ok])
        out[name] = np.where(last >= 0, values[np.maximum(last, 0)], np.nan)
    return out


def distance_stream(
    t: np.ndarray, distance_m: np.ndarray, lat: np.ndarray, lon: np.ndarray
) -> np.ndarray:
    """Cumulative distance from the start at every sample (NaN when there is no way to tell).

    The file's own distance column wins; otherwise the haversine sum over the samples that have
    a position, interpolated in time onto the others.
    """
    n = len(t)
    ok = np.isfinite(distance_m)
    if np.count_nonzero(ok) >= 2:
        d = np.interp(t, t[ok], np.maximum.accumulate(distance_m[ok]))
        return d - d[0]
    pos = np.isfinite(lat) & np.isfinite(lon)
    if np.count_nonzero(pos) >= 2:
        cum = np.cumsum(step_distances_m(lat[pos], lon[pos]))
        return np.interp(t, t[pos], cum)
    return np.full(n, np.nan)


def moving_mask(t_s: np.ndarray, distance_m: np.ndarray) -> np.ndarray:
    """True for samples that end a moving interval (<= 5 min long, >= 0.5 m/s)."""
    moving = np.zeros(len(t_s), dtype=bool)
    if len(t_s) < 2 or not np.isfinite(distance_m).any():
        return moving
    dt = np.diff(t_s)
    dd = np.diff(distance_m)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(dt > 0, dd / dt, 0.0)
    moving[1:] = (dt <= MAX_GAP_S) & (speed >= MIN_MOVING_MPS)
    return moving


def moving_time_s(t_s: np.ndarray, distance_m: np.ndarray) -> float:
    """Seconds spent moving: the sum of the moving intervals (see `moving_mask`).

    Examples
    --------
    >>> t = np.array([0.0, 10, 20, 200, 210])       # a 180 s pause between 20 and 200
    >>> d = np.array([0.0, 30, 60, 60, 90])
    >>> moving_time_s(t, d)
    30.0
    """
    mask = moving_mask(t_s, distance_m)
    if len(t_s) < 2:
        return 0.0
    return float(np.sum(np.diff(t_s)[mask[1:]]))
