"""Read GPX tracks leniently, in one streaming pass.

Real GPX breaks strict readers: gpxpy rejects a track point without lat/lon, treadmill files
have no positions at all, segments break in the middle of a run and timestamps can step back.
So this reader copies every ``trkpt`` of every track and segment into one sample table (a point
without a position keeps its time, altitude, heart rate and cadence) and leaves the cleaning to
`backstride.training.ingest.normalise`. Garmin's TrackPointExtension (``hr``, ``cad``, ``speed``)
is read whatever its namespace prefix. ``cad`` is left as stored: GPX does not say whether it is
per leg, so normalisation detects it. The test suite checks this reader against gpxpy on the
real fixtures (same points, same length).
"""

from __future__ import annotations

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
    "time": COLUMN["t"],
    "ele": COLUMN["altitude_m"],
    "hr": COLUMN["heart_rate_bpm"],
    "cad": COLUMN["cadence_raw"],
    "speed": COLUMN["speed_mps"],
}
LAT, LON, T = COLUMN["lat_deg"], COLUMN["lon_deg"], COLUMN["t"]


class _PointReader:
    """Fills one row per ``trkpt``; remembers which column each namespaced tag feeds."""

    def __init__(self) -> None:
        self.buffer = ColumnBuffer()
        self._columns: dict[str, int | None] = {}

    def column(self, tag: str) -> int | None:
        if tag not in self._columns:
            self._columns[tag] = POINT_FIELDS.get(local_name(tag))
        return self._columns[tag]

    def add(self, point: Any) -> None:
        row = self.buffer.new_row()
        for key, position in (("lat", LAT), ("lon", LON)):
            degrees = to_float(point.get(key))
            if degrees is not None:
                row[position] = degrees
        for child in point.iter():
            index = self.column(child.tag)
            if index is None or child.text is None:
                continue
            value = parse_iso_time(child.text) if index == T else to_float(child.text)
            if value is not None:
                row[index] = value


def read_gpx(path: Path) -> list[RawSession]:
    """Decode a GPX file into one `RawSession` holding all its track points."""
    xml = SafeXml(path, root="gpx", kind="GPX")
    points = _PointReader()
    header: dict[str, str | None] = {"name": None, "type": None}
    for element in xml:
        tag = element.tag
        if tag.endswith("trkpt"):
            points.add(element)
            element.clear()
        elif tag.endswith("trk") and local_name(tag) == "trk":
            _track_header(element, header)
    rows = points.buffer.rows
    if rows == 0:
        if xml.damage:
            raise InputError(f"holds no track points before the damage: {xml.damage}")
        raise InputError("holds no track points (only waypoints or a planned route?)")
    warnings = [f"{xml.damage}; kept the {rows} points read before it"] if xml.damage else []
    return [
        RawSession(
            fmt="gpx",
            columns=points.buffer.arrays(),
            sport_text=header["type"],
            device=xml.root_attribute("creator") or None,
            name=header["name"],
            warnings=warnings,
        )
    ]


def _track_header(track: Any, header: dict[str, str | None]) -> None:
    """The first track's name and type (its direct children)."""
    for child in track:
        name = local_name(child.tag)
        if name in ("name", "type") and not header[name]:
            header[name] = (child.text or "").strip() or None
