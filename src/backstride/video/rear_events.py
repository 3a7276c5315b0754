"""Which foot carries the runner, and when: support windows seen from behind.

The side-view detector (`backstride.video.events`) measures each foot's height above its own
floor level. From behind that fails: a foot on the ground rides the belt towards the camera (or
stands while the camera follows), and with the camera above the floor a nearer floor point sits
lower in the image, so "the floor" drifts down the image through every stance by 15-20% of a leg
length; the swing foot is also partly hidden behind the stance leg, and the pose model's feet are
unreliable then (docs/accuracy-rear.md).

What stays reliable from behind is *which foot is lower in the image*: the foot on the ground is
both on the floor and nearer the camera, the other is in the air. The difference of the two
feet's lowest image points, low-passed at 5 Hz, changes sign once per step, late in each flight,
when the landing foot comes down past the one that has just left the ground (on our synthetic
runners 25 ms before the strike, with the pose model within a frame of the ideal). So:

- a **support window** runs from one such crossing to the next and belongs to the foot that is
  lower through it: it holds that foot's whole stance and the flight after it;
- **landing** is the crossing plus that foot's own lag to touchdown (`landings`): how long
  the crossing comes before the strike depends on the flight before it and on when the other
  foot lifts, so crossings alone turn a 10% step-time asymmetry into -2% (ideal landmarks);
  each foot's touchdown, where its late-swing descent (read before the low-pass, a sharp
  corner) meets its stance line, is free of that, and the per-foot median of (touchdown -
  crossing) corrects every crossing of that foot. On ideal landmarks step-time asymmetry then
  comes out within half a point of symmetry index (a large pelvic drop changes the landing
  foot's path: 10% read as 7% with 9.5 deg of drop); with the pose model's feet from behind it
  does not (docs/accuracy-rear.md), which is why the rear view's step-time asymmetry is
  reported as low confidence and the side view's is the one findings use;
- peak values within a window (pelvic drop, lateral lean) are the stance's peaks, because the
  flight part of the window adds nothing to them.

Contact time and the exact strike need the side view.

References
----------
Fellin R.E. et al. Comparison of methods for kinematic identification of footstrike and toe-off
during overground and treadmill running. J Sci Med Sport 2010;13(6):646-650 (the foot's lowest
point as a contact cue). doi:10.1016/j.jsams.2010.03.006
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from backstride.video.clean import lowpass

Array = NDArray[np.float64]

#: Low-pass cut-off for the feet's height difference (steps are 2.5-4 per second).
CROSSING_CUTOFF_HZ = 5.0
#: A window shorter than this share of the median is noise and is merged away.
MIN_WINDOW_SHARE = 0.4
#: Steps of running: cadence 100-260 steps/min.
STEP_RANGE_S = (0.23, 0.6)
#: The landing foot is in the air while this many leg lengths above its stance line.
TOUCHDOWN_DEPART = 0.03
#: A touchdown further than this from its crossing is a wrong one.
MAX_LAG_S = 0.08
#: A peak is refined by a parabola through the samples this close to the largest one.
PEAK_HALF_S = 0.04


@dataclass(frozen=True)
class SupportWindow:
    """From one crossing of the feet to the next: ``side`` is the foot that carries the runner.

    ``landing_s`` is when that foot touched down (`landings`); NaN until estimated.
    """

    side: str
    start_s: float
    end_s: float
    landing_s: float = float("nan")

    @property
    def duration_s(self) -> float:
        """Length of the window: the step time that ends with the next landing."""
        return self.end_s - self.start_s

    def contains(self, t: Array) -> NDArray[np.bool_]:
        """Which of the times ``t`` fall inside the window."""
        return (t >= self.start_s) & (t < self.end_s)


def lowest_point_y(heel_y: Array, toe_y: Array) -> Array:
    """Image y of the lower of heel and toe of one foot (image y grows downwards)."""
    return np.fmax(heel_y, toe_y)


def _crossings(times: Array, d: Array) -> list[tuple[float, int]]:
    """Sign changes of ``d``: (time, sign after the change), linearly interpolated."""
    out = []
    s = np.sign(d)
    for i in np.flatnonzero((s[:-1] * s[1:]) < 0):
        frac = d[i] / (d[i] - d[i + 1])
        out.append((float(times[i] + frac * (times[i + 1] - times[i])), int(s[i + 1])))
    return out


def _merge_short(windows: list[SupportWindow]) -> list[SupportWindow]:
    """Drop windows much shorter than the median (a noisy double crossing) and join what is
    left so that the feet alternate."""
    if len(windows) < 3:
        return windows
    typical = float(np.median([w.duration_s for w in windows]))
    kept = [w for w in windows if w.duration_s >= MIN_WINDOW_SHARE * typical]
    out: list[SupportWindow] = []
    for w in kept:
        if out and out[-1].side == w.side:
            out[-1] = SupportWindow(w.side, out[-1].start_s, w.end_s)
        elif out and out[-1].end_s < w.start_s:
            out[-1] = SupportWindow(out[-1].side, out[-1].start_s, w.start_s)
            out.append(w)
        else:
            out.append(w)
    return out


def support_windows(times_s: Array, right_low_y: Array, left_low_y: Array) -> list[SupportWindow]:
    """The support windows of a clip, from the image heights of both feet's lowest points.

    Parameters
    ----------
    times_s : (N,) ndarray
        Uniform time grid.
    right_low_y, left_low_y : (N,) ndarray
        Image y of each foot's lowest point, pixels (NaN where not seen).

    Returns
    -------
    list of SupportWindow
        Complete windows only (the clip's partial first and last windows are left out), with
        the feet alternating.

    Examples
    --------
    >>> t = np.arange(0, 3, 1 / 60)
    >>> wave = 30 * np.sin(2 * np.pi * (t - 0.1) / 0.7)  # a stride of 0.7 s
    >>> w = support_windows(t, 400 + wave, 400 - wave)  # image y: the right foot is lower first
    >>> [x.side for x in w][:3], round(w[0].start_s, 2), round(w[0].duration_s, 2)
    (['right', 'left', 'right'], 0.1, 0.35)
    """
    fps = 1.0 / float(np.median(np.diff(times_s)))
    d = right_low_y - left_low_y  # > 0: the right foot is lower in the image
    ok = np.isfinite(d)
    if ok.sum() < 10:
        return []
    d = np.interp(times_s, times_s[ok], d[ok])
    d = lowpass(d, fps, min(CROSSING_CUTOFF_HZ, 0.35 * fps))
    cross = _crossings(times_s, d)
    windows = [
        SupportWindow("right" if sign > 0 else "left", a, b)
        for (a, sign), (b, _) in itertools.pairwise(cross)
    ]
    windows = _merge_short(windows)
    lo, hi = STEP_RANGE_S
    return [w for w in windows if lo * 0.6 <= w.duration_s <= hi * 1.6]


def _touchdown(t: Array, y: Array, w: SupportWindow, depart_px: float) -> float:
    """Where the landing foot's late-swing descent meets its stance line (NaN if not seen).

    The stance line is fitted to the foot's lowest point over the early-to-middle part of the
    window (the foot is planted and drifts slowly); searching back from there, the last sample
    more than ``depart_px`` above the line is in the air, and the tangent through it meets the
    line at touchdown.
    """
    span = w.duration_s
    fit = (t >= w.start_s + 0.15 * span) & (t < w.start_s + 0.45 * span) & np.isfinite(y)
    if fit.sum() < 3:
        return float("nan")
    slope, icpt = np.polyfit(t[fit], y[fit], 1)
    above = slope * t + icpt - y  # > 0: higher in the image than the stance line
    search = np.flatnonzero((t >= w.start_s - 0.15 * span) & (t < w.start_s + 0.15 * span))
    air = [i for i in search if above[i] > depart_px and 0 < i < t.size - 1]
    if not air:
        return float("nan")
    j = air[-1]
    d_slope, d_icpt = np.polyfit(t[j - 1 : j + 2], y[j - 1 : j + 2], 1)
    if d_slope <= slope:
        return float("nan")
    return float((d_icpt - icpt) / (slope - d_slope))


def landings(
    windows: list[SupportWindow], times_s: Array, low_y: dict[str, Array], leg_px: float
) -> list[SupportWindow]:
    """Each window with its landing: the crossing plus that foot's median lag to touchdown.

    A foot whose touchdown is never seen keeps its crossings; then both feet do (correct both
    or neither, so the two sides stay comparable).
    """
    lags: dict[str, list[float]] = {"right": [], "left": []}
    for w in windows:
        lag = _touchdown(times_s, low_y[w.side], w, TOUCHDOWN_DEPART * leg_px) - w.start_s
        if abs(lag) <= MAX_LAG_S:
            lags[w.side].append(lag)
    median = {s: float(np.median(v)) if v else 0.0 for s, v in lags.items()}
    if not (lags["right"] and lags["left"]):
        median = {"right": 0.0, "left": 0.0}
    return [SupportWindow(w.side, w.start_s, w.end_s, w.start_s + median[w.side]) for w in windows]


def step_times_s(windows: list[SupportWindow]) -> list[tuple[str, float]]:
    """Step times as (side that landed, seconds): landing of one foot to landing of the other.

    A gap in the windows (a dropped one) leaves a gap, never a double step. A window without a
    landing time uses its start.

    Examples
    --------
    >>> w = [SupportWindow("right", 0.0, 0.35), SupportWindow("left", 0.35, 0.69)]
    >>> step_times_s(w + [SupportWindow("right", 0.69, 1.05)])
    [('left', 0.35), ('right', 0.34)]
    """
    out = []
    for a, b in itertools.pairwise(windows):
        if a.side != b.side and abs(a.end_s - b.start_s) < 1e-9:
            t0 = a.landing_s if np.isfinite(a.landing_s) else a.start_s
            t1 = b.landing_s if np.isfinite(b.landing_s) else b.start_s
            out.append((b.side, round(t1 - t0, 6)))
    return out


def window_peak(times: Array, values: Array, start: float, stop: float) -> tuple[float, float]:
    """The peak (time, value) of ``values`` within [start, stop), refined by a parabola through
    the samples within 40 ms of the largest one. NaN when too few samples.

    Examples
    --------
    >>> t = np.linspace(0, 1, 61)
    >>> tp, vp = window_peak(t, 5 - 100 * (t - 0.42) ** 2, 0.0, 1.0)
    >>> round(tp, 3), round(vp, 3)
    (0.42, 5.0)
    """
    m = (times >= start) & (times < stop) & np.isfinite(values)
    if m.sum() < 3:
        return float("nan"), float("nan")
    idx = np.flatnonzero(m)
    k = idx[int(np.argmax(values[idx]))]
    near = idx[np.abs(times[idx] - times[k]) <= PEAK_HALF_S + 1e-9]
    if near.size >= 3:
        a, b, c = np.polyfit(times[near] - times[k], values[near], 2)
        if a < 0:
            dt = -b / (2 * a)
            if abs(dt) <= PEAK_HALF_S:
                return float(times[k] + dt), float(c - b * b / (4 * a))
    return float(times[k]), float(values[k])
