"""Which shoes each run was in, how far each pair has gone, and how many pairs are in rotation.

A run's pair is, in order: the pair explicitly assigned to it (``backstride shoes assign``); the
pair whose name matches the gear an export logged it with (Strava's "Activity Gear"); the default
pair for its surface (road or trail; treadmill runs use the road default) that was in use that day.
A pair's distance is its initial km (for used shoes) plus the runs in it.

The wear limit is a convention, not injury evidence: cushioning fell to about 60-80% by 500 miles
(Cook et al. Am J Sports Med 1985;13:248) and the seed articles quote 300-500 miles; the default
limit is 800 km. Rotating several pairs was associated with 39% lower injury risk (Malisoux et
al. Scand J Med Sci Sports 2015;25:110, doi:10.1111/sms.12154): `rotation_count` counts the pairs
used in the last 30 days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field

from backstride.training.activity import ActivityRecord, Surface


class ShoePair(BaseModel):
    """A pair of shoes as the runner described it."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    surface: Surface | None = None
    is_default: bool = False
    initial_km: float = Field(default=0.0, ge=0)
    limit_km: float = Field(gt=0)
    since: date | None = None
    retired_on: date | None = None

    def in_use_on(self, day: date) -> bool:
        """True when the pair was in use on ``day`` (between its start and retirement)."""
        started = self.since is None or self.since <= day
        return started and (self.retired_on is None or day <= self.retired_on)


class ShoeUsage(BaseModel):
    """How far a pair has gone, as of a date."""

    model_config = ConfigDict(frozen=True)

    pair: ShoePair
    tracked_km: float
    runs: int
    last_used: date | None

    @property
    def total_km(self) -> float:
        """Initial km plus tracked km."""
        return self.pair.initial_km + self.tracked_km

    @property
    def fraction_of_limit(self) -> float:
        """Total km as a fraction of the wear limit."""
        return self.total_km / self.pair.limit_km


def _default_surface(surface: Surface) -> Surface:
    return Surface.ROAD if surface is Surface.TREADMILL else surface


def shoe_for(record: ActivityRecord, pairs: Sequence[ShoePair]) -> ShoePair | None:
    """The pair a run was in (see the module notes), or None when nothing says.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> from backstride.training.activity import Activity, Sport, OffsetSource
    >>> run = Activity(start_utc=datetime(2025, 3, 4, 7, tzinfo=UTC), utc_offset_s=0,
    ...     offset_source=OffsetSource.DEVICE, local_date=date(2025, 3, 4), sport=Sport.RUNNING,
    ...     surface=Surface.TRAIL, distance_m=10000, elapsed_s=3600, moving_s=3600)
    >>> road = ShoePair(id=1, name="Road", surface=Surface.ROAD, is_default=True, limit_km=800)
    >>> trail = ShoePair(id=2, name="Trail", surface=Surface.TRAIL, is_default=True, limit_km=800)
    >>> shoe_for(ActivityRecord(1, run), [road, trail]).name
    'Trail'
    >>> shoe_for(ActivityRecord(1, run, shoe_id=1), [road, trail]).name
    'Road'
    """
    by_id = {p.id: p for p in pairs}
    if record.shoe_id is not None and record.shoe_id in by_id:
        return by_id[record.shoe_id]
    activity = record.activity
    if activity.gear:
        for pair in pairs:
            if pair.name.casefold() == activity.gear.casefold():
                return pair
    wanted = _default_surface(activity.surface)
    for pair in pairs:
        if pair.is_default and pair.surface == wanted and pair.in_use_on(activity.local_date):
            return pair
    return None


def shoe_usage(
    pairs: Sequence[ShoePair], runs: Iterable[ActivityRecord], *, as_of: date
) -> list[ShoeUsage]:
    """Distance and runs per pair, counting runs up to and including ``as_of``."""
    km = {p.id: 0.0 for p in pairs}
    count = dict.fromkeys(km, 0)
    last: dict[int, date | None] = dict.fromkeys(km)
    for record in runs:
        if record.activity.local_date > as_of or not record.activity.counts_as_running:
            continue
        pair = shoe_for(record, pairs)
        if pair is None:
            continue
        km[pair.id] += record.activity.distance_km
        count[pair.id] += 1
        day = record.activity.local_date
        last[pair.id] = max(day, last[pair.id] or day)
    return [
        ShoeUsage(pair=p, tracked_km=km[p.id], runs=count[p.id], last_used=last[p.id])
        for p in pairs
    ]


def rotation_count(usages: Iterable[ShoeUsage], *, as_of: date, days: int) -> int:
    """Pairs used within the last ``days`` days (inclusive of ``as_of``)."""
    since = as_of - timedelta(days=days - 1)
    return sum(1 for u in usages if u.last_used is not None and u.last_used >= since)
