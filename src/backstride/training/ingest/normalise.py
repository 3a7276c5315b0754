"""From a decoded `RawSession` to the normalised `Activity` and its `Streams`.

The cleaning every format needs, in one place:

- **timeline**: samples without a time, or with a time more than 7 days from the session's start
  (a damaged record), are dropped; a sample whose time is before the latest kept one (timestamps
  that step back) is dropped and counted; samples sharing a time are merged; times before 1990 or
  in the future are refused (GPX files written with a zeroed clock say 1901).
- **distance**: the device's session total when the file has one (FIT session, TCX laps), else
  the file's cumulative distance stream, else the haversine sum over positions, with segments
  joined (a GPS drop-out mid-run still covers the ground between).
- **moving time**: the intervals of at most 60 s in which the runner covered at least 0.5 m/s;
  without any distance, the device's timer time, else the elapsed time.
- **cadence**: steps per minute. FIT and TCX store strides per minute of one leg, some apps store
  both legs; a running median above 120 (walking above 80) can only be steps/min, anything lower
  is doubled (runners take 140-210 steps/min, i.e. 70-105 per leg).
- **sport**: from the file, else an export's activity list, else from the median moving speed
  (under 1.9 m/s walking, over 6.5 m/s cycling, running between), recorded as such.
- **surface**: treadmill when the file says so or a run has no positions; trail when the file says
  so or the run climbs and descends at least 40 m per km (a heuristic for hilly terrain); road
  otherwise.
- **UTC offset**: the device's (FIT activity local_timestamp - timestamp), else the time zone at
  the first position (timezonefinder, offline), else ``--tz``, else this computer's time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from backstride.errors import InputError
from backstride.training.activity import (
    Activity,
    CadenceMethod,
    OffsetSource,
    Sport,
    SportSource,
    Streams,
    Surface,
)
from backstride.training.elevation import summarise_elevation
from backstride.training.geo import step_distances_m
from backstride.training.ingest.raw import ExportHint, RawSession

EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)
MAX_GAP_S = 60.0
MIN_MOVING_MPS = 0.5
WALK_MAX_MPS = 1.9
RUN_MAX_MPS = 6.5
TRAIL_RELIEF_M_PER_KM = 40.0
MIN_ACTIVITY_S = 30.0
MIN_ACTIVITY_M = 50.0
MAX_SESSION_S = 7 * 86400.0

SPORT_WORDS = {
    Sport.RUNNING: {
        "running",
        "run",
        "trail_running",
        "treadmill_running",
        "street_running",
        "track_running",
        "virtual_run",
        "virtualrun",
        "9",
    },
    Sport.WALKING: {"walking", "walk", "10"},
    Sport.HIKING: {"hiking", "hike", "4"},
    Sport.CYCLING: {
        "cycling",
        "biking",
        "ride",
        "bike",
        "virtual_ride",
        "virtualride",
        "mountain_biking",
        "e_biking",
        "ebikeride",
        "road_biking",
        "1",
    },
    Sport.SWIMMING: {"swimming", "swim", "open_water", "lap_swimming"},
    Sport.OTHER: {
        "transition",
        "multisport",
        "training",
        "fitness_equipment",
        "rowing",
        "cross_country_skiing",
        "alpine_skiing",
        "snowboarding",
        "workout",
        "yoga",
    },
}
TRAIL_WORDS = {"trail", "trail_running", "mountain"}
TREADMILL_WORDS = {"treadmill", "indoor_running", "treadmill_running", "virtual_activity"}


def sport_from_text(text: str | None) -> Sport | None:
    """The sport a file's text names, or None when it does not say (``generic``, empty).

    Strava's GPX writes a number: 1 is a ride, 9 a run (as in Strava's own files).

    Examples
    --------
    >>> sport_from_text("Running"), sport_from_text("Biking"), sport_from_text("9")
    (<Sport.RUNNING: 'running'>, <Sport.CYCLING: 'cycling'>, <Sport.RUNNING: 'running'>)
    >>> sport_from_text("generic") is None
    True
    """
    if not text:
        return None
    word = text.strip().lower().replace(" ", "_").replace("-", "_")
    for sport, words in SPORT_WORDS.items():
        if word in words:
            return sport
    return None


def timeline_mask(t: np.ndarray) -> tuple[np.ndarray, int]:
    """Samples to keep (time not before any earlier kept time) and how many stepped back.

    Repeated times are kept here and merged by `merge_repeated_times`.

    Examples
    --------
    >>> keep, back = timeline_mask(np.array([0.0, 1, 2, 1.5, 3, 3, np.nan, 4]))
    >>> keep.tolist(), back
    ([True, True, True, False, True, True, False, True], 1)
    """
    finite = np.isfinite(t)
    filled = np.where(finite, t, -np.inf)
    prev_max = np.concatenate(([-np.inf], np.maximum.accumulate(filled)[:-1]))
    keep = finite & (filled >= prev_max)
    stepped_back = int(np.count_nonzero(finite & (filled < prev_max)))
    return keep, stepped_back


def merge_repeated_times(cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Merge samples that share a time into one, keeping each column's last known value.

    Some recorders (Strava's Android app) write a position record and a distance record for the
    same second; merging keeps both values instead of dropping one sample.

    Examples
    --------
    >>> cols = {"t": np.array([0.0, 1, 1, 2]), "x": np.array([5.0, 6, np.nan, 7]),
    ...         "y": np.array([np.nan, np.nan, 3.0, 4])}
    >>> out = merge_repeated_times(cols)
    >>> out["t"].tolist(), out["x"].tolist(), out["y"].tolist()
    ([0.0, 1.0, 2.0], [5.0, 6.0, 7.0], [nan, 3.0, 4.0])
    """
    t = cols["t"]
    if len(t) < 2 or np.all(np.diff(t) > 0):
        return cols
    group = np.concatenate(([0], np.cumsum(np.diff(t) > 0)))
    groups = int(group[-1]) + 1
    index = np.arange(len(t))
    out: dict[str, np.ndarray] = {}
    for name, values in cols.items():
        last = np.full(groups, -1)
        ok = np.isfinite(values)
        np.maximum.at(last, group[ok], index[ok])
        out[name] = np.where(last >= 0, values[np.maximum(last, 0)], np.nan)
    return out


