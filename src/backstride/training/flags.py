"""Where the training load changed in ways linked to running injury: the flag events.

Each function finds the events of one flag inside a report window ``[window_start, as_of]``,
using the history before the window as reference. The definitions and their sources:

- **single-run spike**: a run's distance over the longest run that started in the previous 30
  days; above 1.10x moderate, above 2x high (Frandsen et al. Br J Sports Med 2025;59:1203:
  HR 1.64 for 10-30% longer, 1.52 for 30-100%, 2.28 for more than 100%).
- **weekly ramp**: a complete week's distance over the previous week's, and two weeks over the
  two before, above 30% moderate, above 60% high, when the base is at least 10 km a week
  (Nielsen et al. JOSPT 2014;44:739, novices; Damsted et al. JOSPT 2019;49:230). The 10% rule
  was not protective in a randomised trial (Buist et al. Am J Sports Med 2008;36:33).
- **monotony**: Foster's mean / SD of the 7 daily distances of a week (days off count as 0), at
  least 1.5 low, 2.0 moderate; strain = weekly km x monotony (Foster, Med Sci Sports Exerc
  1998;30:1164). A week of identical non-zero days has infinite monotony (reported as None).
- **no rest**: consecutive days with a run: 7 or more low, 10 or more moderate (heuristic).
- **descent exposure**: a run's descent over the biggest descent of the runs of the previous 30
  days (at least 300 m; above 1.5x moderate, 2x high), and a week's descent over the biggest of
  the 4 weeks before (at least 600 m; above 1.3x moderate). A heuristic extrapolation: lumbar
  lordosis is greatest downhill (Levine et al. J Athl Train 2007;42:29).
- **cadence / contact-time balance drift**: a week's median against the median of the runs of
  the 28 days before it (at least 3 runs); no validated threshold exists.

A reference period must lie inside the imported history (a run in the first 30 days of it has no
known reference) and hold no missing data (see `backstride.training.load`); otherwise the event
is withheld rather than guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from statistics import median

import numpy as np
from pydantic import BaseModel, ConfigDict

from backstride.findings import Severity
from backstride.training.activity import ActivityRecord
from backstride.training.load import DailySeries, WeekTotals
from backstride.training.thresholds import (
    DescentRule,
    DriftRule,
    MonotonyRule,
    RampRule,
    RestRule,
    SpikeRule,
)


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True)


class SpikeEvent(_Event):
    """A run much longer than the longest of the previous 30 days."""

    activity_id: int
    date: date
    distance_km: float
    reference_km: float
    ratio: float
    level: Severity


class RampEvent(_Event):
    """A week (or two weeks) with much more distance than the one(s) before."""

    week_start: date
    span_weeks: int  # 1: week over week; 2: two weeks over the two before
    distance_km: float
    base_km: float
    increase_pct: float
    level: Severity


class MonotonyEvent(_Event):
    """A week of similar load every day."""

    week_start: date
    monotony: float | None  # None: identical non-zero load every day (infinite)
    strain: float | None
    distance_km: float
    level: Severity


class StreakEvent(_Event):
    """Consecutive days with a run."""

    start: date
    end: date
    days: int
    level: Severity


class DescentEvent(_Event):
    """A run or a week with much more descent than the recent maximum."""

    kind: str  # "run" | "week"
    date: date  # the run's date, or the week's Monday
    activity_id: int | None
    descent_m: float
    reference_m: float
    ratio: float | None  # None: nothing descended in the reference period
    below_5pct_km: float | None
    below_10pct_km: float | None
    level: Severity


class DriftEvent(_Event):
    """A week whose median cadence or contact-time balance left the runner's own baseline."""

    metric: str  # "cadence_spm" | "stance_balance_pct_left"
    week_start: date
    value: float
    baseline: float
    change: float
    runs: int
    level: Severity


def _grade(value: float, moderate: float, high: float | None = None) -> Severity | None:
    if high is not None and value > high:
        return Severity.HIGH
    return Severity.MODERATE if value > moderate else None


def _runs(records: Sequence[ActivityRecord]) -> list[ActivityRecord]:
    return sorted(
        (r for r in records if r.activity.counts_as_running),
        key=lambda r: (r.activity.start_utc, r.id),
    )


