"""The UTC offset of an activity and where it came from.

The device's offset (FIT ``activity.local_timestamp - timestamp``) wins; otherwise the IANA time
zone at the first position (timezonefinder, offline data) at the start time; otherwise the
``--tz`` of the import; otherwise this computer's time zone (../shared/reference/load.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import numpy as np

from backstride.training.activity import OffsetSource

if TYPE_CHECKING:
    from timezonefinder import TimezoneFinder
from backstride.training.ingest.raw import RawSession


@lru_cache(maxsize=1)
def _finder() -> TimezoneFinder:
    """One finder per process, created on first use (loading its data takes about 0.5 s)."""
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