def distance_stream(
    t: np.ndarray, distance_m: np.ndarray, lat: np.ndarray, lon: np.ndarray
) -> np.ndarray:
    """Cumulative distance from the start at every sample (NaN when there is no way to tell).

    The file's own distance column wins; otherwise the haversine sum over the samples that have
    a position, interpolated in time onto the others.
    """
    n = len(t)
    ok = np.isfinite(distance_m)
    if np.count_nonzero(ok) >= 2:
        d = np.interp(t, t[ok], np.maximum.accumulate(distance_m[ok]))
        return d - d[0]
    pos = np.isfinite(lat) & np.isfinite(lon)
    if np.count_nonzero(pos) >= 2:
        cum = np.cumsum(step_distances_m(lat[pos], lon[pos]))
        return np.interp(t, t[pos], cum)
    return np.full(n, np.nan)


def moving_mask(t_s: np.ndarray, distance_m: np.ndarray) -> np.ndarray:
    """True for samples that end a moving interval (<= 60 s long, >= 0.5 m/s)."""
    moving = np.zeros(len(t_s), dtype=bool)
    if len(t_s) < 2 or not np.isfinite(distance_m).any():
        return moving
    dt = np.diff(t_s)
    dd = np.diff(distance_m)
    with np.errstate(divide="ignore", invalid="ignore"):
        speed = np.where(dt > 0, dd / dt, 0.0)
    moving[1:] = (dt <= MAX_GAP_S) & (speed >= MIN_MOVING_MPS)
    return moving


def moving_time_s(t_s: np.ndarray, distance_m: np.ndarray) -> float:
    """Seconds spent moving: the sum of the moving intervals (see `moving_mask`).

    Examples
    --------
    >>> t = np.array([0.0, 10, 20, 200, 210])       # a 180 s pause between 20 and 200
    >>> d = np.array([0.0, 30, 60, 60, 90])
    >>> moving_time_s(t, d)
    30.0
    """
    mask = moving_mask(t_s, distance_m)
    if len(t_s) < 2:
        return 0.0
    return float(np.sum(np.diff(t_s)[mask[1:]]))


