"""The plan of a synthetic training history: which activity on which day, and what it is.

A `HistorySpec` describes a base week and the events placed in it (weeks counted from 1): a
weekly ramp, a run-every-day streak, single-run spikes, a big trail descent, a cadence drop, a
shift in ground-contact balance, a ride, a treadmill run, a run exported twice, gaps without any
file, two pairs of shoes. `plan_history` turns it into `PlannedActivity` rows, deterministic for
a seed. Everything a reader should measure is decided here: distance, duration (constant pace,
no pauses), the elevation profile as (length, grade) segments, cadence and balance, the format.
"""

from __future__ import annotations

import zlib
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

Kind = Literal["road", "long", "trail", "treadmill", "ride"]
PACE_S_PER_KM = {"road": 330.0, "long": 345.0, "trail": 420.0, "treadmill": 330.0, "ride": 100.0}
START_HOUR = {"road": 7, "long": 9, "trail": 9, "treadmill": 12, "ride": 17}
BASE_ALTITUDE_M = 295.0


class BaseRun(BaseModel):
    """One slot of the base week: a weekday (0 = Monday), a distance and a kind."""

    model_config = ConfigDict(frozen=True)

    weekday: int = Field(ge=0, le=6)
    km: float = Field(gt=0)
    kind: Kind = "road"


class ShoeSpec(BaseModel):
    """A pair the test adds with ``backstride shoes add`` (default pair for its surface)."""

    model_config = ConfigDict(frozen=True)

    name: str
    surface: Literal["road", "trail"]
    initial_km: float = 0.0
    limit_km: float = 800.0


#: The `HistorySpec` fields that place a planned event in a week (None leaves it out).
EVENT_WEEKS = (
    "ramp_week",
    "streak_week",
    "spike_week",
    "big_descent_week",
    "cadence_drop_week",
    "balance_shift_week",
    "late_spike_week",
    "ride_week",
    "treadmill_week",
    "duplicate_week",
    "trail_shoes_on_road_week",
)


class HistorySpec(BaseModel):
    """What to generate. Event weeks are 1-based; None leaves the event out."""

    model_config = ConfigDict(frozen=True)

    start: date = date(2025, 3, 3)
    weeks: int = Field(default=16, ge=1, le=600)
    seed: int = 7
    zone: str = "Europe/Ljubljana"
    origin: tuple[float, float] = (46.0569, 14.5058)
    sample_s: float = Field(default=5.0, ge=1.0, le=30.0)
    base_week: tuple[BaseRun, ...] = (
        BaseRun(weekday=1, km=8.0),
        BaseRun(weekday=3, km=10.0),
        BaseRun(weekday=5, km=6.0),
        BaseRun(weekday=6, km=14.0, kind="long"),
    )
    jitter: float = Field(default=0.02, ge=0.0, le=0.3)
    format_weights: tuple[float, float, float] = (0.6, 0.3, 0.1)  # fit, gpx, tcx
    trail_from_week: int | None = 2
    trail_km: float = 10.0
    trail_descent_m: float = 360.0
    ramp_week: int | None = 6
    streak_week: int | None = 8
    spike_week: int | None = 10
    spike_km: float = 32.0
    big_descent_week: int | None = 12
    big_descent_km: float = 20.0
    big_descent_m: float = 900.0
    cadence_spm: float = 170.0
    cadence_drop_week: int | None = 13
    cadence_drop_spm: float = 162.0
    balance_pct_left: float = 50.2
    balance_shift_week: int | None = 14
    balance_shift_pct_left: float = 52.4
    late_spike_week: int | None = 16
    late_spike_km: float = 24.0
    ride_week: int | None = 3
    treadmill_week: int | None = 4
    duplicate_week: int | None = 5
    gap_weeks: tuple[int, ...] = ()
    shoes: tuple[ShoeSpec, ...] = (
        ShoeSpec(name="Road pair", surface="road", initial_km=690.0),
        ShoeSpec(name="Trail pair", surface="trail", initial_km=0.0),
    )
    trail_shoes_on_road_week: int | None = 15  # that week's Thursday run is in the trail pair

    @classmethod
    def without_events(cls, **fields: Any) -> HistorySpec:
        """A history with none of the planned events (ramp, streak, spikes, big descent,
        cadence drop, balance shift, ride, treadmill run, duplicate, shoes mix-up), then
        ``fields``.

        Examples
        --------
        >>> HistorySpec.without_events(weeks=4, spike_week=3).spike_week
        3
        """
        quiet = dict.fromkeys(EVENT_WEEKS)
        return cls(**{**quiet, **fields})

    @field_validator("start")
    @classmethod
    def _monday(cls, value: date) -> date:
        if value.weekday() != 0:
            raise ValueError(f"must be a Monday, got a {value:%A}")
        return value

    @property
    def end(self) -> date:
        """The last day (a Sunday)."""
        return self.start + timedelta(weeks=self.weeks) - timedelta(days=1)