def _reference_ok(series: DailySeries, first: date, last: date) -> bool:
    """True when the history covers [first, last] (it began on or before ``first``) and no day
    of it is missing data."""
    known = series.first_active
    if known is None or first < known:
        return False
    lo = max(0, series.index(first))
    hi = min(len(series) - 1, series.index(last))
    return hi < lo or not series.missing[lo : hi + 1].any()


def _reference_runs(
    runs: list[ActivityRecord], run: ActivityRecord, series: DailySeries, days: int
) -> list[ActivityRecord]:
    """The runs that started in the ``days`` before ``run``; empty when that period is not
    fully known (before the history began, or missing data)."""
    a = run.activity
    first = a.local_date - timedelta(days=days)
    if not _reference_ok(series, first, a.local_date - timedelta(days=1)):
        return []
    since = a.start_utc - timedelta(days=days)
    return [r for r in runs if since <= r.activity.start_utc < a.start_utc]


def single_run_spikes(
    records: Sequence[ActivityRecord],
    series: DailySeries,
    rule: SpikeRule,
    *,
    window_start: date,
    as_of: date,
) -> list[SpikeEvent]:
    """Runs in the window longer than 1.1x the longest run of the previous 30 days."""
    runs = _runs(records)
    events = []
    for run in runs:
        a = run.activity
        if not window_start <= a.local_date <= as_of:
            continue
        before = _reference_runs(runs, run, series, rule.reference_days)
        if not before:
            continue
        reference = max(r.activity.distance_km for r in before)
        if reference <= 0:
            continue
        ratio = a.distance_km / reference
        level = _grade(ratio, rule.moderate_ratio, rule.high_ratio)
        if level is not None:
            events.append(
                SpikeEvent(
                    activity_id=run.id,
                    date=a.local_date,
                    distance_km=a.distance_km,
                    reference_km=reference,
                    ratio=ratio,
                    level=level,
                )
            )
    return events


def weekly_ramps(
    weeks: Sequence[WeekTotals], rule: RampRule, *, window_start: date
) -> list[RampEvent]:
    """Complete weeks in the window whose distance rose more than 30% (1 and 2 week spans)."""
    events = []
    for i, week in enumerate(weeks):
        if week.week_start < window_start or not week.complete:
            continue
        for span in (1, 2):
            if i < 2 * span:
                continue
            now = weeks[i - span + 1 : i + 1]
            base = weeks[i - 2 * span + 1 : i - span + 1]
            if any(w.missing_days for w in (*now, *base)):
                continue
            now_km = sum(w.distance_km for w in now)
            base_km = sum(w.distance_km for w in base)
            if base_km < rule.min_base_km * span:
                continue
            pct = (now_km / base_km - 1.0) * 100.0
            level = _grade(pct, rule.moderate_pct, rule.high_pct)
            if level is not None:
                events.append(
                    RampEvent(
                        week_start=week.week_start,
                        span_weeks=span,
                        distance_km=now_km,
                        base_km=base_km,
                        increase_pct=pct,
                        level=level,
                    )
                )
    return events


def monotony_weeks(
    series: DailySeries, weeks: Sequence[WeekTotals], rule: MonotonyRule, *, window_start: date
) -> list[MonotonyEvent]:
    """Complete weeks in the window with monotony of at least 1.5 (Foster)."""
    events = []
    for week in weeks:
        if week.week_start < window_start or not week.complete or week.missing_days:
            continue
        if week.distance_km < rule.min_week_km:
            continue
        i = series.index(week.week_start)
        days = series.run_km[i : i + 7]
        sd = float(np.std(days))
        mono = float(np.mean(days)) / sd if sd > 0 else None
        value = mono if mono is not None else np.inf
        level = (
            Severity.MODERATE
            if value >= rule.moderate
            else Severity.LOW
            if value >= rule.low
            else None
        )
        if level is not None:
            strain = week.distance_km * mono if mono is not None else None
            events.append(
                MonotonyEvent(
                    week_start=week.week_start,
                    monotony=mono,
                    strain=strain,
                    distance_km=week.distance_km,
                    level=level,
                )
            )
    return events