def cadence_steps_per_min(
    cadence_raw: np.ndarray, moving: np.ndarray, sport: Sport
) -> tuple[np.ndarray, CadenceMethod | None]:
    """Cadence in steps/min and how it was converted (None for non-foot sports or no data).

    Examples
    --------
    >>> spm, how = cadence_steps_per_min(np.array([85.0, 86, 87]), np.ones(3, bool), Sport.RUNNING)
    >>> spm.tolist(), how.value
    ([170.0, 172.0, 174.0], 'per_leg_doubled')
    >>> spm, how = cadence_steps_per_min(np.array([170.0, 172]), np.ones(2, bool), Sport.RUNNING)
    >>> spm.tolist(), how.value
    ([170.0, 172.0], 'steps_per_min')
    """
    if sport not in (Sport.RUNNING, Sport.WALKING, Sport.HIKING):
        return np.full(len(cadence_raw), np.nan), None
    valid = np.isfinite(cadence_raw) & (cadence_raw > 0) & moving
    if not valid.any():
        return np.full(len(cadence_raw), np.nan), None
    limit = 120.0 if sport is Sport.RUNNING else 80.0
    if float(np.median(cadence_raw[valid])) > limit:
        return cadence_raw.copy(), CadenceMethod.STEPS_PER_MIN
    return cadence_raw * 2.0, CadenceMethod.PER_LEG_DOUBLED


def moving_median(
    values: np.ndarray, moving: np.ndarray, *, low: float = 0.0, high: float = np.inf
) -> float | None:
    """Median of the moving samples strictly inside (low, high); None when there are none."""
    ok = np.isfinite(values) & (values > low) & (values < high) & moving
    return float(np.median(values[ok])) if ok.any() else None


@lru_cache(maxsize=1)
def _finder():  # type: ignore[no-untyped-def]
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def zone_at(lat_deg: float, lon_deg: float) -> str | None:
    """The IANA time zone at a position (offline look-up), or None at sea / unknown.

    Positions are rounded to 0.01 degree (about 1 km) and looked up once each: a runner starts
    most runs from a handful of places, and a look-up costs tens of milliseconds.
    """
    return _zone_at_rounded(round(lat_deg, 2), round(lon_deg, 2))


@lru_cache(maxsize=4096)
def _zone_at_rounded(lat_deg: float, lon_deg: float) -> str | None:
    name = _finder().timezone_at(lat=lat_deg, lng=lon_deg)
    return str(name) if name else None


def offset_of(zone: str | None, when: datetime) -> int:
    """UTC offset in seconds of ``zone`` at ``when`` (None: this computer's zone)."""
    local = when.astimezone() if zone is None else when.astimezone(ZoneInfo(zone))
    delta = local.utcoffset() or timedelta(0)
    return int(delta.total_seconds())


def resolve_offset(
    raw: RawSession, start: datetime, lat: np.ndarray, lon: np.ndarray, tz: str | None
) -> tuple[int, OffsetSource]:
    """UTC offset of the activity and where it came from (see the module notes)."""
    if raw.device_offset_s is not None and not raw.local_clock:
        return raw.device_offset_s, OffsetSource.DEVICE
    pos = np.flatnonzero(np.isfinite(lat) & np.isfinite(lon))
    if len(pos):
        zone = zone_at(float(lat[pos[0]]), float(lon[pos[0]]))
        if zone:
            return offset_of(zone, start), OffsetSource.POSITION
    if tz is not None:
        return offset_of(tz, start), OffsetSource.GIVEN
    return offset_of(None, start), OffsetSource.SYSTEM


def resolve_sport(
    raw: RawSession, hint: ExportHint | None, speed_mps: float | None
) -> tuple[Sport, SportSource]:
    """Sport from the file, else the export's list, else the moving speed."""
    for text in (raw.sport_text, raw.sub_sport_text):
        sport = sport_from_text(text)
        if sport is not None:
            return sport, SportSource.FILE
    if hint is not None:
        sport = sport_from_text(hint.sport_text)
        if sport is not None:
            return sport, SportSource.EXPORT
    if speed_mps is None:
        return Sport.OTHER, SportSource.SPEED
    if speed_mps < WALK_MAX_MPS:
        return Sport.WALKING, SportSource.SPEED
    return (Sport.RUNNING if speed_mps <= RUN_MAX_MPS else Sport.CYCLING), SportSource.SPEED


