"""A parametric running gait with known truth: `GaitParams` in, 33 landmark trajectories out.

The model is built so that what a test compares against is true by construction:

- **Timing.** Strikes and toe-offs follow from cadence, contact time and the two asymmetry
  indices; every step is a flight step (duty factor below 0.5), as running requires.
- **Pelvis.** Forward speed is constant; vertically the pelvis is ballistic in flight (gravity
  only) and follows a smooth dip in stance whose depth makes the requested vertical oscillation.
- **Stance foot.** It rolls heel -> flat -> toe (or toe -> flat -> toe for a forefoot strike) about
  a contact point fixed to the ground (overground) or to the belt (treadmill): the foot never
  slides. When the hip moves far ahead, the heel rises just enough to keep the leg within its
  length.
- **Legs and arms.** Knees are placed by two-link inverse kinematics and arms are built from
  rigid segments, so segment lengths are exact at every instant.

World axes: x forward, y up, z to the runner's right; metres and seconds. Angles in parameters are
degrees; internally radians.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy.interpolate import PchipInterpolator

from backstride.skeleton import N_LANDMARKS, Landmark, side_landmark
from backstride.synth.body import Body
from backstride.synth.kinematics import (
    Array,
    knee_flexion_rad,
    leg_span_m,
    pitch_for_span,
    rotate_about_axis,
    rotate_xy,
    smoothstep,
    solve_knee,
)

G_MPS2 = 9.81
#: A foot steeper than this at toe-off is not a plausible runner (the leg could not reach).
MIN_TOE_OFF_PITCH_DEG = -60.0
#: Knee flexion floor in late stance, falling from 30 deg at 55% of contact to 12 deg at toe-off:
#: when the hip moves ahead the heel rises instead of the knee locking, and the knee keeps
#: extending through push-off until the foot leaves the ground, as in real running (Novacheck
#: 1998, Gait Posture 7:77: knee extension peaks near toe-off).
KNEE_FLOOR_FROM_DEG, KNEE_FLOOR_AT_TOE_OFF_DEG, KNEE_FLOOR_START = 30.0, 12.0, 0.55
MIN_KNEE_FLEXION_DEG = KNEE_FLOOR_AT_TOE_OFF_DEG


def knee_floor_rad(s: Array) -> Array:
    """The least knee flexion allowed at stance fraction ``s`` (see `KNEE_FLOOR_FROM_DEG`)."""
    frac = np.clip((s - KNEE_FLOOR_START) / (1.0 - KNEE_FLOOR_START), 0.0, 1.0)
    late = KNEE_FLOOR_FROM_DEG + (KNEE_FLOOR_AT_TOE_OFF_DEG - KNEE_FLOOR_FROM_DEG) * frac
    return np.radians(np.where(s >= KNEE_FLOOR_START, late, KNEE_FLOOR_AT_TOE_OFF_DEG))


Side = Literal["left", "right"]
SIDES: tuple[Side, Side] = ("right", "left")
OTHER: dict[Side, Side] = {"right": "left", "left": "right"}


class GaitParams(BaseModel):
    """What the synthetic runner does. Every field is a quantity the pipeline should measure.

    Asymmetry indices are symmetry indices, ``100 * (right - left) / mean``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    cadence_spm: float = Field(default=170.0, ge=120, le=230)
    speed_mps: float = Field(default=3.0, gt=0.5, le=8.0)
    contact_ms: float = Field(default=230.0, ge=120, le=420)
    overstride_pct_leg: float = Field(default=12.0, ge=-10, le=40)
    foot_strike_deg: float = Field(default=12.0, ge=-25, le=35)
    knee_flexion_contact_deg: float = Field(default=14.0, ge=2, le=45)
    trunk_lean_deg: float = Field(default=6.0, ge=-10, le=35)
    vertical_oscillation_cm: float = Field(default=8.0, ge=1, le=20)
    pelvic_drop_deg: float = Field(default=4.0, ge=0, le=20)
    lateral_lean_deg: float = Field(default=1.5, ge=0, le=20)
    step_width_cm: float = Field(default=8.0, ge=-15, le=25)
    arm_cross_cm: float = Field(default=-8.0, ge=-20, le=20)
    knee_valgus_deg: float = Field(default=2.0, ge=0, le=20)
    step_time_asymmetry_pct: float = Field(default=0.0, ge=-25, le=25)
    contact_asymmetry_pct: float = Field(default=0.0, ge=-25, le=25)
    arm_swing_deg: float = Field(default=35.0, ge=5, le=70)
    trunk_rotation_deg: float = Field(default=6.0, ge=0, le=25)
    pelvis_rotation_deg: float = Field(default=5.0, ge=0, le=20)
    pelvis_sway_cm: float = Field(default=1.5, ge=0, le=6)
    first_strike_s: float = Field(default=0.12, ge=0, le=2)
    mode: Literal["treadmill", "overground"] = "treadmill"

    @property
    def step_s(self) -> float:
        """Mean step time: 60 / cadence."""
        return 60.0 / self.cadence_spm

    @property
    def step_length_m(self) -> float:
        """Distance covered per step: speed x step time (cadence, speed and step length agree)."""
        return self.speed_mps * self.step_s

    def step_times_s(self) -> dict[Side, float]:
        """Step time ending with each foot's strike (right = left strike to right strike)."""
        k = self.step_time_asymmetry_pct / 200.0
        return {"right": self.step_s * (1 + k), "left": self.step_s * (1 - k)}

    def contact_times_s(self) -> dict[Side, float]:
        """Ground contact time of each foot."""
        k = self.contact_asymmetry_pct / 200.0
        c = self.contact_ms / 1000.0
        return {"right": c * (1 + k), "left": c * (1 - k)}

    @model_validator(mode="after")
    def _running(self) -> GaitParams:
        steps, contacts = self.step_times_s(), self.contact_times_s()
        # Flight after a foot's toe-off lasts until the other foot strikes.
        for side in SIDES:
            other = OTHER[side]
            if contacts[side] >= steps[other] - 0.02:
                raise ValueError(
                    f"contact time {contacts[side] * 1000:.0f} ms of the {side} foot leaves no "
                    f"flight before the next step ({steps[other] * 1000:.0f} ms): running needs "
                    "a duty factor below 0.5"
                )
        if not 0.4 <= self.step_length_m <= 2.6:
            raise ValueError(f"step length {self.step_length_m:.2f} m is implausible for running")
        return self


