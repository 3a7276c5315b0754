"""Scoring what the video pipeline measured against what a synthetic clip's truth says.

Used by the accuracy tests and by ``scripts/accuracy.py``; the same code decides "within the
bar" in both places.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from backstride.synth.truth import GaitTruth
from backstride.video.events import EventTimes, FootEvents
from backstride.video.metrics import SideViewMetrics

Array = NDArray[np.float64]

#: Bars of issue 3 (side view): cadence within 1 spm; at 60 fps, median absolute event error at
#: most one frame and mean contact-time error at most 20 ms on the near foot; trunk lean within
#: 3 deg; overstride within 3% of leg length; shank angle within 4 deg.
BARS = {
    "cadence_spm": 1.0,
    "event_frames": 1.0,
    "contact_ms": 20.0,
    "trunk_lean_deg": 3.0,
    "overstride_pct_leg": 3.0,
    "shank_angle_deg": 4.0,
}


def event_errors_s(detected: Array, truth: Array, tolerance_s: float = 0.12) -> Array:
    """Signed error of the detected event nearest each true event (missing ones skipped)."""
    detected = detected[np.isfinite(detected)]
    out = []
    for t in truth:
        if detected.size == 0:
            continue
        j = int(np.argmin(np.abs(detected - t)))
        if abs(detected[j] - t) <= tolerance_s:
            out.append(detected[j] - t)
    return np.asarray(out)


class SideViewScore(BaseModel):
    """Errors of one side-view analysis against the truth (measured minus true)."""

    model_config = ConfigDict(frozen=True)

    fps: float
    cadence_spm: float
    strike_ms_median_abs: float
    toe_off_ms_median_abs: float
    event_ms_median_abs: float
    events_found: float  # share of true near-foot events matched
    contact_ms_mean_error: float
    trunk_lean_deg: float
    overstride_pct_leg: float
    shank_angle_deg: float
    foot_inclination_deg: float
    knee_flexion_contact_deg: float
    vertical_oscillation_cm: float
    speed_pct: float

    def within_bars(self) -> dict[str, bool]:
        """Which issue-3 bars this clip meets (event bars only judged at >= 50 fps)."""
        frame_ms = 1000.0 / self.fps
        out = {
            "cadence_spm": abs(self.cadence_spm) <= BARS["cadence_spm"],
            "trunk_lean_deg": abs(self.trunk_lean_deg) <= BARS["trunk_lean_deg"],
            "overstride_pct_leg": abs(self.overstride_pct_leg) <= BARS["overstride_pct_leg"],
            "shank_angle_deg": abs(self.shank_angle_deg) <= BARS["shank_angle_deg"],
        }
        if self.fps >= 50:
            out["event_frames"] = self.event_ms_median_abs <= BARS["event_frames"] * frame_ms
            out["contact_ms"] = abs(self.contact_ms_mean_error) <= BARS["contact_ms"]
        return out


def _contact_error_ms(events: FootEvents, truth_contact_ms: float, truth_strikes: Array) -> float:
    """Mean error of contact times for contacts whose strike matches a true strike."""
    errs = []
    for strike, toe_off in events.contacts():
        if truth_strikes.size and np.min(np.abs(truth_strikes - strike)) < 0.06:
            errs.append(1000 * (toe_off - strike) - truth_contact_ms)
    return float(np.mean(errs)) if errs else float("nan")


def score_side_view(
    metrics: SideViewMetrics, events: dict[str, FootEvents], truth: GaitTruth, fps: float
) -> SideViewScore:
    """Compare one side-view analysis with its clip's truth (near foot for timing)."""
    m = metrics.metrics
    near = metrics.near_side
    ft = truth.feet[near]  # type: ignore[index]
    strikes = np.asarray(ft.strikes_s)
    toe_offs = np.asarray(ft.toe_offs_s)
    es = event_errors_s(events[near].all_strikes(), strikes)
    eo = event_errors_s(events[near].all_toe_offs(), toe_offs)
    both = np.abs(np.concatenate([es, eo])) * 1000

    def err(name: str, true: float) -> float:
        return m[name].value - true if name in m else float("nan")

    speed = m["speed_mps"].value if "speed_mps" in m else float("nan")
    return SideViewScore(
        fps=fps,
        cadence_spm=err("cadence_spm", truth.cadence_spm),
        strike_ms_median_abs=float(np.median(np.abs(es)) * 1000) if es.size else float("nan"),
        toe_off_ms_median_abs=float(np.median(np.abs(eo)) * 1000) if eo.size else float("nan"),
        event_ms_median_abs=float(np.median(both)) if both.size else float("nan"),
        events_found=(es.size + eo.size) / max(1, strikes.size + toe_offs.size),
        contact_ms_mean_error=_contact_error_ms(events[near], ft.contact_ms, strikes),
        trunk_lean_deg=err("trunk_lean_deg", truth.trunk_lean_deg),
        overstride_pct_leg=err("overstride_pct_leg", truth.overstride_pct_leg),
        shank_angle_deg=err("shank_angle_deg", truth.shank_angle_deg),
        foot_inclination_deg=err("foot_inclination_deg", truth.foot_inclination_deg),
        knee_flexion_contact_deg=err("knee_flexion_contact_deg", truth.knee_flexion_contact_deg),
        vertical_oscillation_cm=err("vertical_oscillation_cm", truth.vertical_oscillation_cm),
        speed_pct=100 * (speed - truth.speed_mps) / truth.speed_mps,
    )


def score_events(found: EventTimes, truth: GaitTruth, side: str) -> tuple[float, float]:
    """Median absolute strike and toe-off errors (ms) of a comparison method on one foot."""
    ft = truth.feet[side]  # type: ignore[index]
    es = event_errors_s(found.strikes_s, np.asarray(ft.strikes_s))
    eo = event_errors_s(found.toe_offs_s, np.asarray(ft.toe_offs_s))
    med = lambda a: float(np.median(np.abs(a)) * 1000) if a.size else float("nan")  # noqa: E731
    return med(es), med(eo)
