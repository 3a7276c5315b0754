"""From cleaned landmarks and events to per-stride values and their summaries (side view).

`measure_side_view` is pure: it takes arrays and event times and returns a `SideViewMetrics`
whose every number has its unit in its name and its definition in `DEFINITIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict

from backstride.skeleton import Landmark, side_landmark
from backstride.video import sagittal as sg
from backstride.video.events import FootEvents

L = Landmark
Array = sg.Array

#: name -> (unit, definition). Sources are in `backstride.video.sagittal`.
DEFINITIONS: dict[str, tuple[str, str]] = {
    "cadence_spm": ("steps/min", "steps per minute, 120 / median stride time"),
    "step_time_ms": ("ms", "strike to the next strike of the other foot"),
    "contact_ms": ("ms", "ground contact time: strike to toe-off of the same foot"),
    "flight_ms": ("ms", "toe-off to the next strike of the other foot"),
    "duty_factor": ("", "contact time / stride time"),
    "overstride_pct_leg": ("% leg", "heel ahead of the pelvis centre at contact, % of leg length"),
    "overstride_cm": ("cm", "heel ahead of the pelvis centre at contact"),
    "shank_angle_deg": ("deg", "knee->ankle from vertical at contact, + ankle ahead of knee"),
    "foot_inclination_deg": ("deg", "heel->toe vs horizontal at contact, + toe up"),
    "knee_flexion_contact_deg": ("deg", "180 - hip-knee-ankle angle at contact"),
    "trunk_lean_deg": ("deg", "mid-hip->mid-shoulder from vertical at mid-stance, + forward"),
    "whole_body_lean_deg": ("deg", "stance ankle->mid-shoulder from vertical at mid-stance"),
    "trunk_to_leg_deg": ("deg", "trunk lean minus stance-leg lean: bend at the waist"),
    "vertical_oscillation_cm": ("cm", "pelvis centre peak-to-peak height per step"),
    "vertical_ratio_pct": ("%", "vertical oscillation / step length"),
    "speed_mps": ("m/s", "backward speed of the foot on the ground relative to the pelvis"),
    "step_length_m": ("m", "speed x step time"),
}


class MetricSummary(BaseModel):
    """One metric over the clip: its median, spread and the per-stride values it came from."""

    model_config = ConfigDict(frozen=True)

    value: float
    unit: str
    n: int
    p25: float
    p75: float
    cv_pct: float
    per_stride: tuple[float, ...]
    confidence: str = "high"  # high / moderate / low

    @classmethod
    def of(
        cls, name: str, values: list[float] | np.ndarray, confidence: str = "high"
    ) -> MetricSummary:
        """Summarise per-stride values (NaN ignored)."""
        arr = np.asarray(values, dtype=float)
        arr = arr[np.isfinite(arr)]
        unit = DEFINITIONS.get(name, ("", ""))[0]
        if arr.size == 0:
            return cls(
                value=float("nan"),
                unit=unit,
                n=0,
                p25=float("nan"),
                p75=float("nan"),
                cv_pct=float("nan"),
                per_stride=(),
                confidence="low",
            )
        mean = float(np.mean(arr))
        cv = float(100 * np.std(arr) / abs(mean)) if arr.size > 1 and mean else float("nan")
        return cls(
            value=float(np.median(arr)),
            unit=unit,
            n=int(arr.size),
            p25=float(np.percentile(arr, 25)),
            p75=float(np.percentile(arr, 75)),
            cv_pct=cv,
            per_stride=tuple(round(float(x), 3) for x in arr),
            confidence=confidence,
        )


class SideMeasures(BaseModel):
    """Per-foot medians (for asymmetry and for telling near from far)."""

    model_config = ConfigDict(frozen=True)

    side: str
    near: bool
    contact_ms: MetricSummary
    step_time_ms: MetricSummary
    overstride_pct_leg: MetricSummary
    confidence: float


class SideViewMetrics(BaseModel):
    """Everything the side view measures, with per-stride values."""

    model_config = ConfigDict(frozen=True)

    metrics: dict[str, MetricSummary]
    strike_pattern: str
    step_time_si_pct: float
    contact_time_si_pct: float
    sides: dict[str, SideMeasures]
    leg_length_px: float
    px_per_m: float | None
    near_side: str
    direction: int  # +1 runner faces right in the image, -1 left


@dataclass(frozen=True)
class SideViewInput:
    """What `measure_side_view` needs: cleaned landmarks on a uniform grid and the events."""

    times_s: Array
    xy_px: Array  # (N, 33, 2) low-pass filtered
    xy_unfiltered_px: Array  # (N, 33, 2) for instants with sharp motion (contact)
    events: dict[str, FootEvents]
    near_side: str
    direction: int
    height_cm: float | None = None


def _lm(xy: Array, side: str, part: str) -> Array:
    return xy[:, side_landmark(side, part)]


def _at_contacts(inp: SideViewInput, side: str, leg_px: float, times: Array) -> dict[str, Array]:
    """Foot-placement measures of one foot at the given strike times (unfiltered landmarks)."""
    xy = sg.interp_at(inp.times_s, inp.xy_unfiltered_px, times)
    d = inp.direction
    hip, knee, ankle = _lm(xy, side, "HIP"), _lm(xy, side, "KNEE"), _lm(xy, side, "ANKLE")
    heel, toe = _lm(xy, side, "HEEL"), _lm(xy, side, "FOOT_INDEX")
    pelvis = 0.5 * (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP])
    foot = toe - heel
    return {
        "overstride_px": d * (heel[:, 0] - pelvis[:, 0]),
        "shank_angle_deg": -sg.angle_from_vertical_deg(ankle, knee, d),
        "foot_inclination_deg": np.degrees(np.arctan2(-foot[:, 1], d * foot[:, 0])),
        "knee_flexion_contact_deg": 180.0 - sg.inner_angle_deg(hip, knee, ankle),
    }


def _at_midstance(inp: SideViewInput, side: str, times: Array) -> dict[str, Array]:
    """Posture measures at mid-stance of one foot."""
    xy = sg.interp_at(inp.times_s, inp.xy_px, times)
    d = inp.direction
    hip_c = 0.5 * (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP])
    sh_c = 0.5 * (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER])
    ankle = _lm(xy, side, "ANKLE")
    trunk = sg.angle_from_vertical_deg(hip_c, sh_c, d)
    leg = sg.angle_from_vertical_deg(ankle, hip_c, d)
    return {
        "trunk_lean_deg": trunk,
        "whole_body_lean_deg": sg.angle_from_vertical_deg(ankle, sh_c, d),
        "trunk_to_leg_deg": trunk - leg,
    }


def _cadence(inp: SideViewInput, near_strides: Array) -> MetricSummary:
    """Cadence from one stride time fitted to all strikes; per-stride values for the spread."""
    order = sorted(inp.events, key=lambda side: side != inp.near_side)  # near foot first
    stride = sg.stride_time_fit_s([inp.events[side].all_strikes() for side in order])
    summary = MetricSummary.of("cadence_spm", 120.0 / near_strides)
    if stride == stride and summary.n:
        summary = summary.model_copy(update={"value": 120.0 / stride})
    return summary


def leg_length_px(xy: Array) -> float:
    """Leg length in pixels: hip-knee plus knee-ankle, median over frames, both legs."""
    lengths = [
        sg.segment_length_px(_lm(xy, s, "HIP"), _lm(xy, s, "KNEE"))
        + sg.segment_length_px(_lm(xy, s, "KNEE"), _lm(xy, s, "ANKLE"))
        for s in ("left", "right")
    ]
    return float(np.nanmax(lengths))  # the near leg is the less foreshortened one


def measure_side_view(inp: SideViewInput) -> SideViewMetrics:
    """All side-view metrics from cleaned landmarks and the events of both feet."""
    leg_px = leg_length_px(inp.xy_px)
    scale = sg.px_per_m_from_height(leg_px, inp.height_cm) if inp.height_cm else None
    near = inp.events[inp.near_side]
    far_side = "left" if inp.near_side == "right" else "right"
    strikes = [(t, s) for s, e in inp.events.items() for t in e.all_strikes()]
    steps = sg.step_times_s(strikes)
    stride_times = np.diff(near.all_strikes())
    contacts = {s: e.contacts() for s, e in inp.events.items()}
    gct = {s: [b - a for a, b in c] for s, c in contacts.items()}
    flights = []
    for side, cs in contacts.items():
        other = inp.events["left" if side == "right" else "right"].all_strikes()
        for _, toe_off in cs:
            nxt = other[other > toe_off]
            if nxt.size and nxt[0] - toe_off < 0.5:
                flights.append(nxt[0] - toe_off)
    fps = 1.0 / float(np.median(np.diff(inp.times_s)))
    timing_conf = "high" if fps >= 50 else "low"
    placement = _at_contacts(inp, inp.near_side, leg_px, near.all_strikes())
    mids = np.array([a + 0.5 * (b - a) for a, b in contacts[inp.near_side]])
    posture = _at_midstance(inp, inp.near_side, mids) if mids.size else {}
    pelvis_y = 0.5 * (inp.xy_px[:, L.LEFT_HIP, 1] + inp.xy_px[:, L.RIGHT_HIP, 1])
    all_strikes = np.sort([t for t, _ in strikes])
    vo_px = sg.vertical_oscillation_px(inp.times_s, pelvis_y, all_strikes)
    xy = inp.xy_px
    speed_px = sg.stance_speed_px_s(
        inp.times_s,
        _lm(xy, inp.near_side, "FOOT_INDEX")[:, 0],
        _lm(xy, inp.near_side, "HEEL")[:, 0],
        0.5 * (xy[:, L.LEFT_HIP, 0] + xy[:, L.RIGHT_HIP, 0]),
        inp.direction,
        contacts[inp.near_side],
    )
    step_s = np.array([s for _, s in steps])
    m: dict[str, MetricSummary] = {
        "cadence_spm": _cadence(inp, stride_times),
        "step_time_ms": MetricSummary.of("step_time_ms", 1000 * step_s),
        "contact_ms": MetricSummary.of(
            "contact_ms", 1000 * np.asarray(gct[inp.near_side]), timing_conf
        ),
        "flight_ms": MetricSummary.of("flight_ms", 1000 * np.asarray(flights), timing_conf),
        "duty_factor": MetricSummary.of(
            "duty_factor",
            np.asarray(gct[inp.near_side]) / np.median(stride_times) if stride_times.size else [],
            timing_conf,
        ),
        "overstride_pct_leg": MetricSummary.of(
            "overstride_pct_leg", 100 * placement["overstride_px"] / leg_px
        ),
        "shank_angle_deg": MetricSummary.of("shank_angle_deg", placement["shank_angle_deg"]),
        "foot_inclination_deg": MetricSummary.of(
            "foot_inclination_deg", placement["foot_inclination_deg"]
        ),
        "knee_flexion_contact_deg": MetricSummary.of(
            "knee_flexion_contact_deg", placement["knee_flexion_contact_deg"]
        ),
    }
    for key, values in posture.items():
        m[key] = MetricSummary.of(key, values)
    if scale:
        m["overstride_cm"] = MetricSummary.of(
            "overstride_cm", 100 * placement["overstride_px"] / scale
        )
        m["vertical_oscillation_cm"] = MetricSummary.of(
            "vertical_oscillation_cm", 100 * vo_px / scale
        )
        speed = speed_px / scale
        m["speed_mps"] = MetricSummary.of("speed_mps", [speed])
        step_len = speed * step_s
        m["step_length_m"] = MetricSummary.of("step_length_m", step_len)
        if step_len.size:
            ratio = 100 * (vo_px / scale) / float(np.median(step_len))
            m["vertical_ratio_pct"] = MetricSummary.of("vertical_ratio_pct", ratio)
    sides = {}
    for side, ev in inp.events.items():
        side_steps = [s for who, s in steps if who == side]
        side_place = _at_contacts(inp, side, leg_px, ev.all_strikes())
        sides[side] = SideMeasures(
            side=side,
            near=side == inp.near_side,
            contact_ms=MetricSummary.of("contact_ms", 1000 * np.asarray(gct[side])),
            step_time_ms=MetricSummary.of("step_time_ms", 1000 * np.asarray(side_steps)),
            overstride_pct_leg=MetricSummary.of(
                "overstride_pct_leg", 100 * side_place["overstride_px"] / leg_px
            ),
            confidence=ev.confidence,
        )
    r, lft = sides.get("right"), sides.get("left")
    step_si = contact_si = float("nan")
    if r and lft:
        step_si = sg.symmetry_index_pct(r.step_time_ms.value, lft.step_time_ms.value)
        contact_si = sg.symmetry_index_pct(r.contact_ms.value, lft.contact_ms.value)
    del far_side
    return SideViewMetrics(
        metrics=m,
        strike_pattern=sg.strike_pattern(m["foot_inclination_deg"].value),
        step_time_si_pct=step_si,
        contact_time_si_pct=contact_si,
        sides=sides,
        leg_length_px=leg_px,
        px_per_m=scale,
        near_side=inp.near_side,
        direction=inp.direction,
    )