def plausible_speed_mps(
    contact_ms: float,
    overstride_pct_leg: float,
    body: Body | None = None,
    *,
    toe_off_behind_m: float = 0.40,
) -> float:
    """The running speed that makes contact time and overstride agree with a reachable toe-off.

    During contact the body travels ``speed x contact``; the foot lands with the heel
    ``overstride`` ahead of the pelvis and leaves with the toe about 0.40 m behind it (a leg and
    a foot can reach little further). So ``speed = (overstride + foot length + 0.40 m) / contact``.

    Examples
    --------
    >>> round(plausible_speed_mps(230, 12), 2)
    3.34
    """
    b = body or Body()
    reach = overstride_pct_leg / 100 * b.leg_length_m + b.foot_length_m + toe_off_behind_m
    return reach / (contact_ms / 1000.0)


def min_vertical_oscillation_cm(cadence_spm: float, contact_ms: float) -> float:
    """The least vertical oscillation a runner with this timing can have, cm.

    In flight the pelvis is ballistic: rising and falling for the flight time ``tf`` lifts it
    ``g tf^2 / 8`` above take-off; the stance dip that hands over between two flights adds
    ``v c / 4`` with ``v = g tf / 2`` and ``c`` the contact time.

    Examples
    --------
    >>> round(min_vertical_oscillation_cm(170, 230), 1)
    5.3
    """
    contact = contact_ms / 1000.0
    flight = 60.0 / cadence_spm - contact
    return 100.0 * (G_MPS2 * flight**2 / 8.0 + 0.25 * (G_MPS2 * flight / 2.0) * contact)


def consistent_gait(
    cadence_spm: float = 170.0,
    contact_ms: float = 230.0,
    overstride_pct_leg: float = 12.0,
    trunk_lean_deg: float = 6.0,
    mode: Literal["treadmill", "overground"] = "treadmill",
    **other: Any,
) -> GaitParams:
    """`GaitParams` whose speed and oscillation follow from the timing and overstride given.

    Speed from `plausible_speed_mps`, vertical oscillation at least 1.5 cm above the physical
    minimum of `min_vertical_oscillation_cm` (and 8 cm when that allows): a grid over cadence,
    contact and overstride then never asks for an impossible runner.
    """
    vo = max(8.0, min_vertical_oscillation_cm(cadence_spm, contact_ms) + 1.5)
    return GaitParams(
        cadence_spm=cadence_spm,
        contact_ms=contact_ms,
        overstride_pct_leg=overstride_pct_leg,
        trunk_lean_deg=trunk_lean_deg,
        speed_mps=plausible_speed_mps(contact_ms, overstride_pct_leg),
        vertical_oscillation_cm=vo,
        mode=mode,
        **other,
    )


class StanceState(BaseModel):
    """Sagittal pose of a leg at one instant, used to join stance and swing smoothly."""

    model_config = ConfigDict(frozen=True)

    leg_angle_rad: float
    knee_flexion_rad: float
    pitch_rad: float
    leg_angle_rate: float
    knee_flexion_rate: float


