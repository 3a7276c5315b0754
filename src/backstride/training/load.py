"""Daily and weekly running load, data coverage, and the EWMA acute:chronic ratio.

The load unit is **running distance (km)**: every file has it, where heart rate (for TRIMP) and
power are often missing. Walking and hiking are summed apart (``foot_km``) and other sports are
not counted. Days are the runner's local calendar days; weeks run Monday to Sunday.

Missing data is not rest (../shared/reference/load.md): a day without a file counts as zero
load, so a stretch of `CoverageRule.gap_days` (14) or more days with no file of any sport is
treated as *missing*, and every ratio that would lean on it is withheld instead of reporting a
false jump.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from pydantic import BaseModel, ConfigDict

from backstride.training.activity import ActivityRecord


@dataclass(frozen=True)
class DailySeries:
    """Per local day from ``start`` (inclusive), all arrays of the same length.

    ``missing`` marks days inside a long stretch without any file (not rest: unknown).
    """

    start: date
    run_km: np.ndarray
    run_h: np.ndarray
    ascent_m: np.ndarray
    descent_m: np.ndarray
    foot_km: np.ndarray
    runs: np.ndarray
    active: np.ndarray
    missing: np.ndarray

    def __len__(self) -> int:
        return len(self.run_km)

    def index(self, day: date) -> int:
        """Position of ``day`` in the arrays."""
        return (day - self.start).days

    def day(self, index: int) -> date:
        """The date at ``index``."""
        return self.start + timedelta(days=index)

    @property
    def first_active(self) -> date | None:
        """The first day with any file: where the known history begins."""
        days = np.flatnonzero(self.active)
        return self.day(int(days[0])) if len(days) else None


def missing_days(active: np.ndarray, *, gap_days: int) -> np.ndarray:
    """True for days inside a run of at least ``gap_days`` consecutive days without any file.

    Examples
    --------
    >>> active = np.array([1, 0, 0, 1, 0, 0, 0, 0, 1], dtype=bool)
    >>> missing_days(active, gap_days=4).astype(int).tolist()
    [0, 0, 0, 0, 1, 1, 1, 1, 0]
    """
    missing = np.zeros(len(active), dtype=bool)
    i = 0
    while i < len(active):
        if active[i]:
            i += 1
            continue
        j = i
        while j < len(active) and not active[j]:
            j += 1
        if j - i >= gap_days:
            missing[i:j] = True
        i = j
    return missing


def daily_series(
    records: Iterable[ActivityRecord], *, start: date, end: date, gap_days: int
) -> DailySeries:
    """Sum activities into local days from ``start`` to ``end`` (inclusive)."""
    n = (end - start).days + 1
    if n <= 0:
        raise ValueError(f"end {end} is before start {start}")
    cols = {k: np.zeros(n) for k in ("run_km", "run_h", "ascent_m", "descent_m", "foot_km", "runs")}
    active = np.zeros(n, dtype=bool)
    for record in records:
        a = record.activity
        i = (a.local_date - start).days
        if not 0 <= i < n:
            continue
        active[i] = True
        if a.counts_as_running:
            cols["run_km"][i] += a.distance_km
            cols["run_h"][i] += a.moving_s / 3600.0
            cols["ascent_m"][i] += a.ascent_m or 0.0
            cols["descent_m"][i] += a.descent_m or 0.0
            cols["runs"][i] += 1
        elif a.sport.on_foot:
            cols["foot_km"][i] += a.distance_km
    return DailySeries(
        start=start, active=active, missing=missing_days(active, gap_days=gap_days), **cols
    )


class WeekTotals(BaseModel):
    """One Monday-Sunday week of running (for tables, charts and ramps)."""

    model_config = ConfigDict(frozen=True)

    week_start: date
    distance_km: float
    time_h: float
    ascent_m: float
    descent_m: float
    runs: int
    foot_km: float
    complete: bool  # the week has ended (Sunday on or before the as-of date)
    missing_days: int  # days of the week inside a stretch without any file


def weekly_totals(series: DailySeries, *, as_of: date) -> list[WeekTotals]:
    """Monday-Sunday totals; ``series.start`` must be a Monday.

    Examples
    --------
    >>> s = daily_series([], start=date(2025, 3, 3), end=date(2025, 3, 16), gap_days=14)
    >>> [w.week_start.isoformat() for w in weekly_totals(s, as_of=date(2025, 3, 12))]
    ['2025-03-03', '2025-03-10']
    """
    if series.start.weekday() != 0:
        raise ValueError(f"weeks start on a Monday; the series starts {series.start:%A}")
    weeks = []
    for i in range(0, len(series), 7):
        sl = slice(i, i + 7)
        week_start = series.day(i)
        weeks.append(
            WeekTotals(
                week_start=week_start,
                distance_km=float(series.run_km[sl].sum()),
                time_h=float(series.run_h[sl].sum()),
                ascent_m=float(series.ascent_m[sl].sum()),
                descent_m=float(series.descent_m[sl].sum()),
                runs=int(series.runs[sl].sum()),
                foot_km=float(series.foot_km[sl].sum()),
                complete=week_start + timedelta(days=6) <= as_of,
                missing_days=int(series.missing[sl].sum()),
            )
        )
    return weeks


def ewma(values: np.ndarray, *, days: int) -> np.ndarray:
    """Exponentially weighted moving average with lambda = 2 / (days + 1), starting from 0.

    Williams et al. Br J Sports Med 2017;51:209 (doi:10.1136/bjsports-2016-096589); the same
    weight Runalyze uses (../shared/reference/load.md lists the alternatives).

    Examples
    --------
    >>> ewma(np.array([4.0, 4.0, 0.0]), days=3).tolist()  # lambda = 0.5
    [2.0, 3.0, 1.5]
    """
    lam = 2.0 / (days + 1.0)
    out = np.empty(len(values))
    level = 0.0
    for i, x in enumerate(values.tolist()):
        level = lam * x + (1.0 - lam) * level
        out[i] = level
    return out


class AcwrResult(BaseModel):
    """The acute:chronic ratio on a day, and whether the history allows showing it."""

    model_config = ConfigDict(frozen=True)

    value: float | None
    acute_km: float | None
    chronic_km: float | None
    visible: bool
    reason: str


def acwr(
    series: DailySeries, *, day: date, acute_days: int, chronic_days: int, min_history_days: int
) -> AcwrResult:
    """Uncoupled EWMA acute:chronic workload ratio of daily running km on ``day``.

    Acute = EWMA(``acute_days``) through ``day``; chronic = EWMA(``chronic_days``) through the day
    before the acute window, so the acute days are not inside the chronic figure (the coupling
    criticised by Lolli et al. Br J Sports Med 2019;53:921, doi:10.1136/bjsports-2017-098110).
    Information only: its injury bands come from team sports (Gabbett 2016), it may add little
    (Impellizzeri et al. 2020) and it had an inverse association in runners (Frandsen et al. Br J
    Sports Med 2025;59:1203). Hidden until ``min_history_days`` of history without missing data.
    """
    i = series.index(day)
    have = i + 1
    window = series.missing[max(0, i - min_history_days + 1) : i + 1]
    if have < min_history_days:
        return AcwrResult(
            value=None,
            acute_km=None,
            chronic_km=None,
            visible=False,
            reason=f"needs {min_history_days} days of history, has {have}",
        )
    if window.any():
        return AcwrResult(
            value=None,
            acute_km=None,
            chronic_km=None,
            visible=False,
            reason=f"missing data in the last {min_history_days} days",
        )
    acute = float(ewma(series.run_km[: i + 1], days=acute_days)[-1])
    chronic = float(ewma(series.run_km[: i + 1 - acute_days], days=chronic_days)[-1])
    if chronic <= 0:
        return AcwrResult(
            value=None,
            acute_km=acute,
            chronic_km=chronic,
            visible=False,
            reason="no chronic load to compare with",
        )
    return AcwrResult(
        value=acute / chronic,
        acute_km=acute,
        chronic_km=chronic,
        visible=True,
        reason="complete history",
    )
