"""Read FIT activity files with fitdecode, the way real files need.

- Chained files (several FIT headers, e.g. a multisport recording) are read through; every
  ``session`` message becomes its own `RawSession`, with the records that fall in its time span.
- Compressed timestamp headers are resolved by fitdecode; timestamps below ``0x10000000`` are
  relative to device power-on (FIT profile, ``date_time``) and are anchored on the activity's
  ``local_timestamp`` when there is one (the session is then on a local clock, offset unknown).
- Developer fields (e.g. Stryd's ``Distance``/``Speed``, whose names clash with native fields)
  are ignored; only native fields are read.
- Truncated and damaged files: fitdecode raises at the damage, even with error handling off; what
  was decoded before is kept and the damage is reported as a warning. A CRC mismatch is a
  warning. A file that is not FIT at all, or not an activity, is an `InputError`.
- Cadence in FIT running records is per leg: the reader keeps cadence + fractional_cadence and
  normalisation doubles it (after checking the values are not already steps/min).
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fitdecode
import numpy as np

from backstride.errors import InputError
from backstride.training.ingest.raw import COLUMN, MAX_READ_WARNINGS, ColumnBuffer, RawSession

FIT_EPOCH_S = 631_065_600  # 1989-12-31T00:00:00Z
RELATIVE_TIME_LIMIT = 0x10000000
SEMICIRCLE_DEG = 180.0 / 2**31

FRACTION = -1  # fractional_cadence: added to cadence, not a column of its own
RECORD_FIELDS = {
    "timestamp": COLUMN["t"],
    "position_lat": COLUMN["lat_deg"],
    "position_long": COLUMN["lon_deg"],
    "distance": COLUMN["distance_m"],
    "altitude": COLUMN["altitude_m"],
    "enhanced_altitude": COLUMN["altitude_m"],
    "speed": COLUMN["speed_mps"],
    "enhanced_speed": COLUMN["speed_mps"],
    "heart_rate": COLUMN["heart_rate_bpm"],
    "cadence": COLUMN["cadence_raw"],
    "fractional_cadence": FRACTION,
    "stance_time": COLUMN["stance_ms"],
    "stance_time_balance": COLUMN["stance_balance_pct_left"],
    "vertical_oscillation": COLUMN["vertical_oscillation_mm"],
    "vertical_ratio": COLUMN["vertical_ratio_pct"],
    "step_length": COLUMN["step_length_mm"],
}
T, LAT, LON, CADENCE = COLUMN["t"], COLUMN["lat_deg"], COLUMN["lon_deg"], COLUMN["cadence_raw"]
NOT_ACTIVITY_TYPES = {
    "device",
    "settings",
    "sport",
    "workout",
    "course",
    "schedules",
    "weight",
    "totals",
    "goals",
    "blood_pressure",
    "monitoring_a",
    "activity_summary",
    "monitoring_daily",
    "monitoring_b",
    "segment",
    "segment_list",
    "exd_configuration",
}


class _FitCollector:
    """Accumulates the messages of one FIT stream (all chained parts)."""

    def __init__(self) -> None:
        self.buffer = ColumnBuffer()
        self.sessions: list[dict[str, Any]] = []
        self.activity: dict[str, Any] = {}
        self.sport: dict[str, Any] = {}
        self.device: str | None = None
        self.crc_mismatch = False
        self.messages = 0

    def take(self, frame: Any) -> None:
        if not isinstance(frame, fitdecode.FitDataMessage):
            return
        self.messages += 1
        name = frame.name
        if name == "record":
            _record_row(frame, self.buffer.new_row())
        elif name == "session":
            self.sessions.append(_native_values(frame))
        elif name == "activity":
            self.activity = _native_values(frame)
        elif name == "sport":
            self.sport = _native_values(frame)
        elif name == "file_id":
            self._file_id(_native_values(frame))

    def _file_id(self, values: dict[str, Any]) -> None:
        kind = values.get("type")
        if isinstance(kind, str) and kind in NOT_ACTIVITY_TYPES:
            raise InputError(f"is a FIT {kind} file, not an activity")
        maker = values.get("manufacturer")
        product = values.get("garmin_product") or values.get("product")
        parts = [str(p) for p in (maker, product) if p not in (None, "")]
        self.device = " ".join(parts) or None


def _native_values(frame: Any) -> dict[str, Any]:
    """Field values of a message by name, without developer fields."""
    out: dict[str, Any] = {}
    for fd in frame.fields:
        if fd.field_def is not None and fd.field_def.is_dev:
            continue
        if fd.value is not None:
            out[fd.name] = fd.value
    return out


def _record_row(frame: Any, row: list[float]) -> None:
    """Fill ``row`` from a record message's native fields (developer fields are skipped)."""
    fraction = 0.0
    for fd in frame.fields:
        value = fd.value
        if value is None:
            continue
        index = RECORD_FIELDS.get(fd.name)
        if index is None or (fd.field_def is not None and fd.field_def.is_dev):
            continue
        if index == T:
            seconds = _seconds(value)
            if seconds is not None:
                row[T] = seconds
        elif index == FRACTION:
            fraction = float(value)
        elif isinstance(value, int | float):
            row[index] = value * SEMICIRCLE_DEG if index in (LAT, LON) else float(value)
    if fraction and row[CADENCE] == row[CADENCE]:  # not NaN
        row[CADENCE] += fraction