def run_streaks(
    series: DailySeries, rule: RestRule, *, window_start: date, as_of: date
) -> list[StreakEvent]:
    """Stretches of consecutive run days (7+ low, 10+ moderate) that end in the window."""
    ran = series.run_km > 0
    events = []
    i = 0
    last = min(len(series) - 1, series.index(as_of))
    while i <= last:
        if not ran[i]:
            i += 1
            continue
        j = i
        while j + 1 <= last and ran[j + 1]:
            j += 1
        days = j - i + 1
        end = series.day(j)
        if days >= rule.low_days and end >= window_start:
            level = Severity.MODERATE if days >= rule.moderate_days else Severity.LOW
            events.append(StreakEvent(start=series.day(i), end=end, days=days, level=level))
        i = j + 1
    return events


def descent_runs(
    records: Sequence[ActivityRecord],
    series: DailySeries,
    rule: DescentRule,
    *,
    window_start: date,
    as_of: date,
) -> list[DescentEvent]:
    """Runs in the window descending at least 300 m and 1.5x the previous 30 days' biggest."""
    runs = _runs(records)
    events = []
    for run in runs:
        a = run.activity
        if not window_start <= a.local_date <= as_of or (a.descent_m or 0) < rule.min_run_descent_m:
            continue
        before = _reference_runs(runs, run, series, rule.reference_days)
        if not before:
            continue
        reference = max(r.activity.descent_m or 0.0 for r in before)
        ratio = (a.descent_m or 0.0) / reference if reference > 0 else None
        level = (
            Severity.HIGH
            if ratio is None
            else _grade(ratio, rule.run_moderate_ratio, rule.run_high_ratio)
        )
        if level is not None:
            events.append(
                DescentEvent(
                    kind="run",
                    date=a.local_date,
                    activity_id=run.id,
                    descent_m=a.descent_m or 0.0,
                    reference_m=reference,
                    ratio=ratio,
                    below_5pct_km=a.descent_below_5pct_km,
                    below_10pct_km=a.descent_below_10pct_km,
                    level=level,
                )
            )
    return events


def descent_weeks(
    weeks: Sequence[WeekTotals], rule: DescentRule, *, window_start: date
) -> list[DescentEvent]:
    """Complete weeks in the window descending at least 600 m and 1.3x the 4 weeks before."""
    events = []
    n = rule.reference_weeks
    for i, week in enumerate(weeks):
        if week.week_start < window_start or not week.complete or i < n:
            continue
        if week.descent_m < rule.min_week_descent_m:
            continue
        before = weeks[i - n : i]
        if week.missing_days or any(w.missing_days for w in before):
            continue
        reference = max(w.descent_m for w in before)
        ratio = week.descent_m / reference if reference > 0 else None
        if ratio is None or ratio > rule.week_moderate_ratio:
            events.append(
                DescentEvent(
                    kind="week",
                    date=week.week_start,
                    activity_id=None,
                    descent_m=week.descent_m,
                    reference_m=reference,
                    ratio=ratio,
                    below_5pct_km=None,
                    below_10pct_km=None,
                    level=Severity.MODERATE,
                )
            )
    return events


def drift_weeks(
    records: Sequence[ActivityRecord],
    weeks: Sequence[WeekTotals],
    rule: DriftRule,
    *,
    metric: str,
    low: float,
    moderate: float,
    window_start: date,
) -> list[DriftEvent]:
    """Complete weeks whose median ``metric`` moved at least ``low`` from the previous 28 days'
    median of the same runner (``metric`` is an `Activity` field)."""
    runs = [(r.activity.local_date, getattr(r.activity, metric)) for r in _runs(records)]
    runs = [(d, v) for d, v in runs if v is not None]
    events = []
    for week in weeks:
        if week.week_start < window_start or not week.complete:
            continue
        end = week.week_start + timedelta(days=6)
        now = [v for d, v in runs if week.week_start <= d <= end]
        first = week.week_start - timedelta(days=rule.baseline_days)
        base = [v for d, v in runs if first <= d < week.week_start]
        if not now or len(base) < rule.min_baseline_runs:
            continue
        value, baseline = median(now), median(base)
        change = value - baseline
        level = (
            Severity.MODERATE
            if abs(change) >= moderate
            else Severity.LOW
            if abs(change) >= low
            else None
        )
        if level is not None:
            events.append(
                DriftEvent(
                    metric=metric,
                    week_start=week.week_start,
                    value=value,
                    baseline=baseline,
                    change=change,
                    runs=len(now),
                    level=level,
                )
            )
    return events
