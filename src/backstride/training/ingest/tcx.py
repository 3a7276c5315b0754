"""Read Garmin Training Center (TCX) files in one streaming pass over defusedxml.

Each ``Activity`` element becomes a `RawSession` (sport from its ``Sport`` attribute, start from
its ``Id``, device from ``Creator/Name``, totals from the sum of its laps). Track points keep
whatever they carry: treadmill TCX has no ``Position``. Running cadence in TCX (``RunCadence`` in
the ActivityExtension, or ``Cadence``) is per leg like FIT; normalisation still checks the values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from backstride.errors import InputError
from backstride.training.ingest.raw import (
    ColumnBuffer,
    RawSession,
    local_name,
    parse_iso_time,
    to_float,
)
from backstride.training.ingest.xml import SafeXml

POINT_FIELDS = {
    "LatitudeDegrees": "lat_deg",
    "LongitudeDegrees": "lon_deg",
    "AltitudeMeters": "altitude_m",
    "DistanceMeters": "distance_m",
    "Value": "heart_rate_bpm",  # only inside HeartRateBpm within a Trackpoint
    "Cadence": "cadence_raw",
    "Speed": "speed_mps",
}


class _TcxActivity:
    """Accumulates one <Activity> element."""

    def __init__(self, sport: str | None) -> None:
        self.sport = sport
        self.buffer = ColumnBuffer()
        self.start: float | None = None
        self.device: str | None = None
        self.lap_time_s = 0.0
        self.lap_distance_m = 0.0
        self.laps = 0

    def session(self, warnings: list[str]) -> RawSession:
        start = None if self.start is None else datetime.fromtimestamp(self.start, tz=UTC)
        return RawSession(
            fmt="tcx",
            columns=self.buffer.arrays(),
            sport_text=self.sport,
            start_utc=start,
            device=self.device,
            total_distance_m=self.lap_distance_m if self.laps and self.lap_distance_m > 0 else None,
            total_timer_s=self.lap_time_s if self.laps else None,
            warnings=list(warnings),
        )


def read_tcx(path: Path) -> list[RawSession]:
    """Decode a TCX file into one `RawSession` per activity."""
    xml = SafeXml(path, root="TrainingCenterDatabase", kind="TCX")
    done: list[_TcxActivity] = []
    current: _TcxActivity | None = None
    stack: list[str] = []
    for event, element in xml:
        tag = local_name(element.tag)
        if event == "start":
            if tag == "Activity":
                current = _TcxActivity(element.get("Sport"))
            stack.append(tag)
            continue
        stack.pop()
        parent = stack[-1] if stack else ""
        if current is None:
            continue
        if tag == "Trackpoint":
            current.buffer.add(_point(element))
            element.clear()
        elif tag == "Activity":
            done.append(current)
            current = None
        else:
            _header_value(current, tag, parent, element.text)
    if current is not None:  # the file broke off inside an activity
        done.append(current)
    return _sessions(done, xml.damage)


def _header_value(activity: _TcxActivity, tag: str, parent: str, text: str | None) -> None:
    if tag == "Id" and parent == "Activity":
        activity.start = parse_iso_time(text)
    elif tag == "Name" and parent == "Creator":
        activity.device = (text or "").strip() or None
    elif tag == "TotalTimeSeconds" and parent == "Lap":
        activity.lap_time_s += to_float(text) or 0.0
        activity.laps += 1
    elif tag == "DistanceMeters" and parent == "Lap":
        activity.lap_distance_m += to_float(text) or 0.0


def _sessions(done: list[_TcxActivity], damage: str | None) -> list[RawSession]:
    usable = [a for a in done if a.buffer.rows or (a.start is not None and a.laps)]
    if not usable:
        if damage:
            raise InputError(f"holds no activity before the damage: {damage}")
        raise InputError("holds no activities (a course or workout file?)")
    warnings = []
    if damage:
        points = sum(a.buffer.rows for a in usable)
        warnings.append(f"{damage}; kept the {points} points read before it")
    return [a.session(warnings) for a in usable]


def _point(element: Any) -> dict[str, float | None]:
    row: dict[str, float | None] = {}
    for child in element.iter():
        name = local_name(child.tag)
        if name == "Time":
            row["t"] = parse_iso_time(child.text)
        elif name == "RunCadence":
            row["cadence_raw"] = to_float(child.text)
        else:
            column = POINT_FIELDS.get(name)
            if column is not None and not (column == "cadence_raw" and "cadence_raw" in row):
                row[column] = to_float(child.text)
    return row