def resolve_surface(raw: RawSession, has_positions: bool, relief_m_per_km: float | None) -> Surface:
    """Treadmill, trail or road (see the module notes)."""
    words = {(raw.sub_sport_text or "").lower(), (raw.sport_text or "").lower()}
    if words & TREADMILL_WORDS or not has_positions:
        return Surface.TREADMILL
    if words & TRAIL_WORDS:
        return Surface.TRAIL
    if relief_m_per_km is not None and relief_m_per_km >= TRAIL_RELIEF_M_PER_KM:
        return Surface.TRAIL
    return Surface.ROAD


def too_short(activity: Activity) -> str | None:
    """Why an activity is too short to count (under 30 s and under 50 m), or None."""
    if activity.elapsed_s < MIN_ACTIVITY_S and activity.distance_m < MIN_ACTIVITY_M:
        return (
            f"only {activity.elapsed_s:.0f} s and {activity.distance_m:.0f} m long: "
            "too short to be an activity"
        )
    return None


def normalise(
    raw: RawSession, *, tz: str | None = None, hint: ExportHint | None = None
) -> tuple[Activity, Streams, list[str]]:
    """Clean one session and summarise it; returns the activity, its streams and warnings."""
    warnings = list(raw.warnings)
    cols = _clean_columns(raw, warnings)
    t = cols["t"]
    start_ts = raw.start_utc.timestamp() if raw.start_utc is not None else float(t[0])
    if len(t) and abs(t[0] - start_ts) > 86400:  # a session start far from its samples: trust them
        start_ts = float(t[0])
    lat, lon = cols["lat_deg"], cols["lon_deg"]
    t_s = t - start_ts
    dist = distance_stream(t_s, cols["distance_m"], lat, lon)
    moving = moving_mask(t_s, dist)
    has_positions = int(np.count_nonzero(np.isfinite(lat))) >= 2
    totals = _totals(raw, t_s, dist)
    speed = totals["distance_m"] / totals["moving_s"] if totals["moving_s"] > 0 else None
    sport, sport_source = resolve_sport(raw, hint, speed)
    elevation = summarise_elevation(
        dist,
        cols["altitude_m"],
        device_ascent_m=raw.total_ascent_m,
        device_descent_m=raw.total_descent_m,
    )
    relief = _relief(elevation.ascent_m, elevation.descent_m, totals["distance_m"])
    cadence, cadence_method = cadence_steps_per_min(cols["cadence_raw"], moving, sport)
    start_utc, offset, offset_source = _start_datetime(raw, start_ts, lat, lon, tz)
    activity = Activity(
        start_utc=start_utc,
        utc_offset_s=offset,
        offset_source=offset_source,
        local_date=(start_utc + timedelta(seconds=offset)).date(),
        sport=sport,
        sport_source=sport_source,
        sub_sport=raw.sub_sport_text,
        surface=resolve_surface(raw, has_positions, relief),
        distance_m=totals["distance_m"],
        elapsed_s=totals["elapsed_s"],
        moving_s=totals["moving_s"],
        ascent_m=elevation.ascent_m,
        descent_m=elevation.descent_m,
        elevation_method=elevation.method,
        descent_below_5pct_km=elevation.below_5pct_km,
        descent_below_10pct_km=elevation.below_10pct_km,
        cadence_spm=moving_median(cadence, moving),
        cadence_method=cadence_method,
        stance_ms=moving_median(cols["stance_ms"], moving),
        stance_balance_pct_left=moving_median(cols["stance_balance_pct_left"], moving, high=100),
        vertical_oscillation_mm=moving_median(cols["vertical_oscillation_mm"], moving),
        vertical_ratio_pct=moving_median(cols["vertical_ratio_pct"], moving),
        step_length_mm=moving_median(cols["step_length_mm"], moving),
        avg_heart_rate_bpm=_mean_positive(cols["heart_rate_bpm"]),
        has_positions=has_positions,
        device=raw.device,
        name=raw.name or (hint.name if hint else None),
        gear=hint.gear if hint else None,
        source_format=raw.fmt,
        samples=len(t),
    )
    streams = _streams(cols, t_s, dist, cadence)
    return activity, streams, warnings


