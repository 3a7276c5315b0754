"""Foot strike and toe-off from side-view landmarks, to sub-frame time.

Our method, built and checked on synthetic runners (docs/accuracy.md):

- **Contact** is where the foot's lowest point (heel or toe, whichever is lower in the image) is
  within 5% of leg length of that foot's own floor level (near and far feet land at different
  image heights). Heights are measured against the floor, so a treadmill, an overground run and
  a panning camera are all handled alike.
- **Strike** is where the tangent of the descending height curve meets the floor: pose models
  round off the touchdown corner, and a plain threshold would be late.
- **Toe-off** is the knee's peak extension in late stance (Fellin 2010), falling back to the
  toe ceasing to move back relative to the pelvis at stance speed (Zeni's idea, on velocity),
  then to the lowest point rising through the contact height (pose toe points lift early on a
  steep foot). The spread of the three is the event's uncertainty.

Two published methods run on the same landmarks for comparison:

- `zeni_events`: Zeni et al. 2008 coordinate method as OpenCap uses it: strike at peaks of
  (heel - pelvis) along the running direction, toe-off at peaks of (pelvis - toe).
- `height_threshold_events`: the foot-height threshold Pose2Sim uses for running: contact
  while the filtered foot height is under a threshold.

References
----------
Zeni J.A., Richards J.G., Higginson J.S. Two simple methods for determining gait events during
treadmill and overground walking using kinematic data. Gait Posture 2008;27(4):710-714.
doi:10.1016/j.gaitpost.2007.07.007
Fellin R.E., Rose W.C., Royer T.D., Davis I.S. Comparison of methods for kinematic
identification of footstrike and toe-off during overground and treadmill running. J Sci Med
Sport 2010;13(6):646-650. doi:10.1016/j.jsams.2010.03.006
Pagnon D. et al. Pose2Sim (trc_gaitevents.py). Sensors 2022;22(7):2712.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks

Array = NDArray[np.float64]

#: Contact while the lowest point of the foot is within this share of leg length of the floor.
CONTACT_HEIGHT = 0.05
#: The tangent is taken where the foot is this share of leg length above the floor.
TANGENT_HEIGHT = 0.06
MIN_CONTACT_S = 0.06
MERGE_GAP_S = 0.03


@dataclass(frozen=True)
class FootEvents:
    """Contacts of one foot: strike and toe-off times in seconds, NaN where not seen.

    ``strikes_s[i]`` and ``toe_offs_s[i]`` belong to the same contact; a contact cut by the
    start or end of the clip keeps only the event that was seen. ``toe_off_spread_s`` is the
    disagreement between the toe-off cues (0 when they agree).
    """

    side: str
    strikes_s: Array
    toe_offs_s: Array
    toe_off_spread_s: Array
    confidence: float = 1.0  # whole-foot confidence: lower for the far foot

    def contacts(self) -> list[tuple[float, float]]:
        """Complete contacts as (strike, toe-off) pairs."""
        ok = np.isfinite(self.strikes_s) & np.isfinite(self.toe_offs_s)
        return [
            (float(a), float(b))
            for a, b in zip(self.strikes_s[ok], self.toe_offs_s[ok], strict=True)
        ]

    def all_strikes(self) -> Array:
        """Every strike seen, sorted."""
        return np.sort(self.strikes_s[np.isfinite(self.strikes_s)])

    def all_toe_offs(self) -> Array:
        """Every toe-off seen, sorted."""
        return np.sort(self.toe_offs_s[np.isfinite(self.toe_offs_s)])


@dataclass(frozen=True)
class FootSignals:
    """What the event detector reads for one foot (cleaned, uniform time grid)."""

    times_s: Array
    heel: Array  # (N, 2) px
    toe: Array  # (N, 2) px
    hip: Array  # (N, 2) px
    knee: Array  # (N, 2) px
    ankle: Array  # (N, 2) px
    pelvis_x: Array  # (N,) mid-hip x
    direction: float  # +1 when the runner faces right in the image, -1 left
    leg_px: float


def lowest_point_y(heel_y: Array, toe_y: Array) -> Array:
    """Image y of the lower of heel and toe (image y grows downwards)."""
    return np.fmax(heel_y, toe_y)


def floor_level(y: Array, *, duty: float = 0.35) -> float:
    """A foot's floor level in the image: the typical y of its lowest positions.

    The foot is on the ground for about a third of the time (duty factor 0.25-0.45), so the
    median of the lowest ``duty`` share of its positions is the floor.

    Examples
    --------
    >>> floor_level(np.array([500.0, 520, 560, 600, 600, 601, 599, 540, 510, 505]))
    600.0
    """
    finite = np.sort(y[np.isfinite(y)])
    if finite.size == 0:
        return float("nan")
    k = max(1, round(duty * finite.size))
    return float(np.median(finite[-k:]))


def foot_height(sig: FootSignals) -> Array:
    """Height of the foot's lowest point above its floor, in leg lengths."""
    y = lowest_point_y(sig.heel[:, 1], sig.toe[:, 1])
    return (floor_level(y) - y) / sig.leg_px


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Start and stop (exclusive) indices of the True runs of a boolean array."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _crossing(times: Array, values: Array, i: int, j: int, level: float) -> float:
    """Time where ``values`` crosses ``level`` between samples i and j (linear)."""
    a, b = values[i], values[j]
    if not (np.isfinite(a) and np.isfinite(b)) or a == b:
        return float(times[j])
    frac = np.clip((level - a) / (b - a), 0.0, 1.0)
    return float(times[i] + frac * (times[j] - times[i]))


