"""The oracle of a synthetic history: which flags must fire, computed from the plan.

Each rule of `backstride.training.flags` is written again here as a plain loop over the planned
runs and calendar days (dates in dicts, no numpy, no shared helpers), with the threshold values of
the packaged rule set. Every comparison made is kept (`Comparison`), so a test can check that no
event of a spec sits within a few percent of a threshold.
"""

from __future__ import annotations

from datetime import date, timedelta
from statistics import median

from backstride.synth.history_plan import HistorySpec
from backstride.synth.history_truth import ActivityTruth, Comparison, FlagTruth
from backstride.training.thresholds import Thresholds


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def missing_days(activities: list[ActivityTruth], spec: HistorySpec, gap_days: int) -> set[date]:
    """Days in stretches of ``gap_days`` or more without any file."""
    active = {a.local_date for a in activities}
    missing: set[date] = set()
    stretch: list[date] = []
    for day in [*_days(spec.start, spec.end), None]:
        if day is not None and day not in active:
            stretch.append(day)
            continue
        if len(stretch) >= gap_days:
            missing.update(stretch)
        stretch = []
    return missing


class _Oracle:
    """Expected flag events, each rule as a plain loop over the planned runs."""

    def __init__(self, truth: list[ActivityTruth], spec: HistorySpec, t: Thresholds) -> None:
        self.runs = sorted((a for a in truth if a.is_run), key=lambda a: a.start_utc)
        self.spec, self.t = spec, t
        self.missing = missing_days(truth, spec, t.coverage.gap_days)
        self.km = dict.fromkeys(_days(spec.start, spec.end), 0.0)
        for a in self.runs:
            self.km[a.local_date] += a.distance_m / 1000
        self.flags: list[FlagTruth] = []
        self.compared: list[Comparison] = []
        self.first = min(a.local_date for a in truth) if truth else spec.start

    def compare(self, code: str, day: date, value: float | None, *thresholds: float) -> None:
        if value is not None and value != float("inf"):
            self.compared.append(Comparison(code=code, day=day, value=value, thresholds=thresholds))

    def add(
        self, code: str, day: date, level: str | None, ratio: float | None, detail: str = ""
    ) -> None:
        if level is not None:
            self.flags.append(
                FlagTruth(code=code, day=day, level=level, ratio=ratio, detail=detail)
            )

    def clean(self, first: date, last: date) -> bool:
        return not any(d in self.missing for d in _days(first, last))

    def known(self, first: date, last: date) -> bool:
        """The history began by ``first`` and nothing in [first, last] is missing."""
        return first >= self.first and self.clean(first, last)

    def week_km(self, monday: date) -> float:
        return sum(self.km.get(monday + timedelta(days=i), 0.0) for i in range(7))

    def before(self, a: ActivityTruth, days: int) -> list[ActivityTruth]:
        """Runs that started in the ``days`` before ``a``, if that period is fully known."""
        if not self.known(a.local_date - timedelta(days=days), a.local_date - timedelta(days=1)):
            return []
        since = a.start_utc - timedelta(days=days)
        return [b for b in self.runs if since <= b.start_utc < a.start_utc]

    def week_clean(self, monday: date) -> bool:
        return self.clean(monday, monday + timedelta(days=6))

    def mondays(self) -> list[date]:
        return [self.spec.start + timedelta(weeks=w) for w in range(self.spec.weeks)]

    def spikes(self) -> None:
        rule = self.t.single_run_spike
        for a in self.runs:
            before = self.before(a, rule.reference_days)
            if not before:
                continue
            ratio = a.distance_m / max(b.distance_m for b in before)
            self.compare(
                "single_run_spike", a.local_date, ratio, rule.moderate_ratio, rule.high_ratio
            )
            level = (
                "high"
                if ratio > rule.high_ratio
                else "moderate"
                if ratio > rule.moderate_ratio
                else None
            )
            self.add("single_run_spike", a.local_date, level, ratio)

    def ramps(self) -> None:
        rule = self.t.weekly_ramp
        mondays = self.mondays()
        for i, monday in enumerate(mondays):
            for span in (1, 2):
                if i < 2 * span:
                    continue
                now_weeks = mondays[i - span + 1 : i + 1]
                base_weeks = mondays[i - 2 * span + 1 : i - span + 1]
                if not all(self.week_clean(m) for m in (*now_weeks, *base_weeks)):
                    continue
                now = sum(self.week_km(m) for m in now_weeks)
                base = sum(self.week_km(m) for m in base_weeks)
                if base < rule.min_base_km * span:
                    continue
                pct = (now / base - 1) * 100
                self.compare("weekly_ramp", monday, pct, rule.moderate_pct, rule.high_pct)
                level = (
                    "high"
                    if pct > rule.high_pct
                    else "moderate"
                    if pct > rule.moderate_pct
                    else None
                )
                self.add("weekly_ramp", monday, level, pct, detail=f"{span}w")

    def monotony(self) -> None:
        rule = self.t.monotony
        for monday in self.mondays():
            days = [self.km[monday + timedelta(days=i)] for i in range(7)]
            if not self.week_clean(monday) or sum(days) < rule.min_week_km:
                continue
            mean = sum(days) / 7
            sd = (sum((x - mean) ** 2 for x in days) / 7) ** 0.5
            value = mean / sd if sd > 0 else float("inf")
            self.compare("monotony", monday, value, rule.low, rule.moderate)
            level = "moderate" if value >= rule.moderate else "low" if value >= rule.low else None
            self.add("monotony", monday, level, value if sd > 0 else None)

    def streaks(self) -> None:
        rule = self.t.no_rest
        length = 0
        for day in [*_days(self.spec.start, self.spec.end), None]:
            if day is not None and self.km[day] > 0:
                length += 1
                continue
            if length >= rule.low_days:
                end = (day or self.spec.end + timedelta(days=1)) - timedelta(days=1)
                level = "moderate" if length >= rule.moderate_days else "low"
                self.add("no_rest", end, level, float(length))
            length = 0

    def descents(self) -> None:
        rule = self.t.descent_exposure
        for a in self.runs:
            if (a.descent_m or 0) < rule.min_run_descent_m:
                continue
            before = self.before(a, rule.reference_days)
            if not before:
                continue
            ref = max(b.descent_m or 0 for b in before)
            ratio = (a.descent_m or 0) / ref if ref else None
            self.compare(
                "descent_exposure",
                a.local_date,
                ratio,
                rule.run_moderate_ratio,
                rule.run_high_ratio,
            )
            level = (
                "high"
                if ratio is None or ratio > rule.run_high_ratio
                else "moderate"
                if ratio > rule.run_moderate_ratio
                else None
            )
            self.add("descent_exposure", a.local_date, level, ratio, detail="run")
        weekly = {
            m: sum(a.descent_m or 0 for a in self.runs if m <= a.local_date < m + timedelta(days=7))
            for m in self.mondays()
        }
        mondays = self.mondays()
        n = rule.reference_weeks
        for i, monday in enumerate(mondays):
            if i < n or weekly[monday] < rule.min_week_descent_m:
                continue
            if not all(self.week_clean(m) for m in mondays[i - n : i + 1]):
                continue
            ref = max(weekly[m] for m in mondays[i - n : i])
            ratio = weekly[monday] / ref if ref else None
            self.compare("descent_exposure", monday, ratio, rule.week_moderate_ratio)
            if ratio is None or ratio > rule.week_moderate_ratio:
                self.add("descent_exposure", monday, "moderate", ratio, detail="week")

    def drift(self, code: str, field: str, low: float, moderate: float) -> None:
        rule = self.t.drift
        values = [(a.local_date, getattr(a, field)) for a in self.runs]
        values = [(d, v) for d, v in values if v is not None]
        for monday in self.mondays():
            now = [v for d, v in values if monday <= d < monday + timedelta(days=7)]
            base = [
                v for d, v in values if monday - timedelta(days=rule.baseline_days) <= d < monday
            ]
            if not now or len(base) < rule.min_baseline_runs:
                continue
            change = median(now) - median(base)
            self.compare(code, monday, abs(change), low, moderate)
            level = "moderate" if abs(change) >= moderate else "low" if abs(change) >= low else None
            self.add(code, monday, level, change)

    def acwr(self, as_of: date) -> float | None:
        rule = self.t.acwr
        days = _days(self.spec.start, as_of)
        if len(days) < rule.min_history_days or not self.clean(days[-rule.min_history_days], as_of):
            return None
        acute = chronic = 0.0
        la, lc = 2 / (rule.acute_days + 1), 2 / (rule.chronic_days + 1)
        for i, day in enumerate(days):
            acute += la * (self.km[day] - acute)
            if i < len(days) - rule.acute_days:
                chronic += lc * (self.km[day] - chronic)
        return acute / chronic if chronic > 0 else None


def expected_flags(
    truth: list[ActivityTruth], spec: HistorySpec, t: Thresholds
) -> tuple[list[FlagTruth], float | None, set[date], list[Comparison]]:
    """Expected flag events over the whole history, the ACWR on the last day, missing days,
    and every comparison made (for margin checks)."""
    oracle = _Oracle(truth, spec, t)
    oracle.spikes()
    oracle.ramps()
    oracle.monotony()
    oracle.streaks()
    oracle.descents()
    d = t.drift
    oracle.drift("cadence_drift", "cadence_spm", d.cadence_low_spm, d.cadence_moderate_spm)
    oracle.drift("gct_balance_drift", "balance_pct_left", d.balance_low_pct, d.balance_moderate_pct)
    return oracle.flags, oracle.acwr(spec.end), oracle.missing, oracle.compared
