"""The normalised activity: one session of one sport, whatever file it came from.

Every reader (FIT, GPX, TCX) ends in the same `Activity` summary plus its `Streams` (the
per-sample columns, cached to Parquet). Units are in the names; times are UTC with the local
offset kept beside them, so a run is counted on the day the runner ran it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field


class Sport(StrEnum):
    """What the activity was. Only ``running`` counts toward running load; ``walking`` and
    ``hiking`` are on-foot load, reported separately; the rest is shown and not counted."""

    RUNNING = "running"
    WALKING = "walking"
    HIKING = "hiking"
    CYCLING = "cycling"
    SWIMMING = "swimming"
    OTHER = "other"

    @property
    def on_foot(self) -> bool:
        """Walking or hiking: counted apart from running."""
        return self in (Sport.WALKING, Sport.HIKING)


class SportSource(StrEnum):
    """Where the sport came from: the file, an export's activity list, or the pace."""

    FILE = "file"
    EXPORT = "export"
    SPEED = "speed"


class Surface(StrEnum):
    """Where it was run: decides the default pair of shoes and the trail-runner summary."""

    ROAD = "road"
    TRAIL = "trail"
    TREADMILL = "treadmill"


class ElevationMethod(StrEnum):
    """How ascent and descent were obtained (GPS altitude summed raw overstates them 2-4x)."""

    DEVICE = "device"  # the device's own session totals (FIT total_ascent / total_descent)
    HYSTERESIS = "hysteresis_3m"  # 3 m hysteresis on the distance-resampled altitude
    NONE = "none"  # no altitude in the file (treadmill, some exports)


class OffsetSource(StrEnum):
    """Where the UTC offset came from, most to least reliable."""

    DEVICE = "device"  # FIT activity.local_timestamp - timestamp
    POSITION = "position"  # time-zone look-up of the first position
    GIVEN = "given"  # the --tz option of the import
    SYSTEM = "system"  # this computer's time zone (nothing better known)


class CadenceMethod(StrEnum):
    """How the file's cadence became steps per minute."""

    PER_LEG_DOUBLED = "per_leg_doubled"  # FIT/TCX store strides per minute of one leg: x2
    STEPS_PER_MIN = "steps_per_min"  # the file already held both legs (a doubled value)


SourceFormat = Literal["fit", "gpx", "tcx"]

STREAM_COLUMNS = (
    "t_s",
    "lat_deg",
    "lon_deg",
    "distance_m",
    "altitude_m",
    "heart_rate_bpm",
    "cadence_spm",
    "speed_mps",
    "stance_ms",
    "stance_balance_pct_left",
    "vertical_oscillation_mm",
    "vertical_ratio_pct",
    "step_length_mm",
)


@dataclass(frozen=True)
class Streams:
    """Per-sample columns of one activity, all float64 of the same length, NaN where missing.

    ``t_s`` is seconds since the activity's start; ``cadence_spm`` is already in steps/min.
    """

    t_s: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    distance_m: np.ndarray
    altitude_m: np.ndarray
    heart_rate_bpm: np.ndarray
    cadence_spm: np.ndarray
    speed_mps: np.ndarray
    stance_ms: np.ndarray
    stance_balance_pct_left: np.ndarray
    vertical_oscillation_mm: np.ndarray
    vertical_ratio_pct: np.ndarray
    step_length_mm: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.t_s)
        for f in fields(self):
            if len(getattr(self, f.name)) != n:
                raise ValueError(
                    f"stream {f.name} has {len(getattr(self, f.name))} samples, not {n}"
                )

    def __len__(self) -> int:
        return len(self.t_s)

    def columns(self) -> dict[str, np.ndarray]:
        """The columns by name, in `STREAM_COLUMNS` order."""
        return {name: getattr(self, name) for name in STREAM_COLUMNS}


class Activity(BaseModel):
    """One normalised activity (one session of one sport).

    Distances are 2D (horizontal) metres. ``moving_s`` excludes pauses (see
    `backstride.training.ingest.normalise.moving_time_s`). Running dynamics are medians over the
    moving samples; ``None`` when the file has none.
    """

    model_config = ConfigDict(frozen=True)

    start_utc: datetime
    utc_offset_s: int = Field(ge=-14 * 3600, le=14 * 3600)
    offset_source: OffsetSource
    local_date: date
    sport: Sport
    sport_source: SportSource = SportSource.FILE
    sub_sport: str | None = None
    surface: Surface = Surface.ROAD
    distance_m: float = Field(ge=0)
    elapsed_s: float = Field(ge=0)
    moving_s: float = Field(ge=0)
    ascent_m: float | None = None
    descent_m: float | None = None
    elevation_method: ElevationMethod = ElevationMethod.NONE
    descent_below_5pct_km: float | None = None
    descent_below_10pct_km: float | None = None
    cadence_spm: float | None = None
    cadence_method: CadenceMethod | None = None
    stance_ms: float | None = None
    stance_balance_pct_left: float | None = None
    vertical_oscillation_mm: float | None = None
    vertical_ratio_pct: float | None = None
    step_length_mm: float | None = None
    avg_heart_rate_bpm: float | None = None
    has_positions: bool = False
    device: str | None = None
    name: str | None = None
    gear: str | None = None
    source_format: SourceFormat = "fit"
    samples: int = Field(default=0, ge=0)

    @property
    def distance_km(self) -> float:
        """Distance in km."""
        return self.distance_m / 1000.0

    @property
    def counts_as_running(self) -> bool:
        """True for runs: the only activities in running load."""
        return self.sport is Sport.RUNNING

    @property
    def descent_m_per_km(self) -> float | None:
        """Metres descended per km run (None without descent or distance)."""
        if self.descent_m is None or self.distance_m <= 0:
            return None
        return self.descent_m / self.distance_km


@dataclass(frozen=True)
class ActivityRecord:
    """A stored activity as the load and shoe calculations see it: its id (for evidence
    references), the activity, and the pair of shoes explicitly assigned to it (if any)."""

    id: int
    activity: Activity
    shoe_id: int | None = None