class GaitModel:
    """Landmark trajectories of a runner with `GaitParams` and a `Body`.

    Examples
    --------
    >>> model = GaitModel(GaitParams(cadence_spm=180), Body(height_m=1.75))
    >>> xyz = model.keypoints(np.linspace(0, 1, 31))
    >>> xyz.shape
    (31, 33, 3)
    """

    def __init__(self, params: GaitParams, body: Body | None = None) -> None:
        self.params = params
        self.body = body or Body()
        self._check_feasible()

    def __repr__(self) -> str:
        return f"GaitModel({self.params!r}, {self.body!r})"

    # ------------------------------------------------------------------ timing
    @cached_property
    def stride_s(self) -> float:
        """Right strike to right strike."""
        return 2.0 * self.params.step_s

    def strike_times(self, side: Side, t_end: float, t_start: float = -1.0) -> Array:
        """Strike times of one foot within [t_start, t_end]."""
        t0 = self.params.first_strike_s
        if side == "left":
            t0 += self.params.step_times_s()["left"]
        k0 = int(np.floor((t_start - t0) / self.stride_s)) - 1
        k1 = int(np.ceil((t_end - t0) / self.stride_s)) + 1
        times = t0 + self.stride_s * np.arange(k0, k1 + 1)
        return times[(times >= t_start) & (times <= t_end)]

    def flight_before_s(self, side: Side) -> float:
        """Flight time that ends with this foot's strike."""
        other: Side = "left" if side == "right" else "right"
        return self.params.step_times_s()[side] - self.params.contact_times_s()[other]

    # ------------------------------------------------------------------ pelvis
    @cached_property
    def pelvis_strike_height_m(self) -> float:
        """Pelvis height at initial contact, set by overstride, strike angle and knee flexion."""
        b, p = self.body, self.params
        _, ankle = self._strike_foot()
        hip_x = 0.5 * b.hip_width_m * np.sin(np.radians(p.pelvis_rotation_deg))
        lateral = self._foot_z("right") - 0.5 * b.hip_width_m
        span = float(leg_span_m(b.thigh_m, b.shank_m, np.radians(p.knee_flexion_contact_deg)))
        sag = np.sqrt(span**2 - lateral**2)
        dx = hip_x - ankle[0]
        if abs(dx) >= sag:
            raise ValueError(
                "overstride too long for this knee flexion at contact: the leg cannot reach"
            )
        return float(ankle[1] + np.sqrt(sag**2 - dx**2))

    @cached_property
    def _stance_dip_extra_m(self) -> float:
        """Extra stance dip (beyond the ballistic hand-over) making the requested oscillation."""
        p = self.params
        need_cm = min_vertical_oscillation_cm(p.cadence_spm, p.contact_ms)
        extra = (p.vertical_oscillation_cm - need_cm) / 100.0
        if extra < 0:
            raise ValueError(
                f"vertical oscillation {p.vertical_oscillation_cm} cm is below the "
                f"{need_cm:.1f} cm that this flight time and contact time imply"
            )
        return extra

    def pelvis_height(self, t: Array) -> Array:
        """Pelvis centre height: ballistic in flight, a smooth dip in stance."""
        y_s = self.pelvis_strike_height_m
        out = np.full(t.shape, y_s)
        contacts = self.params.contact_times_s()
        for side in SIDES:
            other: Side = "left" if side == "right" else "right"
            c = contacts[side]
            v_in = G_MPS2 * self.flight_before_s(side) / 2.0
            v_out = G_MPS2 * self.flight_before_s(other) / 2.0
            for ts in self.strike_times(side, t.max() + 1, t.min() - 1):
                s = (t - ts) / c
                m = (s >= 0) & (s <= 1)
                sm = s[m]
                m0, m1 = -v_in * c, v_out * c
                hermite = m0 * (sm**3 - 2 * sm**2 + sm) + m1 * (sm**3 - sm**2)
                out[m] = y_s + hermite - self._stance_dip_extra_m * np.sin(np.pi * sm) ** 2
                # Flight that follows this toe-off.
                tf = self.flight_before_s(other)
                tau = t - (ts + c)
                f = (tau > 0) & (tau < tf)
                out[f] = y_s + v_out * tau[f] - 0.5 * G_MPS2 * tau[f] ** 2
        return out

    def _stance_fraction(self, t: Array, side: Side) -> Array:
        """Fraction of the current stance of ``side`` at each t, or NaN in swing."""
        c = self.params.contact_times_s()[side]
        out = np.full(t.shape, np.nan)
        for ts in self.strike_times(side, t.max() + 1, t.min() - 1):
            s = (t - ts) / c
            m = (s >= 0) & (s <= 1)
            out[m] = s[m]
        return out

    def _bump(self, t: Array) -> tuple[Array, Array]:
        """sin(pi s) over each stance (0 in flight), and the stance side: +1 right, -1 left."""
        bump = np.zeros(t.shape)
        sign = np.zeros(t.shape)
        for side in SIDES:
            sgn = 1.0 if side == "right" else -1.0
            s = self._stance_fraction(t, side)
            m = ~np.isnan(s)
            bump[m] = np.sin(np.pi * s[m])
            sign[m] = sgn
        return bump, sign

    def stride_phase(self, t: Array) -> Array:
        """0 at right strike, pi at left strike (in time), 2 pi at the next right strike."""
        return 2 * np.pi * ((t - self.params.first_strike_s) / self.stride_s % 1.0)

    def pelvis(self, t: Array) -> tuple[Array, Array, Array]:
        """Pelvis centre (T, 3), right hip (T, 3) and left hip (T, 3)."""
        p, b = self.params, self.body
        bump, sign = self._bump(t)
        centre = np.zeros((t.size, 3))
        centre[:, 1] = self.pelvis_height(t)
        centre[:, 2] = sign * bump * p.pelvis_sway_cm / 100.0
        roll = np.radians(p.pelvic_drop_deg) * bump * sign  # + lifts the right hip
        yaw = np.radians(p.pelvis_rotation_deg) * np.cos(self.stride_phase(t))
        h = 0.5 * b.hip_width_m
        offset = np.stack(
            [h * np.cos(roll) * np.sin(yaw), h * np.sin(roll), h * np.cos(roll) * np.cos(yaw)],
            axis=-1,
        )
        return centre, centre + offset, centre - offset

    # ------------------------------------------------------------------ feet
    def _foot_z(self, side: Side) -> float:
        w = self.params.step_width_cm / 100.0
        return 0.5 * w if side == "right" else -0.5 * w

    def _foot_frame(self) -> tuple[Array, Array]:
        """Ankle and toe in the foot frame (origin at the heel on the sole, x forward)."""
        b = self.body
        return np.array([b.ankle_from_heel_m, b.ankle_height_m]), np.array([b.foot_length_m, 0.0])

    def _strike_foot(self) -> tuple[Array, Array]:
        """Sagittal heel and ankle at initial contact, in the pelvis-progression frame."""
        p, b = self.params, self.body
        alpha = np.radians(p.foot_strike_deg)
        ankle_local, toe_local = self._foot_frame()
        heel_x = p.overstride_pct_leg / 100.0 * b.leg_length_m
        # Heel strike: heel on the ground. Forefoot strike: toe on the ground, heel above it.
        heel_y = 0.0 if alpha >= 0 else -float(rotate_xy(toe_local, alpha)[1])
        heel = np.array([heel_x, heel_y])
        return heel, heel + rotate_xy(ankle_local, alpha)

    @cached_property
    def _flat_fraction(self) -> float:
        """Stance fraction at which the foot is flat after a heel or forefoot strike."""
        return float(np.clip(0.12 + 0.008 * abs(self.params.foot_strike_deg), 0.12, 0.35))

    def _stance_pitch_profile(self, s: Array) -> Array:
        """Foot pitch in stance before any heel rise forced by the leg length."""
        alpha = np.radians(self.params.foot_strike_deg)
        early = alpha * (1.0 - smoothstep(s / self._flat_fraction))
        late = -np.radians(22.0) * smoothstep((s - 0.55) / 0.45)
        return np.where(s < self._flat_fraction, early, late)

    def _contacts(self, elapsed: Array) -> tuple[Array, Array]:
        """Where heel and toe touch the ground (sagittal, (T, 2)) while the foot is flat.

        A heel strike pins the heel, a forefoot strike the toe; either way the point moves back
        at running speed in the pelvis-progression frame (fixed to the ground or the belt).
        """
        p = self.params
        _, toe_local = self._foot_frame()
        heel0, _ = self._strike_foot()
        alpha = np.radians(p.foot_strike_deg)
        back = p.speed_mps * elapsed
        zero = np.zeros_like(elapsed)
        if alpha >= 0:
            heel = np.stack([heel0[0] - back, zero], axis=-1)
            return heel, heel + toe_local
        toe = np.stack([heel0[0] + toe_local[0] * np.cos(alpha) - back, zero], axis=-1)
        return toe - toe_local, toe

    def _stance_leg(self, t: Array, side: Side, hip: Array) -> tuple[Array, Array, Array, Array]:
        """Ankle, heel, toe (T, 3) and pitch (T,) of a foot in stance; NaN where in swing."""
        p, b = self.params, self.body
        s = self._stance_fraction(t, side)
        nan = np.isnan(s)
        s0 = np.nan_to_num(s)
        ankle_local, toe_local = self._foot_frame()
        heel_contact, toe_contact = self._contacts(s0 * p.contact_times_s()[side])
        pitch = self._stance_pitch_profile(s0)
        n = (*s.shape, 2)
        toe_to_ankle = np.broadcast_to(ankle_local - toe_local, n)

        def ankle_for(pitch: Array) -> Array:
            on_heel = (pitch > 0)[:, None]
            via_heel = heel_contact + rotate_xy(np.broadcast_to(ankle_local, n), pitch)
            return np.where(on_heel, via_heel, toe_contact + rotate_xy(toe_to_ankle, pitch))

        ankle2 = ankle_for(pitch)
        # Heel rise forced by the leg: after foot-flat, pivot on the toe with the pitch that
        # keeps the knee at its late-stance floor wherever the profile would straighten it more.
        span_max = leg_span_m(b.thigh_m, b.shank_m, knee_floor_rad(s0))
        lateral = self._foot_z(side) - hip[:, 2]
        sag_max = np.sqrt(np.clip(span_max**2 - lateral**2, 1e-9, None))
        too_far = np.linalg.norm(ankle2 - hip[:, :2], axis=-1) > sag_max
        fix = too_far & (s0 >= self._flat_fraction) & ~nan
        if np.any(fix):
            forced = pitch_for_span(
                toe_contact[fix], hip[fix, :2], toe_to_ankle[fix], sag_max[fix], pitch[fix]
            )
            pitch = pitch.copy()
            pitch[fix] = np.minimum(pitch[fix], forced)
            ankle2 = ankle_for(pitch)
        heel2 = ankle2 - rotate_xy(np.broadcast_to(ankle_local, n), pitch)
        toe2 = heel2 + rotate_xy(np.broadcast_to(toe_local, n), pitch)
        z = np.full(s.shape, self._foot_z(side))

        def lift(a2: Array) -> Array:
            out = np.column_stack([a2, z])
            out[nan] = np.nan
            return out

        return lift(ankle2), lift(heel2), lift(toe2), np.where(nan, np.nan, pitch)

    # ------------------------------------------------------------------ swing
    def _sagittal_state(self, hip: Array, ankle: Array) -> tuple[Array, Array]:
        """Leg angle (hip->ankle from vertical, + forwards) and knee flexion from positions."""
        b = self.body
        d = ankle - hip
        angle = np.arctan2(d[:, 0], -d[:, 1])
        return angle, knee_flexion_rad(b.thigh_m, b.shank_m, np.linalg.norm(d, axis=-1))

    def _state(self, times: Array, side: Side, at: int) -> StanceState:
        """Leg state at ``times[at]`` with rates from the two stance samples in ``times``."""
        _, hip_r, hip_l = self.pelvis(times)
        hip = hip_r if side == "right" else hip_l
        ankle, _, _, pitch = self._stance_leg(times, side, hip)
        angle, knee = self._sagittal_state(hip, ankle)
        dt = times[1] - times[0]
        return StanceState(
            leg_angle_rad=float(angle[at]),
            knee_flexion_rad=float(knee[at]),
            pitch_rad=float(pitch[at]),
            leg_angle_rate=float((angle[1] - angle[0]) / dt),
            knee_flexion_rate=float((knee[1] - knee[0]) / dt),
        )

    def _boundary_states(self, side: Side) -> tuple[StanceState, StanceState]:
        """Leg state at toe-off (end of a stance) and at initial contact (start of the next)."""
        c = self.params.contact_times_s()[side]
        ts = float(self.strike_times(side, 10.0, 0.0)[0])
        dt, tiny = 1e-3, 1e-9
        toe_off = self._state(np.array([ts + c - dt, ts + c - tiny]), side, at=1)
        strike = self._state(np.array([ts + tiny, ts + dt]), side, at=0)
        return toe_off, strike

    def _swing_curves(self, side: Side) -> tuple[PchipInterpolator, ...]:
        """Leg angle, knee flexion and foot pitch over the swing fraction u in [0, 1]."""
        p = self.params
        toe_off, strike = self._boundary_states(side)
        swing_s = self.stride_s - p.contact_times_s()[side]
        u0 = 0.12
        knee_max = np.radians(np.clip(60 + 15 * p.speed_mps, 80, 130))
        leg = PchipInterpolator(
            [0.0, u0, 0.82, 1.0],
            [
                toe_off.leg_angle_rad,
                toe_off.leg_angle_rad + toe_off.leg_angle_rate * u0 * swing_s * 0.3,
                strike.leg_angle_rad + np.radians(3.0),
                strike.leg_angle_rad,
            ],
        )
        knee = PchipInterpolator(
            [0.0, u0, 0.42, 1.0],
            [
                toe_off.knee_flexion_rad,
                toe_off.knee_flexion_rad + np.radians(25.0),
                knee_max,
                strike.knee_flexion_rad,
            ],
        )
        # The toe first lifts (pitch rises a little), the foot hangs toe-down in mid-swing and is
        # brought up for the coming strike.
        pitch = PchipInterpolator(
            [0.0, 0.15, 0.45, 0.8, 1.0],
            [
                toe_off.pitch_rad,
                toe_off.pitch_rad + np.radians(6.0),
                min(toe_off.pitch_rad, np.radians(-30.0)),
                np.radians(p.foot_strike_deg + 6.0),
                np.radians(p.foot_strike_deg),
            ],
        )
        return leg, knee, pitch

    def _swing_leg(self, t: Array, side: Side, hip: Array) -> tuple[Array, Array, Array, Array]:
        """Ankle, heel, toe (T, 3) and pitch (T,) in swing; NaN where in stance."""
        p, b = self.params, self.body
        c = p.contact_times_s()[side]
        swing_s = self.stride_s - c
        u = np.full(t.shape, np.nan)
        for ts in self.strike_times(side, t.max() + 1, t.min() - 1 - self.stride_s):
            uu = (t - (ts + c)) / swing_s
            m = (uu >= 0) & (uu <= 1)  # closed: stance takes precedence at the boundaries
            u[m] = uu[m]
        leg_c, knee_c, pitch_c = self._swing_curves(side)
        uu = np.nan_to_num(u)
        angle, knee, pitch = leg_c(uu), knee_c(uu), pitch_c(uu)
        z = np.full(t.shape, self._foot_z(side))
        lateral = z - hip[:, 2]
        span = leg_span_m(b.thigh_m, b.shank_m, knee)
        sag = np.sqrt(np.clip(span**2 - lateral**2, 1e-9, None))
        ankle = np.column_stack(
            [hip[:, 0] + sag * np.sin(angle), hip[:, 1] - sag * np.cos(angle), z]
        )
        ankle_local, toe_local = self._foot_frame()
        pitch = self._clear_ground(ankle[:, 1], pitch)
        heel2 = ankle[:, :2] - rotate_xy(np.broadcast_to(ankle_local, (*t.shape, 2)), pitch)
        toe2 = heel2 + rotate_xy(np.broadcast_to(toe_local, (*t.shape, 2)), pitch)
        heel, toe = np.column_stack([heel2, z]), np.column_stack([toe2, z])
        nan = np.isnan(u)
        for a in (ankle, heel, toe):
            a[nan] = np.nan
        return ankle, heel, toe, np.where(nan, np.nan, pitch)

    def _clear_ground(self, ankle_y: Array, pitch: Array) -> Array:
        """Limit swing-foot pitch so neither toe nor heel goes below the ground.

        With the ankle at height ``a`` and the toe at (A, -B) from the ankle in the foot frame,
        the toe height is ``a + A sin p - B cos p``; the heel, at (-aX, -aY), has height
        ``a - aX sin p - aY cos p``. Each bound has a closed-form root.
        """
        ankle_local, toe_local = self._foot_frame()
        a_toe, b_toe = toe_local[0] - ankle_local[0], ankle_local[1]
        r_toe, d_toe = np.hypot(a_toe, b_toe), np.arctan2(b_toe, a_toe)
        p_min = d_toe + np.arcsin(np.clip(-ankle_y / r_toe, -1, 1))
        r_heel = np.hypot(ankle_local[0], ankle_local[1])
        d_heel = np.arctan2(ankle_local[1], ankle_local[0])
        p_max = np.arcsin(np.clip(ankle_y / r_heel, -1, 1)) - d_heel
        return np.clip(pitch, p_min, np.maximum(p_max, p_min))

    # ------------------------------------------------------------------ whole body
    def legs(self, t: Array) -> dict[Side, dict[str, np.ndarray]]:
        """Hip, knee, ankle, heel, toe (T, 3), foot pitch and a stance flag, per side."""
        p = self.params
        _, hip_r, hip_l = self.pelvis(t)
        bump, sign = self._bump(t)
        out: dict[Side, dict[str, np.ndarray]] = {}
        for side in SIDES:
            hip = hip_r if side == "right" else hip_l
            st = self._stance_leg(t, side, hip)
            sw = self._swing_leg(t, side, hip)
            stance = ~np.isnan(st[3])
            ankle, heel, toe, pitch = (
                np.where(stance[:, None] if a.ndim == 2 else stance, a, b)
                for a, b in zip(st, sw, strict=True)
            )
            own = sign == (1.0 if side == "right" else -1.0)
            valgus = np.radians(p.knee_valgus_deg) * bump * own
            medial = np.array([0.0, 0.0, -1.0 if side == "right" else 1.0])
            knee = solve_knee(
                hip,
                ankle,
                self.body.thigh_m,
                self.body.shank_m,
                forward=np.array([1.0, 0.0, 0.0]),
                valgus_rad=valgus,
                medial=np.broadcast_to(medial, hip.shape),
            )
            out[side] = {
                "hip": hip,
                "knee": knee,
                "ankle": ankle,
                "heel": heel,
                "toe": toe,
                "pitch": pitch,
                "stance": stance,
            }
        return out

    def trunk_frame(self, t: Array) -> tuple[Array, Array, Array, Array]:
        """Mid-shoulder (T, 3) and the trunk's up, right, forward unit vectors (T, 3)."""
        p, b = self.params, self.body
        centre, _, _ = self.pelvis(t)
        bump, sign = self._bump(t)
        phase = self.stride_phase(t)
        # A small lean oscillation twice per stride, zero at each mid-stance.
        mid_phase = np.pi * p.contact_ms / 1000.0 / self.stride_s
        lean = np.radians(p.trunk_lean_deg + 1.0 * np.sin(2 * (phase - mid_phase)))
        lateral = np.radians(p.lateral_lean_deg) * bump * sign  # towards the stance side
        up = np.column_stack([np.tan(lean), np.ones_like(t), np.tan(lateral)])
        up /= np.linalg.norm(up, axis=1, keepdims=True)
        yaw = -np.radians(p.trunk_rotation_deg) * np.cos(phase)
        right0 = np.column_stack([np.sin(yaw), np.zeros_like(t), np.cos(yaw)])
        right = right0 - up * np.sum(right0 * up, axis=1, keepdims=True)
        right /= np.linalg.norm(right, axis=1, keepdims=True)
        forward = np.cross(up, right)
        return centre + up * b.trunk_m, up, right, forward

    def _arm(self, t: Array, side: Side, iota_peak: float) -> dict[str, Array]:
        """Shoulder, elbow, wrist and hand points of one arm."""
        p, b = self.params, self.body
        mid, up, right, forward = self.trunk_frame(t)
        sgn = 1.0 if side == "right" else -1.0
        shoulder = mid + right * (sgn * 0.5 * b.shoulder_width_m)
        phase = self.stride_phase(t)
        swing = -sgn * np.cos(phase)  # +1 = arm fully forward (right arm forward at left strike)
        beta = np.radians(8.0 + p.arm_swing_deg * swing)
        elbow_flex = np.radians(85.0 + 12.0 * swing)
        ua = -up * np.cos(beta)[:, None] + forward * np.sin(beta)[:, None]
        elbow = shoulder + ua * b.upper_arm_m
        fa = -up * np.cos(beta + elbow_flex)[:, None] + forward * np.sin(beta + elbow_flex)[:, None]
        # Inward rotation about the upper arm carries the hand towards (or across) the midline,
        # most at full forward swing.
        iota = iota_peak * (0.35 + 0.65 * ((1 + swing) / 2) ** 2)
        fa = rotate_about_axis(fa, ua, -sgn * iota)
        wrist = elbow + fa * b.forearm_m
        medial = -right * sgn
        hand = fa * b.hand_m
        return {
            "shoulder": shoulder,
            "elbow": elbow,
            "wrist": wrist,
            "index": wrist + hand * 0.75 + up * 0.01,
            "pinky": wrist + hand * 0.6 - up * 0.02 + medial * 0.01,
            "thumb": wrist + hand * 0.45 + up * 0.025 + medial * 0.015,
        }

    @cached_property
    def _iota_peak(self) -> dict[Side, float]:
        """Inward arm rotation that brings the wrist to ``arm_cross_cm`` past the midline."""
        target = self.params.arm_cross_cm / 100.0
        out: dict[Side, float] = {}
        for side in SIDES:
            lo, hi = -1.0, 2.6
            for _ in range(40):
                mid_i = 0.5 * (lo + hi)
                if self._arm_crossing_m(side, mid_i) < target:
                    lo = mid_i
                else:
                    hi = mid_i
            out[side] = 0.5 * (lo + hi)
            reached = self._arm_crossing_m(side, out[side])
            if abs(reached - target) > 0.005:
                raise ValueError(
                    f"inconsistent gait parameters: arm_cross_cm {target * 100:.1f} is beyond the "
                    f"reach of this arm (at most {reached * 100:.1f} cm)"
                )
        return out

    def _arm_crossing_m(self, side: Side, iota_peak: float) -> float:
        """Most medial wrist position past the body midline over a stride (+ = crosses)."""
        t = self.params.first_strike_s + np.linspace(0, self.stride_s, 60, endpoint=False)
        return float(np.max(self.wrist_past_midline_m(t, self._arm(t, side, iota_peak), side)))

    def wrist_past_midline_m(self, t: Array, arm: dict[str, Array], side: Side) -> Array:
        """Wrist past the midline (mid-hip to mid-shoulder) in the frontal plane; + = across."""
        centre, _, _ = self.pelvis(t)
        mid, _, _, _ = self.trunk_frame(t)
        w = arm["wrist"]
        frac = (w[:, 1] - centre[:, 1]) / (mid[:, 1] - centre[:, 1])
        mid_z = centre[:, 2] + frac * (mid[:, 2] - centre[:, 2])
        return (mid_z - w[:, 2]) if side == "right" else (w[:, 2] - mid_z)

    def _head(self, t: Array) -> dict[str, Array]:
        """Head centre and face points, facing the direction of travel, looking slightly down."""
        b = self.body
        mid, up, _, _ = self.trunk_frame(t)
        centre = mid + up * b.neck_m + np.array([0.02, 0.0, 0.0])
        r = b.head_radius_m
        fwd = np.array([np.cos(np.radians(12)), -np.sin(np.radians(12)), 0.0])
        hup = np.array([np.sin(np.radians(12)), np.cos(np.radians(12)), 0.0])
        rt = np.array([0.0, 0.0, 1.0])

        def at(f: float, u: float, s: float) -> Array:
            return centre + r * (f * fwd + u * hup + s * rt)

        pts = {"centre": centre, "nose": at(1.08, -0.12, 0.0)}
        for name, s in (("right", 1.0), ("left", -1.0)):
            pts[f"{name}_eye_inner"] = at(0.92, 0.22, 0.17 * s)
            pts[f"{name}_eye"] = at(0.85, 0.24, 0.33 * s)
            pts[f"{name}_eye_outer"] = at(0.72, 0.24, 0.50 * s)
            pts[f"{name}_ear"] = at(-0.05, 0.05, 0.97 * s)
            pts[f"{name}_mouth"] = at(0.86, -0.45, 0.20 * s)
        return pts

    def keypoints(self, t: Array) -> Array:
        """The 33 landmarks in world coordinates (T, 33, 3), metres.

        Overground, the whole body advances at ``speed_mps``; on a treadmill the pelvis stays put
        and the stance foot travels back with the belt.
        """
        t = np.asarray(t, dtype=float)
        out = np.zeros((t.size, N_LANDMARKS, 3))
        legs = self.legs(t)
        L = Landmark
        for side in SIDES:
            leg = legs[side]
            for part, name in (
                ("hip", "HIP"),
                ("knee", "KNEE"),
                ("ankle", "ANKLE"),
                ("heel", "HEEL"),
                ("toe", "FOOT_INDEX"),
            ):
                out[:, side_landmark(side, name)] = leg[part]
            arm = self._arm(t, side, self._iota_peak[side])
            for part, name in (
                ("shoulder", "SHOULDER"),
                ("elbow", "ELBOW"),
                ("wrist", "WRIST"),
                ("index", "INDEX"),
                ("pinky", "PINKY"),
                ("thumb", "THUMB"),
            ):
                out[:, side_landmark(side, name)] = arm[part]
        head = self._head(t)
        out[:, L.NOSE] = head["nose"]
        for prefix, name in (("LEFT", "left"), ("RIGHT", "right")):
            out[:, side_landmark(prefix, "EYE_INNER")] = head[f"{name}_eye_inner"]
            out[:, side_landmark(prefix, "EYE")] = head[f"{name}_eye"]
            out[:, side_landmark(prefix, "EYE_OUTER")] = head[f"{name}_eye_outer"]
            out[:, side_landmark(prefix, "EAR")] = head[f"{name}_ear"]
            out[:, Landmark[f"MOUTH_{prefix}"]] = head[f"{name}_mouth"]
        if self.params.mode == "overground":
            out[:, :, 0] += self.params.speed_mps * t[:, None]
        return out

    def head_centre(self, t: Array) -> Array:
        """Centre of the head (T, 3) in world coordinates (for drawing)."""
        centre = self._head(np.asarray(t, dtype=float))["centre"].copy()
        if self.params.mode == "overground":
            centre[:, 0] += self.params.speed_mps * np.asarray(t)
        return centre

    # ------------------------------------------------------------------ checks
    def _check_feasible(self) -> None:
        """Raise ValueError when the parameters cannot make a physically consistent runner."""
        _ = self.pelvis_strike_height_m
        _ = self._stance_dip_extra_m
        _ = self._iota_peak
        # Two strides cover every phase of both legs, asymmetry included; the instants just
        # before toe-off, where the leg is most stretched, are checked exactly.
        t = self.params.first_strike_s + np.arange(0.0, 2 * self.stride_s, 0.002)
        contacts = self.params.contact_times_s()
        edges = [
            ts + contacts[side] - 1e-7
            for side in SIDES
            for ts in self.strike_times(side, float(t.max()), float(t.min()))
        ]
        t = np.sort(np.concatenate([t, edges]))
        try:
            self.legs(t)
        except ValueError as exc:
            raise ValueError(f"inconsistent gait parameters: {exc}") from None
        for side in SIDES:
            toe_off, _ = self._boundary_states(side)
            if toe_off.pitch_rad < np.radians(MIN_TOE_OFF_PITCH_DEG):
                raise ValueError(
                    f"inconsistent gait parameters: the {side} foot would leave the ground at "
                    f"{np.degrees(toe_off.pitch_rad):.0f} deg, almost vertical; shorten the "
                    "contact time or land further ahead (overstride)"
                )
