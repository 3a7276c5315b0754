"""Read Garmin Training Center (TCX) files in one streaming pass.

Each ``Activity`` element becomes a `RawSession` (sport from its ``Sport`` attribute, start from
its ``Id``, device from ``Creator/Name``, totals from the sum of its laps). Track points keep
whatever they carry: treadmill TCX has no ``Position``. Running cadence in TCX (``RunCadence`` in
the ActivityExtension, or ``Cadence``) is stored per leg like FIT; normalisation checks the values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from backstride.errors import InputError
from backstride.training.ingest.raw import (
    COLUMN,
    ColumnBuffer,
    RawSession,
    local_name,
    parse_iso_time,
    to_float,
)
from backstride.training.ingest.xml import SafeXml

POINT_FIELDS = {
    "Time": COLUMN["t"],
    "LatitudeDegrees": COLUMN["lat_deg"],
    "LongitudeDegrees": COLUMN["lon_deg"],
    "AltitudeMeters": COLUMN["altitude_m"],
    "DistanceMeters": COLUMN["distance_m"],
    "Value": COLUMN["heart_rate_bpm"],  # only inside HeartRateBpm within a Trackpoint
    "Cadence": COLUMN["cadence_raw"],
    "RunCadence": COLUMN["cadence_raw"],  # the running extension wins: it comes later
    "Speed": COLUMN["speed_mps"],
}
T = COLUMN["t"]


class _TcxActivity:
    """Accumulates one <Activity> element."""

    def __init__(self, columns: dict[str, int | None]) -> None:
        self.sport: str | None = None
        self.buffer = ColumnBuffer()
        self._columns = columns
        self.start: float | None = None
        self.device: str | None = None
        self.lap_time_s = 0.0
        self.lap_distance_m = 0.0
        self.laps = 0

    def add_point(self, point: Any) -> None:
        row = self.buffer.new_row()
        for child in point.iter():
            tag = child.tag
            if tag not in self._columns:
                self._columns[tag] = POINT_FIELDS.get(local_name(tag))
            index = self._columns[tag]
            if index is None or child.text is None:
                continue
            value = parse_iso_time(child.text) if index == T else to_float(child.text)
            if value is not None:
                row[index] = value

    def finish(self, activity: Any) -> None:
        """Read the activity's Sport and its own children: Id, laps' totals, Creator/Name."""
        self.sport = activity.get("Sport")
        for child in activity:
            name = local_name(child.tag)
            if name == "Id":
                self.start = parse_iso_time(child.text)
            elif name == "Lap":
                self._lap(child)
            elif name == "Creator":
                for item in child:
                    if local_name(item.tag) == "Name":
                        self.device = (item.text or "").strip() or None

    def _lap(self, lap: Any) -> None:
        self.laps += 1
        for item in lap:
            name = local_name(item.tag)
            if name == "TotalTimeSeconds":
                self.lap_time_s += to_float(item.text) or 0.0
            elif name == "DistanceMeters":
                self.lap_distance_m += to_float(item.text) or 0.0

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
    columns: dict[str, int | None] = {}
    for element in xml:
        tag = element.tag
        if tag.endswith("Trackpoint"):
            current = current or _TcxActivity(columns)
            current.add_point(element)
            element.clear()
        elif tag.endswith("Activity") and local_name(tag) == "Activity":
            current = current or _TcxActivity(columns)
            current.finish(element)
            done.append(current)
            current = None
    if current is not None:  # the file broke off inside an activity
        done.append(current)
    return _sessions(done, xml.damage)


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
