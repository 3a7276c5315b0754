"""Write planned activities as real FIT, GPX and TCX files, the way devices and services do.

- FIT (`backstride.synth.fitwriter`): file_id, timer events, 1 record every ``sample_s`` seconds
  with position, distance, altitude, heart rate, per-leg cadence and running dynamics (stance
  time, stance-time balance, vertical oscillation and ratio, step length), a lap, a session with
  the device's total ascent and descent, and an activity message with ``local_timestamp``.
- GPX (gpxpy): positions to 7 decimals, altitude with 0.3 m of noise (GPS-like), times in UTC,
  Garmin TrackPointExtension ``hr`` and per-leg ``cad``; the track type is left out for some runs
  (as many apps do) and the Strava copy of a run says ``<type>9</type>``.
- TCX (written by hand): Activity/Lap/Track, RunCadence in the ActivityExtension; a treadmill
  run has no Position and no altitude, like real treadmill files.

Positions walk the planned distance with `backstride.training.geo.destination`, so the haversine
length of the track is the planned distance.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

import gpxpy.gpx
import numpy as np

from backstride.synth.fitwriter import SPORT, SUB_SPORT, FitWriter, fit_time
from backstride.synth.history_plan import BASE_ALTITUDE_M, HistorySpec, PlannedActivity
from backstride.training.geo import destination

TPX_NS = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
GPX_NOISE_M = 0.3


@dataclass(frozen=True)
class Track:
    """Samples of one planned activity (NaN where the recording has no value)."""

    t_s: np.ndarray
    distance_m: np.ndarray
    lat_deg: np.ndarray
    lon_deg: np.ndarray
    altitude_m: np.ndarray
    cadence_leg: np.ndarray
    balance_pct_left: np.ndarray
    heart_rate_bpm: np.ndarray


def profile_altitude(profile: tuple[tuple[float, float], ...], s_m: np.ndarray) -> np.ndarray:
    """Altitude along the (length, grade) segments at distances ``s_m``."""
    knots_s = [0.0]
    knots_alt = [BASE_ALTITUDE_M]
    for length, grade in profile:
        knots_s.append(knots_s[-1] + length)
        knots_alt.append(knots_alt[-1] + length * grade)
    return np.interp(s_m, knots_s, knots_alt)


def _path(
    p: PlannedActivity, s_m: np.ndarray, origin: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    lat, lon = origin
    lats, lons = [lat], [lon]
    total = p.distance_m
    for prev, now in zip(s_m[:-1].tolist(), s_m[1:].tolist(), strict=True):
        bearing = p.bearing_deg + 330.0 * ((prev + now) / 2) / total
        lat, lon = destination(lat, lon, bearing, now - prev)
        lats.append(lat)
        lons.append(lon)
    return np.array(lats), np.array(lons)


def _pattern(n: int, centre: float, step: float) -> np.ndarray:
    """centre - step, centre, centre, centre + step, ... (median exactly ``centre``)."""
    return centre + step * np.array([-1.0, 0.0, 0.0, 1.0])[np.arange(n) % 4]


def build_track(p: PlannedActivity, spec: HistorySpec) -> Track:
    """The samples of ``p``: constant pace, a sample every ``spec.sample_s`` s and at the end."""
    t = np.arange(0.0, p.duration_s, spec.sample_s)
    t = np.append(t, float(p.duration_s))
    s = p.distance_m * t / p.duration_s
    n = len(t)
    if p.kind == "treadmill":
        lat = lon = alt = np.full(n, np.nan)
    else:
        lat, lon = _path(p, s, spec.origin)
        alt = profile_altitude(p.profile, s)
    cadence = np.full(n, np.nan) if p.cadence_spm is None else _pattern(n, p.cadence_spm / 2, 1)
    return Track(
        t_s=t,
        distance_m=s,
        lat_deg=lat,
        lon_deg=lon,
        altitude_m=alt,
        cadence_leg=cadence,
        balance_pct_left=_pattern(n, p.balance_pct_left, 0.2),
        heart_rate_bpm=np.full(n, 118.0 if p.kind == "ride" else 146.0),
    )


def write_fit(path: Path, p: PlannedActivity, track: Track) -> None:
    """A FIT activity file as a Garmin watch writes it."""
    start = p.start_utc
    end = start + timedelta(seconds=p.duration_s)
    ascent = sum(length * grade for length, grade in p.profile if grade > 0)
    descent = -sum(length * grade for length, grade in p.profile if grade < 0)
    sport = SPORT["cycling" if p.kind == "ride" else "running"]
    sub_sport = SUB_SPORT["trail" if p.kind == "trail" else "generic"]
    w = FitWriter()
    w.message(
        "file_id", type=4, manufacturer=1, product=3113, serial_number=3_900_001, time_created=start
    )
    w.message("event", timestamp=start, event=0, event_type=0, event_group=0)
    running = p.kind != "ride"
    speed = p.distance_m / p.duration_s
    w.records_of(
        "record",
        {
            "timestamp": fit_time(start) + track.t_s,
            "position_lat": track.lat_deg,
            "position_long": track.lon_deg,
            "distance": track.distance_m,
            "enhanced_altitude": track.altitude_m,
            "enhanced_speed": np.full(len(track.t_s), speed),
            "heart_rate": track.heart_rate_bpm,
            "cadence": track.cadence_leg,
            "fractional_cadence": np.where(np.isfinite(track.cadence_leg), 0.0, np.nan),
            **(
                {
                    "stance_time": np.full(len(track.t_s), 252.0),
                    "stance_time_balance": track.balance_pct_left,
                    "vertical_oscillation": np.full(len(track.t_s), 84.0),
                    "vertical_ratio": np.full(len(track.t_s), 8.1),
                    "step_length": np.full(
                        len(track.t_s), speed * 60 / (p.cadence_spm or 170) * 1000
                    ),
                }
                if running
                else {}
            ),
        },
    )
    w.message("event", timestamp=end, event=0, event_type=4, event_group=0)
    totals: dict[str, float | datetime] = {
        "start_time": start,
        "total_elapsed_time": p.duration_s,
        "total_timer_time": p.duration_s,
        "total_distance": p.distance_m,
        "total_ascent": round(ascent),
        "total_descent": round(descent),
    }
    w.message("lap", timestamp=end, event=9, event_type=1, sport=sport, **totals)
    w.message(
        "session",
        timestamp=end,
        event=8,
        event_type=1,
        sport=sport,
        sub_sport=sub_sport,
        first_lap_index=0,
        num_laps=1,
        **totals,
    )
    w.message(
        "activity",
        timestamp=end,
        total_timer_time=p.duration_s,
        num_sessions=1,
        type=0,
        event=26,
        event_type=1,
        local_timestamp=end + timedelta(seconds=p.utc_offset_s),
    )
    path.write_bytes(w.to_bytes())


def write_gpx(path: Path, p: PlannedActivity, track: Track, *, strava: bool = False) -> None:
    """A GPX track as Garmin Connect (or, with ``strava``, Strava) exports it."""
    rng = np.random.default_rng(zlib.crc32(p.key.encode()))
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "StravaGPX" if strava else "Garmin Connect"
    gpx.nsmap["gpxtpx"] = TPX_NS
    track_el = gpxpy.gpx.GPXTrack(name=f"{p.kind} {p.local_date}")
    track_el.type = "9" if strava else p.gpx_type  # type: ignore[assignment]
    segment = gpxpy.gpx.GPXTrackSegment()
    noise = rng.normal(0.0, GPX_NOISE_M, len(track.t_s))
    for i, t in enumerate(track.t_s.tolist()):
        point = gpxpy.gpx.GPXTrackPoint(
            round(float(track.lat_deg[i]), 7),
            round(float(track.lon_deg[i]), 7),
            elevation=round(float(track.altitude_m[i] + noise[i]), 1),
            time=p.start_utc + timedelta(seconds=t),
        )
        ext = ET.Element(f"{{{TPX_NS}}}TrackPointExtension")
        ET.SubElement(ext, f"{{{TPX_NS}}}hr").text = str(int(track.heart_rate_bpm[i]))
        if np.isfinite(track.cadence_leg[i]):
            ET.SubElement(ext, f"{{{TPX_NS}}}cad").text = str(int(track.cadence_leg[i]))
        point.extensions.append(ext)
        segment.points.append(point)
    track_el.segments.append(segment)
    gpx.tracks.append(track_el)
    path.write_text(gpx.to_xml(version="1.1"), encoding="utf-8")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def write_tcx(path: Path, p: PlannedActivity, track: Track) -> None:
    """A TCX activity as Garmin Connect exports it (no Position on a treadmill)."""
    sport = "Biking" if p.kind == "ride" else "Running"
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
        ' xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">',
        f'<Activities><Activity Sport="{sport}"><Id>{_iso(p.start_utc)}</Id>',
        f'<Lap StartTime="{_iso(p.start_utc)}"><TotalTimeSeconds>{p.duration_s:.1f}'
        f"</TotalTimeSeconds><DistanceMeters>{p.distance_m:.2f}</DistanceMeters>"
        "<Intensity>Active</Intensity><TriggerMethod>Manual</TriggerMethod><Track>",
    ]
    for i, t in enumerate(track.t_s.tolist()):
        parts = [f"<Trackpoint><Time>{_iso(p.start_utc + timedelta(seconds=t))}</Time>"]
        if np.isfinite(track.lat_deg[i]):
            parts.append(
                f"<Position><LatitudeDegrees>{track.lat_deg[i]:.8f}</LatitudeDegrees>"
                f"<LongitudeDegrees>{track.lon_deg[i]:.8f}</LongitudeDegrees></Position>"
                f"<AltitudeMeters>{track.altitude_m[i]:.2f}</AltitudeMeters>"
            )
        parts.append(
            f"<DistanceMeters>{track.distance_m[i]:.2f}</DistanceMeters>"
            f"<HeartRateBpm><Value>{int(track.heart_rate_bpm[i])}</Value></HeartRateBpm>"
        )
        if np.isfinite(track.cadence_leg[i]):
            parts.append(
                f"<Extensions><ns3:TPX><ns3:RunCadence>{int(track.cadence_leg[i])}"
                "</ns3:RunCadence></ns3:TPX></Extensions>"
            )
        parts.append("</Trackpoint>")
        lines.append("".join(parts))
    lines.append("</Track></Lap>")
    lines.append(f"<Creator><Name>{escape('Forerunner 945')}</Name></Creator>")
    lines.append("</Activity></Activities></TrainingCenterDatabase>")
    path.write_text("\n".join(lines), encoding="utf-8")


def write_planned(folder: Path, p: PlannedActivity, spec: HistorySpec) -> tuple[str, ...]:
    """Write ``p`` (and its duplicate exports); return the file names written."""
    track = build_track(p, spec)
    names = []
    for i, fmt in enumerate((p.fmt, *p.extra_formats)):
        name = f"{p.key}.{fmt}" if i == 0 else f"{p.key}-export.{fmt}"
        target = folder / name
        if fmt == "fit":
            write_fit(target, p, track)
        elif fmt == "gpx":
            write_gpx(target, p, track, strava=i > 0)
        else:
            write_tcx(target, p, track)
        names.append(name)
    return tuple(names)