def _clean_columns(raw: RawSession, warnings: list[str]) -> dict[str, np.ndarray]:
    cols = dict(raw.columns)
    t = cols["t"]
    if not np.isfinite(t).any():
        if raw.start_utc is None:
            raise InputError(
                "has no timestamps, so it cannot be placed on a day (a planned route or a drawn "
                "track?)"
            )
        return {k: v[:0] for k, v in cols.items()}
    ref = raw.start_utc.timestamp() if raw.start_utc is not None else float(np.nanmedian(t))
    outliers = np.isfinite(t) & (np.abs(t - ref) > MAX_SESSION_S)
    if outliers.any():
        warnings.append(
            f"dropped {int(outliers.sum())} samples with a time days away from the rest"
        )
        t = np.where(outliers, np.nan, t)
        cols["t"] = t
    keep, back = timeline_mask(t)
    if back:
        warnings.append(f"dropped {back} samples whose time stepped back")
    cols = merge_repeated_times({k: v[keep] for k, v in cols.items()})
    first = datetime.fromtimestamp(float(cols["t"][0]), tz=UTC)
    if not raw.local_clock and (
        first < EARLIEST_PLAUSIBLE or first > datetime.now(UTC) + timedelta(days=2)
    ):
        raise InputError(
            f"has implausible timestamps (it starts {first:%Y-%m-%d}): the recording device's "
            "clock was not set"
        )
    lat, lon = cols["lat_deg"], cols["lon_deg"]
    no_fix = ~(np.isfinite(lat) & np.isfinite(lon)) | ((lat == 0) & (lon == 0))
    cols["lat_deg"] = np.where(no_fix, np.nan, lat)
    cols["lon_deg"] = np.where(no_fix, np.nan, lon)
    return cols


def _totals(raw: RawSession, t_s: np.ndarray, dist: np.ndarray) -> dict[str, float]:
    """Distance, elapsed and moving time; the session's totals win when the samples cover less
    than 90% of it (a truncated file whose summary survived)."""
    have_stream = len(dist) >= 2 and bool(np.isfinite(dist).all())
    stream_m = float(dist[-1] - dist[0]) if have_stream else 0.0
    distance = (
        raw.total_distance_m if raw.total_distance_m and raw.total_distance_m > 0 else stream_m
    )
    span = float(t_s[-1] - t_s[0]) if len(t_s) >= 2 else 0.0
    elapsed = raw.total_elapsed_s if raw.total_elapsed_s else max(span, raw.total_timer_s or 0.0)
    if have_stream and span >= 0.9 * elapsed:
        moving = moving_time_s(t_s, dist)
    else:
        moving = raw.total_timer_s or elapsed
    return {"distance_m": distance, "elapsed_s": elapsed, "moving_s": min(moving, elapsed)}


def _relief(ascent: float | None, descent: float | None, distance_m: float) -> float | None:
    if ascent is None or descent is None or distance_m < 1000:
        return None
    return (ascent + descent) / (distance_m / 1000.0)


def _start_datetime(
    raw: RawSession, start_ts: float, lat: np.ndarray, lon: np.ndarray, tz: str | None
) -> tuple[datetime, int, OffsetSource]:
    start = datetime.fromtimestamp(start_ts, tz=UTC)
    offset, source = resolve_offset(raw, start, lat, lon, tz)
    if raw.local_clock:  # the clock read local time: shift to UTC
        start = start - timedelta(seconds=offset)
    return start, offset, source


def _mean_positive(values: np.ndarray) -> float | None:
    ok = np.isfinite(values) & (values > 0)
    return float(np.mean(values[ok])) if ok.any() else None


def _streams(
    cols: dict[str, np.ndarray], t_s: np.ndarray, dist: np.ndarray, cadence: np.ndarray
) -> Streams:
    return Streams(
        t_s=t_s,
        lat_deg=cols["lat_deg"],
        lon_deg=cols["lon_deg"],
        distance_m=dist,
        altitude_m=cols["altitude_m"],
        heart_rate_bpm=cols["heart_rate_bpm"],
        cadence_spm=cadence,
        speed_mps=cols["speed_mps"],
        stance_ms=cols["stance_ms"],
        stance_balance_pct_left=cols["stance_balance_pct_left"],
        vertical_oscillation_mm=cols["vertical_oscillation_mm"],
        vertical_ratio_pct=cols["vertical_ratio_pct"],
        step_length_mm=cols["step_length_mm"],
    )