class PlannedActivity(BaseModel):
    """One activity as it will be written, with everything a reader should measure."""

    model_config = ConfigDict(frozen=True)

    key: str
    local_date: date
    start_utc: datetime
    utc_offset_s: int
    kind: Kind
    distance_m: float
    duration_s: int
    profile: tuple[tuple[float, float], ...]  # (length m, grade) segments
    fmt: Literal["fit", "gpx", "tcx"]
    extra_formats: tuple[Literal["fit", "gpx", "tcx"], ...] = ()
    gpx_type: str | None = None
    cadence_spm: float | None
    balance_pct_left: float
    shoe: str | None
    bearing_deg: float

    @property
    def sport(self) -> str:
        """``running`` or ``cycling``."""
        return "cycling" if self.kind == "ride" else "running"

    @property
    def surface(self) -> str:
        """road, trail or treadmill (a ride counts as road)."""
        return self.kind if self.kind in ("trail", "treadmill") else "road"


def trail_profile(distance_m: float, descent_m: float) -> tuple[tuple[float, float], ...]:
    """A loop: flat, climb ``descent_m`` at +10%, down half at -12% and half at -7%, flat.

    Examples
    --------
    >>> [(round(length), grade) for length, grade in trail_profile(10000, 360)]
    [(1164, 0.0), (3600, 0.1), (1500, -0.12), (2571, -0.07), (1164, 0.0)]
    """
    climb = descent_m / 0.10
    steep = (descent_m / 2) / 0.12
    gentle = (descent_m / 2) / 0.07
    flat = distance_m - climb - steep - gentle
    if flat < 0:
        raise ValueError(f"{distance_m} m is too short for {descent_m} m of climb and descent")
    return ((flat / 2, 0.0), (climb, 0.10), (steep, -0.12), (gentle, -0.07), (flat / 2, 0.0))


def _slots(spec: HistorySpec, week: int) -> dict[int, tuple[float, Kind]]:
    """Weekday -> (km, kind) for one week (1-based), before per-run details."""
    slots: dict[int, tuple[float, Kind]] = {r.weekday: (r.km, r.kind) for r in spec.base_week}
    if spec.trail_from_week and week >= spec.trail_from_week:
        slots[5] = (spec.trail_km, "trail")
    if week == spec.ramp_week:
        slots.update({2: (10.0, "road"), 4: (4.0, "road")})
    if spec.streak_week and week == spec.streak_week:
        slots = {d: (7.0 + 0.5 * (d % 2), "road") for d in range(7)}
    if spec.streak_week and week == spec.streak_week + 1:
        slots[0] = (5.0, "road")
    if week == spec.spike_week:
        slots[6] = (spec.spike_km, "long")
    if week == spec.late_spike_week:
        slots[6] = (spec.late_spike_km, "long")
    if week == spec.big_descent_week:
        slots[5] = (spec.big_descent_km, "trail")
    if week == spec.treadmill_week and 3 in slots:
        slots[3] = (slots[3][0], "treadmill")
    if week == spec.ride_week:
        slots[2] = (40.0, "ride")
    return slots


def _seed(spec: HistorySpec, key: str) -> np.random.Generator:
    return np.random.default_rng([spec.seed, zlib.crc32(key.encode())])