def _seconds(value: Any) -> float | None:
    """A FIT time as epoch seconds; relative (power-on) times stay small numbers."""
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int | float):
        return float(value) + (FIT_EPOCH_S if value >= RELATIVE_TIME_LIMIT else 0.0)
    return None


def _crc_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


CRC_TABLE = _crc_table()


def crc16(data: bytes | memoryview, crc: int = 0) -> int:
    """The FIT CRC (CRC-16, polynomial 0x8005 reflected), a byte at a time.

    fitdecode computes the same CRC four bits at a time on every read, which costs about a
    quarter of its decoding time; this checks each file once, about three times faster.

    Examples
    --------
    >>> hex(crc16(b"123456789"))
    '0xbb3d'
    """
    table = CRC_TABLE
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def crc_ok(data: bytes) -> bool:
    """False when a complete FIT part (chained files have several) has a wrong CRC.

    A part cut short has no CRC to check; the reader reports the truncation instead.
    """
    view = memoryview(data)
    start = 0
    while start + 12 <= len(data):
        header_size = data[start]
        data_size = int.from_bytes(data[start + 4 : start + 8], "little")
        end = start + header_size + data_size
        if header_size < 12 or end + 2 > len(data):
            return True
        expected = int.from_bytes(data[end : end + 2], "little")
        if crc16(view[start:end]) != expected:
            return False
        start = end + 2
    return True


def read_fit(path: Path) -> list[RawSession]:
    """Decode a FIT file into one `RawSession` per session (see the module notes)."""
    collector = _FitCollector()
    data = path.read_bytes()
    collector.crc_mismatch = not crc_ok(data)
    damage: str | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with fitdecode.FitReader(
                data,
                check_crc=fitdecode.CrcCheck.DISABLED,
                error_handling=fitdecode.ErrorHandling.WARN,
            ) as reader:
                for frame in reader:
                    collector.take(frame)
        except fitdecode.FitHeaderError as exc:
            if collector.messages == 0:
                raise InputError("is not a FIT file (no valid FIT header)") from None
            damage = f"a second FIT header is corrupt ({exc})"
        except fitdecode.FitEOFError as exc:
            damage = f"the file ends early (truncated: {exc})"
        except (fitdecode.FitParseError, fitdecode.FitCRCError) as exc:
            damage = f"the data is damaged ({exc})"
    notes = [str(w.message) for w in caught][:MAX_READ_WARNINGS]
    return _sessions(collector, damage, notes)


