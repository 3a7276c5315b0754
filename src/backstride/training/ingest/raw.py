"""What a reader hands to normalisation: one session's header values and raw sample columns.

Readers (FIT, GPX, TCX) only decode: they copy what the file says into a `RawSession` without
judging it. `backstride.training.ingest.normalise` then cleans the timeline, picks the best
distance and elevation, detects the cadence convention and the time zone, and builds the
`Activity`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from backstride.errors import InputError

RAW_COLUMNS = (
    "t",  # seconds since 1970-01-01 UTC (or local wall clock when RawSession.local_clock)
    "lat_deg",
    "lon_deg",
    "distance_m",
    "altitude_m",
    "heart_rate_bpm",
    "cadence_raw",  # as the file stores it: per leg in FIT/TCX, unknown in GPX
    "speed_mps",
    "stance_ms",
    "stance_balance_pct_left",
    "vertical_oscillation_mm",
    "vertical_ratio_pct",
    "step_length_mm",
)

MAX_READ_WARNINGS = 5


COLUMN = {name: i for i, name in enumerate(RAW_COLUMNS)}
_EMPTY_ROW = [math.nan] * len(RAW_COLUMNS)


class ColumnBuffer:
    """Collects samples as rows of floats (NaN = missing) and returns float64 columns.

    Readers ask for a `new_row` and fill it by position (``row[COLUMN["t"]] = ...``): one list
    per sample, converted to arrays in one step at the end.

    Examples
    --------
    >>> buf = ColumnBuffer()
    >>> buf.add({"t": 1.0, "heart_rate_bpm": 120})
    >>> buf.new_row()[COLUMN["t"]] = 2.0
    >>> buf.arrays()["heart_rate_bpm"].tolist()
    [120.0, nan]
    """

    def __init__(self) -> None:
        self._rows: list[list[float]] = []

    @property
    def rows(self) -> int:
        """Samples so far."""
        return len(self._rows)

    def new_row(self) -> list[float]:
        """Append an all-missing sample and return it for filling in."""
        row = _EMPTY_ROW.copy()
        self._rows.append(row)
        return row

    def add(self, values: dict[str, float | None]) -> None:
        """Append one sample given by column name; absent or None values stay NaN."""
        row = self.new_row()
        for name, value in values.items():
            if value is not None:
                row[COLUMN[name]] = float(value)

    def arrays(self) -> dict[str, np.ndarray]:
        """The columns as contiguous float64 arrays."""
        table = np.array(self._rows, dtype=np.float64).reshape(-1, len(RAW_COLUMNS))
        return {name: np.ascontiguousarray(table[:, i]) for i, name in enumerate(RAW_COLUMNS)}


@dataclass
class RawSession:
    """One session as decoded from a file, before any cleaning.

    ``columns`` holds `RAW_COLUMNS`. When ``local_clock`` is set (FIT files with power-on
    relative timestamps), ``t`` and ``start_utc`` are local wall-clock times and the UTC offset is
    unknown; normalisation resolves it.
    """

    fmt: str
    columns: dict[str, np.ndarray]
    sport_text: str | None = None
    sub_sport_text: str | None = None
    start_utc: datetime | None = None
    device_offset_s: int | None = None
    device: str | None = None
    name: str | None = None
    total_distance_m: float | None = None
    total_elapsed_s: float | None = None
    total_timer_s: float | None = None
    total_ascent_m: float | None = None
    total_descent_m: float | None = None
    local_clock: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def samples(self) -> int:
        """Number of samples."""
        return len(self.columns["t"])


@dataclass(frozen=True)
class ExportHint:
    """What an export's activity list says about a file (Strava ``activities.csv``): used when
    the file itself does not name its sport, and for the name and gear (shoes) it was logged
    with."""

    sport_text: str | None = None
    name: str | None = None
    gear: str | None = None


def parse_iso_time(text: str | None) -> float | None:
    """An ISO 8601 time as seconds since the epoch (UTC; a time without offset is UTC, as GPX and
    TCX specify); None for a missing or unreadable value.

    Examples
    --------
    >>> parse_iso_time("2020-04-18T11:10:44.000Z")
    1587208244.0
    >>> parse_iso_time("2020-04-18T13:10:44+02:00")
    1587208244.0
    >>> parse_iso_time("yesterday") is None
    True
    """
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def to_float(text: str | None) -> float | None:
    """A number from XML text, or None when absent or not a number."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def local_name(tag: str) -> str:
    """``"{http://www.topografix.com/GPX/1/1}trkpt"`` -> ``"trkpt"``."""
    return tag.rpartition("}")[2]


def require_samples(session: RawSession, *, what: str) -> RawSession:
    """Raise an `InputError` when a session has no samples at all."""
    if session.samples == 0:
        raise InputError(f"holds no {what}: nothing to import")
    return session
