"""From a decoded `RawSession` to the normalised `Activity` and its `Streams`.

The cleaning every format needs, in one place (the timeline rules live in
`backstride.training.ingest.timeline`, the UTC offset in `backstride.training.ingest.zones`):

- **timeline**: samples without a time, or with a time more than 7 days from the session's start
  (a damaged record), are dropped; timestamps that step back are dropped and counted; samples
  sharing a time are merged; times before 1990 or in the future are refused (GPX files written
  with a zeroed clock say 1901).
- **distance**: the device's session total when the file has one (FIT session, TCX laps), else
  the file's cumulative distance stream, else the haversine sum over positions.
- **moving time**: intervals of at most 5 min covering at least 0.5 m/s; the session's timer when
  the samples cover less than 90% of the session (a truncated file whose summary survived).
- **cadence**: steps per minute. FIT and TCX store strides per minute of one leg, some apps store
  both legs; a running median above 120 (walking above 80) can only be steps/min, anything lower
  is doubled (runners take 140-210 steps/min, i.e. 70-105 per leg).
- **sport**: from the file, else an export's activity list, else from the median moving speed
  (under 1.9 m/s walking, over 6.5 m/s cycling, running between), recorded as such.
- **surface**: treadmill when the file says so or a run has no positions; trail when the file says
  so or the run climbs and descends at least 40 m per km (a heuristic for hilly terrain); road
  otherwise.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
from backstride.training.ingest.raw import ExportHint, RawSession
from backstride.training.ingest.timeline import (
    distance_stream,
    merge_repeated_times,
    moving_mask,
    moving_time_s,
    timeline_mask,
)
from backstride.training.ingest.zones import resolve_offset

EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)
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
