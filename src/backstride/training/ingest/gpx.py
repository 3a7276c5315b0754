"""Read GPX tracks leniently, in one streaming pass over defusedxml.

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
    ColumnBuffer,
    RawSession,
    local_name,
    parse_iso_time,
    to_float,
)
from backstride.training.ingest.xml import SafeXml

POINT_FIELDS = {
    "ele": "altitude_m",
    "hr": "heart_rate_bpm",
    "cad": "cadence_raw",
    "speed": "speed_mps",
}


def read_gpx(path: Path) -> list[RawSession]:
    """Decode a GPX file into one `RawSession` holding all its track points."""
    xml = SafeXml(path, root="gpx", kind="GPX")
    buffer = ColumnBuffer()
    header: dict[str, str | None] = {"creator": None, "name": None, "type": None}
    stack: list[str] = []
    for event, element in xml:
        tag = local_name(element.tag)
        if event == "start":
            if tag == "gpx":
                header["creator"] = element.get("creator")
            stack.append(tag)
            continue
        stack.pop()
        if tag == "trkpt":
            buffer.add(_point(element))
            element.clear()
        elif tag in ("name", "type") and stack and stack[-1] == "trk" and not header[tag]:
            header[tag] = (element.text or "").strip() or None
    if buffer.rows == 0:
        if xml.damage:
            raise InputError(f"holds no track points before the damage: {xml.damage}")
        raise InputError("holds no track points (only waypoints or a planned route?)")
    warnings = [f"{xml.damage}; kept the {buffer.rows} points read before it"] if xml.damage else []
    return [
        RawSession(
            fmt="gpx",
            columns=buffer.arrays(),
            sport_text=header["type"],
            device=header["creator"],
            name=header["name"],
            warnings=warnings,
        )
    ]


def _point(element: Any) -> dict[str, float | None]:
    row: dict[str, float | None] = {
        "lat_deg": to_float(element.get("lat")),
        "lon_deg": to_float(element.get("lon")),
    }
    for child in element.iter():
        name = local_name(child.tag)
        if name == "time":
            row["t"] = parse_iso_time(child.text)
            continue
        column = POINT_FIELDS.get(name)
        if column is not None:
            row[column] = to_float(child.text)
    return row
