"""Is this the same activity as one already stored? And which copy should represent it?

Duplicates are common: a watch syncs to Garmin Connect and Strava, and a runner exports both, or
the same run as FIT and GPX. File names say nothing, so a match is made on the activity itself
(../shared/reference/load.md): starts within 5 minutes, the two time spans overlap for at least
half of the shorter one, and, when both have a distance, the distances differ by less than 10%.
The sport is not compared, since one export says "generic" where another says "running".

When two copies meet, the richer one represents the activity: FIT (device totals, running
dynamics) over TCX (laps, device distance) over GPX (positions only); a known sport beats one
guessed from the pace.
"""

from __future__ import annotations

from datetime import timedelta

from backstride.training.activity import Activity, SportSource

MAX_START_DIFF = timedelta(minutes=5)
MIN_OVERLAP_FRACTION = 0.5
MAX_DISTANCE_DIFF_FRACTION = 0.10
FORMAT_RANK = {"fit": 3, "tcx": 2, "gpx": 1}


def overlap_fraction(a: Activity, b: Activity) -> float:
    """Overlap of the two time spans as a fraction of the shorter span (1.0 for two instants
    at the same time)."""
    a_end = a.start_utc + timedelta(seconds=a.elapsed_s)
    b_end = b.start_utc + timedelta(seconds=b.elapsed_s)
    overlap = (min(a_end, b_end) - max(a.start_utc, b.start_utc)).total_seconds()
    shorter = min(a.elapsed_s, b.elapsed_s)
    if shorter <= 0:
        return 1.0 if a.start_utc == b.start_utc else 0.0
    return max(0.0, overlap) / shorter


def is_duplicate(a: Activity, b: Activity) -> bool:
    """True when ``a`` and ``b`` are the same activity recorded or exported twice."""
    if abs(a.start_utc - b.start_utc) > MAX_START_DIFF:
        return False
    if overlap_fraction(a, b) < MIN_OVERLAP_FRACTION:
        return False
    if a.distance_m > 0 and b.distance_m > 0:
        diff = abs(a.distance_m - b.distance_m) / max(a.distance_m, b.distance_m)
        return diff < MAX_DISTANCE_DIFF_FRACTION
    return True


def richness(activity: Activity) -> tuple[int, int, int]:
    """Sort key: the copy with the highest value represents the activity."""
    sport_known = 0 if activity.sport_source is SportSource.SPEED else 1
    return sport_known, FORMAT_RANK.get(activity.source_format, 0), activity.samples


def incoming_wins(stored: Activity, incoming: Activity) -> bool:
    """True when a newly imported copy is richer than the stored one (ties keep the stored)."""
    return richness(incoming) > richness(stored)


def representative(stored: Activity, incoming: Activity) -> Activity:
    """The copy that should represent the activity, keeping a gear or name only one copy has
    (an export's activity list names the shoes, the watch file does not)."""
    best = incoming if incoming_wins(stored, incoming) else stored
    gear = best.gear or stored.gear or incoming.gear
    name = best.name or stored.name or incoming.name
    return best.model_copy(update={"gear": gear, "name": name})