def _strike_time(times: Array, height: Array, start: int) -> float:
    """Where the tangent of the descending height curve meets the floor (sub-frame)."""
    j = start
    while j > 0 and np.isfinite(height[j - 1]) and height[j - 1] < TANGENT_HEIGHT:
        j -= 1
    if j == 0 or not np.isfinite(height[j - 1]):
        return float("nan")
    t_cross = _crossing(times, height, j - 1, j, TANGENT_HEIGHT)
    slope = (height[j] - height[j - 1]) / (times[j] - times[j - 1])
    if slope >= 0:
        return t_cross
    return float(t_cross - TANGENT_HEIGHT / slope)


def _knee_flexion_deg(sig: FootSignals) -> Array:
    u, v = sig.hip - sig.knee, sig.ankle - sig.knee
    cos = np.sum(u * v, axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
    return 180.0 - np.degrees(np.arccos(np.clip(cos, -1, 1)))


def _toe_off_cues(sig: FootSignals, height: Array, strike_i: int, stop: int) -> dict[str, float]:
    """Toe-off estimates for the contact spanning samples [strike_i, stop), by cue name."""
    t = sig.times_s
    n = len(t)
    cues: dict[str, float] = {}
    if stop < n:  # the lowest point rises through the contact height
        cues["height"] = _crossing(t, height, stop - 1, stop, CONTACT_HEIGHT)
    mid = strike_i + (stop - strike_i) // 2
    end = min(n, stop + max(2, (stop - strike_i) // 2))
    # the toe stops moving back at stance speed relative to the pelvis
    rel_v = np.gradient(sig.direction * (sig.toe[:, 0] - sig.pelvis_x), t)
    stance_v = np.nanmedian(rel_v[strike_i + (stop - strike_i) // 5 : mid + 1])
    if np.isfinite(stance_v) and stance_v < 0:
        up = np.flatnonzero(rel_v[mid:end] > 0.5 * stance_v)
        if up.size and mid + up[0] > 0:
            k = mid + up[0]
            cues["velocity"] = _crossing(t, rel_v, k - 1, k, 0.5 * stance_v)
    # the knee's peak extension in late stance / early swing (sub-frame by a parabola)
    flex = _knee_flexion_deg(sig)[mid:end]
    if np.isfinite(flex).sum() >= 3:
        i = int(np.nanargmin(flex))
        if 0 < i < len(flex) - 1 and np.all(np.isfinite(flex[i - 1 : i + 2])):
            a, b, c = flex[i - 1], flex[i], flex[i + 1]
            denom = a - 2 * b + c
            shift = float(np.clip(0.5 * (a - c) / denom, -1, 1)) if denom else 0.0
            cues["knee"] = float(t[mid + i] + shift * (t[1] - t[0]))
    return cues


#: Toe-off cues in order of preference. Peak knee extension was the best kinematic toe-off
#: marker against force plates (Fellin 2010) and the least biased here (docs/accuracy.md); the
#: height crossing fires early because pose models place the toe point behind the toe tip.
TOE_OFF_PREFERENCE = ("knee", "velocity", "height")


def detect_contacts(sig: FootSignals, *, side: str, confidence: float = 1.0) -> FootEvents:
    """Strikes and toe-offs of one foot (see the module docstring for the method)."""
    t = sig.times_s
    height = foot_height(sig)
    contact = np.isfinite(height) & (height < CONTACT_HEIGHT)
    dt = float(np.median(np.diff(t)))
    strikes, toe_offs, spreads = [], [], []
    for start, stop in _merge_runs(_runs(contact), round(MERGE_GAP_S / dt)):
        if (stop - start) * dt < MIN_CONTACT_S:
            continue
        strike = _strike_time(t, height, start) if start > 0 else float("nan")
        found = _toe_off_cues(sig, height, start, stop) if stop < len(t) else {}
        # cues must fall after mid-contact and within 120 ms after the contact ended
        lo, hi = t[start] + 0.5 * (t[stop - 1] - t[start]), t[min(stop, len(t) - 1)] + 0.12
        cues = {k: v for k, v in found.items() if lo < v < hi}
        chosen = next((cues[k] for k in TOE_OFF_PREFERENCE if k in cues), float("nan"))
        strikes.append(strike)
        toe_offs.append(chosen)
        spreads.append(float(np.ptp(list(cues.values()))) if len(cues) > 1 else float("nan"))
    return FootEvents(
        side=side,
        strikes_s=np.asarray(strikes),
        toe_offs_s=np.asarray(toe_offs),
        toe_off_spread_s=np.asarray(spreads),
        confidence=confidence,
    )


def _merge_runs(runs: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """Join runs separated by at most ``gap`` samples (noise splitting one contact)."""
    merged: list[tuple[int, int]] = []
    for start, stop in runs:
        if merged and start - merged[-1][1] <= gap:
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((start, stop))
    return merged


def _sub_frame_peaks(times: Array, signal: Array, distance: int) -> Array:
    """Peak times refined by a parabola through each peak and its neighbours."""
    ok = np.isfinite(signal)
    sig = np.where(ok, signal, np.nanmin(signal) if ok.any() else 0.0)
    prominence = 0.2 * float(np.nanpercentile(sig, 95) - np.nanpercentile(sig, 5))
    peaks, _ = find_peaks(sig, distance=distance, prominence=prominence)
    out = []
    dt = float(np.median(np.diff(times)))
    for p in peaks:
        if 0 < p < len(sig) - 1:
            a, b, c = sig[p - 1], sig[p], sig[p + 1]
            denom = a - 2 * b + c
            shift = 0.5 * (a - c) / denom if denom != 0 else 0.0
            out.append(times[p] + np.clip(shift, -1, 1) * dt)
    return np.asarray(out)


@dataclass(frozen=True)
class EventTimes:
    """Strike and toe-off times from a comparison method (not paired into contacts)."""

    strikes_s: Array
    toe_offs_s: Array


def zeni_events(sig: FootSignals, cadence_spm: float) -> EventTimes:
    """Zeni 2008 coordinate method: strike at peaks of (heel - pelvis), toe-off at peaks of
    (pelvis - toe), along the running direction."""
    t = sig.times_s
    dt = float(np.median(np.diff(t)))
    stride_s = 120.0 / max(cadence_spm, 60.0)
    distance = max(1, int(0.7 * stride_s / dt))  # at most one event of a kind per stride
    strikes = _sub_frame_peaks(t, sig.direction * (sig.heel[:, 0] - sig.pelvis_x), distance)
    toe_offs = _sub_frame_peaks(t, sig.direction * (sig.pelvis_x - sig.toe[:, 0]), distance)
    return EventTimes(strikes_s=strikes, toe_offs_s=toe_offs)


def height_threshold_events(sig: FootSignals, *, threshold: float = CONTACT_HEIGHT) -> EventTimes:
    """Foot-height threshold (as Pose2Sim for running): contact while the lowest point of the
    foot is under ``threshold`` leg lengths above its floor; events at the crossings,
    linearly interpolated."""
    t = sig.times_s
    height = foot_height(sig)
    below = np.isfinite(height) & (height < threshold)
    strikes, toe_offs = [], []
    for start, stop in _runs(below):
        if start > 0:
            strikes.append(_crossing(t, height, start - 1, start, threshold))
        if stop < len(height):
            toe_offs.append(_crossing(t, height, stop - 1, stop, threshold))
    return EventTimes(strikes_s=np.asarray(strikes), toe_offs_s=np.asarray(toe_offs))