def _format(
    spec: HistorySpec, kind: Kind, rng: np.random.Generator
) -> Literal["fit", "gpx", "tcx"]:
    if kind == "treadmill":
        return "tcx"
    if kind == "ride":
        return "fit"
    weights = np.array(spec.format_weights if kind != "trail" else (0.6, 0.4, 0.0))
    choice = rng.choice(3, p=weights / weights.sum())
    return ("fit", "gpx", "tcx")[int(choice)]


def _shoe(spec: HistorySpec, week: int, weekday: int, kind: Kind) -> str | None:
    if kind == "ride":
        return None
    by_surface = {s.surface: s.name for s in spec.shoes}
    if week == spec.trail_shoes_on_road_week and weekday == 3 and kind != "trail":
        return by_surface.get("trail")
    return by_surface.get("trail" if kind == "trail" else "road")


def plan_activity(
    spec: HistorySpec, week: int, weekday: int, km: float, kind: Kind
) -> PlannedActivity:
    """One activity of the plan (see the module notes)."""
    day = spec.start + timedelta(weeks=week - 1, days=weekday)
    key = f"{day.isoformat()}-{kind}"
    rng = _seed(spec, key)
    jitter = 0.0 if kind in ("trail", "ride") else spec.jitter
    distance = round(km * 1000.0 * (1.0 + rng.uniform(-jitter, jitter)), 1)
    duration = round(distance / 1000.0 * PACE_S_PER_KM[kind])
    descent = (
        spec.big_descent_m
        if (week == spec.big_descent_week and kind == "trail")
        else (spec.trail_descent_m)
    )
    profile = trail_profile(distance, descent) if kind == "trail" else ((distance, 0.0),)
    local = datetime.combine(day, time(START_HOUR[kind]), tzinfo=ZoneInfo(spec.zone))
    offset = int((local.utcoffset() or timedelta(0)).total_seconds())
    fmt = _format(spec, kind, rng)
    extra: tuple[Literal["fit", "gpx", "tcx"], ...] = ()
    if week == spec.duplicate_week and weekday == 1:
        fmt, extra = "fit", ("gpx",)
    cadence = spec.cadence_drop_spm if week == spec.cadence_drop_week else spec.cadence_spm
    balance = (
        spec.balance_shift_pct_left if week == spec.balance_shift_week else spec.balance_pct_left
    )
    gpx_type = None if rng.uniform() < 0.3 else {"trail": "trail_running"}.get(kind, "running")
    return PlannedActivity(
        key=key,
        local_date=day,
        start_utc=local.astimezone(ZoneInfo("UTC")),
        utc_offset_s=offset,
        kind=kind,
        distance_m=distance,
        duration_s=duration,
        profile=profile,
        fmt=fmt,
        extra_formats=extra,
        gpx_type="cycling" if kind == "ride" else gpx_type,
        cadence_spm=None if kind == "ride" else cadence,
        balance_pct_left=balance,
        shoe=_shoe(spec, week, weekday, kind),
        bearing_deg=float(rng.uniform(0, 360)),
    )


def plan_history(spec: HistorySpec) -> list[PlannedActivity]:
    """Every activity of the history, in date order."""
    planned = []
    for week in range(1, spec.weeks + 1):
        if week in spec.gap_weeks:
            continue
        for weekday, (km, kind) in sorted(_slots(spec, week).items()):
            planned.append(plan_activity(spec, week, weekday, km, kind))
    return planned


def five_year_spec(seed: int = 11) -> HistorySpec:
    """About 1,560 files over 260 weeks (six activities a week, one of them a ride), for the
    import benchmark: no planned events, 15% distance jitter."""
    return HistorySpec.without_events(
        start=date(2020, 1, 6),
        weeks=260,
        seed=seed,
        jitter=0.15,
        base_week=(
            BaseRun(weekday=1, km=8.0),
            BaseRun(weekday=2, km=6.0),
            BaseRun(weekday=3, km=10.0),
            BaseRun(weekday=4, km=30.0, kind="ride"),
            BaseRun(weekday=5, km=6.0),
            BaseRun(weekday=6, km=16.0, kind="long"),
        ),
        format_weights=(0.5, 0.35, 0.15),
        trail_km=12.0,
    )
