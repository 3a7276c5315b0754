"""The truth of a synthetic history: per activity, per week, and which flags must fire where.

The expected flags are computed by `backstride.synth.history_oracle` from the *plan* (planned
distances, profiles, cadences), with plain day-by-day loops written independently of
`backstride.training.flags`, using only the threshold values of the packaged rule set. A test
then checks that the product, reading the real files, fires every flag where the truth says and
nowhere else.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from backstride.synth.history_plan import HistorySpec, PlannedActivity
from backstride.training.thresholds import Thresholds


class ActivityTruth(BaseModel):
    """What a reader should measure for one activity (files: every copy written)."""

    model_config = ConfigDict(frozen=True)

    key: str
    files: tuple[str, ...]
    fmt: str
    local_date: date
    start_utc: datetime
    sport: str
    surface: str
    distance_m: float
    moving_s: float
    ascent_m: float | None
    descent_m: float | None
    below_5pct_km: float | None
    below_10pct_km: float | None
    cadence_spm: float | None
    balance_pct_left: float | None
    shoe: str | None

    @property
    def is_run(self) -> bool:
        """True for runs."""
        return self.sport == "running"


class WeekTruth(BaseModel):
    """Planned Monday-Sunday running totals."""

    model_config = ConfigDict(frozen=True)

    week_start: date
    distance_km: float
    time_h: float
    ascent_m: float
    descent_m: float
    runs: int


class FlagTruth(BaseModel):
    """One expected flag event: its code, day (a run's date or a week's Monday) and level."""

    model_config = ConfigDict(frozen=True)

    code: str
    day: date
    level: str
    detail: str = ""
    ratio: float | None = None  # the compared quantity, to check distance from thresholds


class Comparison(BaseModel):
    """One value a rule compared with its thresholds (fired or not): for margin checks."""

    model_config = ConfigDict(frozen=True)

    code: str
    day: date
    value: float
    thresholds: tuple[float, ...]

    def margin(self) -> float:
        """Smallest relative distance from the value to any threshold."""
        return min(abs(self.value - t) / abs(t) for t in self.thresholds)


class ShoeTruth(BaseModel):
    """A pair's expected total distance at the end of the history."""

    model_config = ConfigDict(frozen=True)

    name: str
    surface: str
    initial_km: float
    limit_km: float
    total_km: float
    level: str | None  # the shoe_worn level expected as of the history's last day


class HistoryTruth(BaseModel):
    """Everything `backstride.synth.history.write_history` knows about what it wrote."""

    model_config = ConfigDict(frozen=True)

    spec: HistorySpec
    as_of: date
    activities: tuple[ActivityTruth, ...]
    weeks: tuple[WeekTruth, ...]
    flags: tuple[FlagTruth, ...]
    shoes: tuple[ShoeTruth, ...]
    acwr: float | None
    missing_days: tuple[date, ...]
    comparisons: tuple[Comparison, ...] = ()

    @property
    def files(self) -> list[str]:
        """Every file written."""
        return [name for a in self.activities for name in a.files]

    def flag_set(self, code: str) -> set[tuple[date, str]]:
        """(day, level) of the expected events of one flag."""
        return {(f.day, f.level) for f in self.flags if f.code == code}


def activity_truth(p: PlannedActivity, files: tuple[str, ...]) -> ActivityTruth:
    """The truth of one planned activity."""
    down = [(length, g) for length, g in p.profile if g < 0]
    on_treadmill = p.kind == "treadmill"
    return ActivityTruth(
        key=p.key,
        files=files,
        fmt=p.fmt,
        local_date=p.local_date,
        start_utc=p.start_utc,
        sport=p.sport,
        surface=p.surface,
        distance_m=p.distance_m,
        moving_s=float(p.duration_s),
        ascent_m=None if on_treadmill else sum(ln * g for ln, g in p.profile if g > 0),
        descent_m=None if on_treadmill else -sum(ln * g for ln, g in down),
        below_5pct_km=None if on_treadmill else sum(ln for ln, g in down if g < -0.05) / 1000,
        below_10pct_km=None if on_treadmill else sum(ln for ln, g in down if g < -0.10) / 1000,
        cadence_spm=p.cadence_spm,
        balance_pct_left=p.balance_pct_left if p.fmt == "fit" and p.kind != "ride" else None,
        shoe=p.shoe,
    )


def week_truths(activities: list[ActivityTruth], spec: HistorySpec) -> list[WeekTruth]:
    """Planned weekly running totals for every week of the spec."""
    out = []
    for w in range(spec.weeks):
        monday = spec.start + timedelta(weeks=w)
        runs = [
            a
            for a in activities
            if a.is_run and monday <= a.local_date < monday + timedelta(days=7)
        ]
        out.append(
            WeekTruth(
                week_start=monday,
                distance_km=sum(a.distance_m for a in runs) / 1000,
                time_h=sum(a.moving_s for a in runs) / 3600,
                ascent_m=sum(a.ascent_m or 0 for a in runs),
                descent_m=sum(a.descent_m or 0 for a in runs),
                runs=len(runs),
            )
        )
    return out


def shoe_truths(
    truth: list[ActivityTruth], spec: HistorySpec, as_of: date, t: Thresholds
) -> list[ShoeTruth]:
    """Each pair's total as of ``as_of`` and the wear level expected (pairs used in the last
    ``rotation_days``: at the limit moderate, from ``low_fraction`` of it low)."""
    out = []
    recent = as_of - timedelta(days=t.shoes.rotation_days - 1)
    for shoe in spec.shoes:
        runs = [a for a in truth if a.is_run and a.shoe == shoe.name and a.local_date <= as_of]
        km = shoe.initial_km + sum(a.distance_m / 1000 for a in runs)
        used = any(a.local_date >= recent for a in runs)
        fraction = km / shoe.limit_km
        level = None
        if used and fraction >= 1:
            level = "moderate"
        elif used and fraction >= t.shoes.low_fraction:
            level = "low"
        out.append(
            ShoeTruth(
                name=shoe.name,
                surface=shoe.surface,
                initial_km=shoe.initial_km,
                limit_km=shoe.limit_km,
                total_km=km,
                level=level,
            )
        )
    return out