def _sessions(collector: _FitCollector, damage: str | None, notes: list[str]) -> list[RawSession]:
    columns = collector.buffer.arrays()
    n = collector.buffer.rows
    if n == 0 and not collector.sessions:
        if damage:
            raise InputError(f"holds no activity data: {damage}")
        raise InputError("holds no activity records or sessions (not an activity file?)")
    warns = [f"fitdecode: {note}" for note in notes]
    if collector.crc_mismatch:
        warns.append("the file's checksum (CRC) does not match: it may be damaged")
    if damage:
        warns.append(f"{damage}; kept the {n} records decoded before it")
    local_anchor = _local_anchor(collector.activity)
    relative = n > 0 and np.nanmax(columns["t"]) < RELATIVE_TIME_LIMIT
    if relative:
        if local_anchor is None:
            raise InputError(
                "has timestamps relative to when the device was switched on and no clock "
                "reference, so it cannot be placed on a day"
            )
        columns["t"] = columns["t"] + local_anchor
    sessions = collector.sessions or [_session_from_sport(collector.sport)]
    if not collector.sessions and n:
        warns.append("no session summary in the file (truncated?): totals come from the records")
    spans = _session_spans(sessions, columns["t"], relative, local_anchor)
    return [
        _raw_session(
            collector,
            summary,
            {k: v[mask] for k, v in columns.items()},
            warns,
            relative,
            local_anchor,
        )
        for summary, mask in zip(sessions, spans, strict=True)
    ]


def _local_anchor(activity: dict[str, Any]) -> float | None:
    """For relative files: local wall-clock seconds minus relative seconds, from the activity."""
    local = activity.get("local_timestamp")
    stamp = activity.get("timestamp")
    if (
        isinstance(local, datetime)
        and isinstance(stamp, int | float)
        and stamp < RELATIVE_TIME_LIMIT
    ):
        return local.timestamp() - float(stamp)
    return None


def _session_from_sport(sport: dict[str, Any]) -> dict[str, Any]:
    return {k: sport[k] for k in ("sport", "sub_sport") if k in sport}


def _start_seconds(summary: dict[str, Any], relative: bool, anchor: float | None) -> float | None:
    start = _seconds(summary.get("start_time"))
    if start is not None and relative and anchor is not None and start < RELATIVE_TIME_LIMIT:
        start += anchor
    return start


def _session_spans(
    sessions: list[dict[str, Any]], t: np.ndarray, relative: bool, anchor: float | None
) -> list[np.ndarray]:
    """A boolean mask of records per session: from its start to the next session's start."""
    if len(sessions) == 1:
        return [np.ones(len(t), dtype=bool)]
    starts = [_start_seconds(s, relative, anchor) for s in sessions]
    edges = [s if s is not None else -np.inf for s in starts]
    masks = []
    for i, lo in enumerate(edges):
        hi = edges[i + 1] if i + 1 < len(edges) else np.inf
        if i == 0:
            lo = -np.inf
        masks.append((t >= lo) & (t < hi))
    return masks


def _raw_session(
    collector: _FitCollector,
    summary: dict[str, Any],
    columns: dict[str, np.ndarray],
    warns: list[str],
    relative: bool,
    anchor: float | None,
) -> RawSession:
    start = _start_seconds(summary, relative, anchor)
    return RawSession(
        fmt="fit",
        columns=columns,
        sport_text=_text(summary.get("sport")),
        sub_sport_text=_text(summary.get("sub_sport")),
        start_utc=_utc(start),
        device_offset_s=None if relative else _device_offset(collector.activity),
        device=collector.device,
        total_distance_m=_number(summary.get("total_distance")),
        total_elapsed_s=_number(summary.get("total_elapsed_time")),
        total_timer_s=_number(summary.get("total_timer_time")),
        total_ascent_m=_number(summary.get("total_ascent")),
        total_descent_m=_number(summary.get("total_descent")),
        local_clock=relative,
        warnings=list(warns),
    )


def _utc(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, tz=UTC)


def _device_offset(activity: dict[str, Any]) -> int | None:
    """UTC offset = activity.local_timestamp - activity.timestamp (absent in older files)."""
    local = activity.get("local_timestamp")
    stamp = activity.get("timestamp")
    if not (isinstance(local, datetime) and isinstance(stamp, datetime)):
        return None
    offset = round((local - stamp).total_seconds() / 60.0) * 60
    return int(offset) if abs(offset) <= 14 * 3600 else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
