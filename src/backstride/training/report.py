"""The training report of one runner: weekly series, flags, shoes, findings, as one model.

`build_report` is pure (activities, shoes and thresholds in; a `TrainingReport` out). Its JSON
(`TrainingReport.load_json`) is ``load.json`` and the ``summary`` of the stored assessment of
kind ``"training"``; the other stages read ``findings`` from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from backstride.findings import Finding, Severity
from backstride.training.activity import ActivityRecord
from backstride.training.findings import FlagEvents, ShoeWearEvent, training_findings
from backstride.training.flags import (
    DescentEvent,
    descent_runs,
    descent_weeks,
    drift_weeks,
    monotony_weeks,
    run_streaks,
    single_run_spikes,
    weekly_ramps,
)
from backstride.training.load import (
    AcwrResult,
    DailySeries,
    WeekTotals,
    acwr,
    daily_series,
    weekly_totals,
)
from backstride.training.shoes import ShoePair, ShoeUsage, rotation_count, shoe_usage
from backstride.training.thresholds import Thresholds

SCHEMA = "backstride.training.load/1"


class Gap(BaseModel):
    """A stretch without any file, treated as missing data."""

    model_config = ConfigDict(frozen=True)

    start: date
    end: date
    days: int


class TrailSummary(BaseModel):
    """Whether the runner looks like a trail runner: the share of runs with big descents."""

    model_config = ConfigDict(frozen=True)

    runs: int
    big_descent_runs: int
    big_descent_m: float
    share: float
    trail_surface_runs: int
    is_trail_runner: bool


class TrainingReport(BaseModel):
    """Everything ``backstride training report`` shows and stores."""

    model_config = ConfigDict(frozen=True)

    runner: str
    as_of: date
    window_start: date
    weeks: tuple[WeekTotals, ...]
    history_start: date
    gaps: tuple[Gap, ...]
    trail: TrailSummary
    events: FlagEvents
    acwr: AcwrResult
    shoes: tuple[ShoeUsage, ...]
    rotation_count: int
    findings: tuple[Finding, ...]
    activities: int
    thresholds: Thresholds

    def load_json(self) -> dict[str, Any]:
        """The content of ``load.json`` (and of the stored assessment's summary)."""
        t = self.thresholds
        return {
            "schema": SCHEMA,
            "runner": self.runner,
            "as_of": self.as_of.isoformat(),
            "window": {
                "start": self.window_start.isoformat(),
                "end": self.as_of.isoformat(),
                "weeks": len(self.weeks),
            },
            "ruleset": t.ruleset,
            "thresholds": {"version": t.version, "sha256": t.sha256},
            "load_unit": "running distance (km); walking and hiking shown apart",
            "back_pain_note": " ".join(t.back_pain_note.split()),
            "history": {"start": self.history_start.isoformat(), "activities": self.activities},
            "coverage": {
                "complete": not any(w.missing_days for w in self.weeks),
                "gaps": [g.model_dump(mode="json") for g in self.gaps],
                "rule": f"{t.coverage.gap_days}+ days without any file = missing data, not rest",
            },
            "weekly": [_week_json(w) for w in self.weeks],
            "totals": _totals(self.weeks),
            "trail_runner": self.trail.model_dump(mode="json"),
            "spikes": [e.model_dump(mode="json") for e in self.events.spikes],
            "flags": _flags_json(self.events),
            "acwr": self.acwr.model_dump(mode="json"),
            "shoes": [_shoe_json(u) for u in self.shoes],
            "rotation_count": self.rotation_count,
            "findings": [f.model_dump(mode="json") for f in self.findings],
        }


def _week_json(w: WeekTotals) -> dict[str, Any]:
    return {
        "week_start": w.week_start.isoformat(),
        "distance_km": round(w.distance_km, 3),
        "time_h": round(w.time_h, 3),
        "ascent_m": round(w.ascent_m, 1),
        "descent_m": round(w.descent_m, 1),
        "runs": w.runs,
        "walking_hiking_km": round(w.foot_km, 3),
        "complete": w.complete,
        "missing_days": w.missing_days,
    }


def _totals(weeks: Sequence[WeekTotals]) -> dict[str, float]:
    return {
        "distance_km": round(sum(w.distance_km for w in weeks), 3),
        "time_h": round(sum(w.time_h for w in weeks), 3),
        "ascent_m": round(sum(w.ascent_m for w in weeks), 1),
        "descent_m": round(sum(w.descent_m for w in weeks), 1),
        "runs": sum(w.runs for w in weeks),
    }


def _flags_json(events: FlagEvents) -> dict[str, list[dict[str, Any]]]:
    def dump(items: Sequence[BaseModel]) -> list[dict[str, Any]]:
        return [i.model_dump(mode="json") for i in items]

    return {
        "single_run_spike": dump(events.spikes),
        "weekly_ramp": dump(events.ramps),
        "monotony": dump(events.monotony),
        "no_rest": dump(events.streaks),
        "descent_exposure": dump(events.descents),
        "cadence_drift": dump(events.cadence_drift),
        "gct_balance_drift": dump(events.balance_drift),
        "shoe_worn": dump(events.worn_shoes),
    }


def _shoe_json(u: ShoeUsage) -> dict[str, Any]:
    p = u.pair
    return {
        "name": p.name,
        "surface": p.surface.value if p.surface else None,
        "default": p.is_default,
        "initial_km": round(p.initial_km, 1),
        "tracked_km": round(u.tracked_km, 3),
        "total_km": round(u.total_km, 3),
        "limit_km": p.limit_km,
        "fraction_of_limit": round(u.fraction_of_limit, 4),
        "runs": u.runs,
        "last_used": u.last_used.isoformat() if u.last_used else None,
        "retired_on": p.retired_on.isoformat() if p.retired_on else None,
    }


def window_start_for(as_of: date, weeks: int) -> date:
    """The Monday ``weeks - 1`` weeks before the Monday of ``as_of``'s week."""
    monday = as_of - timedelta(days=as_of.weekday())
    return monday - timedelta(weeks=weeks - 1)


def gaps_of(series: DailySeries) -> list[Gap]:
    """The stretches of missing data in a series."""
    out = []
    i = 0
    while i < len(series):
        if not series.missing[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(series) and series.missing[j + 1]:
            j += 1
        out.append(Gap(start=series.day(i), end=series.day(j), days=j - i + 1))
        i = j + 1
    return out


def trail_summary(
    records: Sequence[ActivityRecord], t: Thresholds, *, window_start: date, as_of: date
) -> TrailSummary:
    """Share of the window's runs with at least ``big_descent_m`` of descent."""
    rule = t.descent_exposure
    runs = [
        r.activity
        for r in records
        if r.activity.counts_as_running and window_start <= r.activity.local_date <= as_of
    ]
    big = sum(1 for a in runs if (a.descent_m or 0.0) >= rule.big_descent_m)
    share = big / len(runs) if runs else 0.0
    return TrailSummary(
        runs=len(runs),
        big_descent_runs=big,
        big_descent_m=rule.big_descent_m,
        share=share,
        trail_surface_runs=sum(1 for a in runs if a.surface.value == "trail"),
        is_trail_runner=bool(runs) and share >= rule.trail_runner_share,
    )


def worn_shoes(usages: Sequence[ShoeUsage], t: Thresholds, *, as_of: date) -> list[ShoeWearEvent]:
    """Pairs in current use (not retired, used in the last 30 days) at 90% of their limit."""
    recent = as_of - timedelta(days=t.shoes.rotation_days - 1)
    events = []
    for u in usages:
        retired = u.pair.retired_on is not None and u.pair.retired_on <= as_of
        if retired or u.last_used is None or u.last_used < recent:
            continue
        if u.fraction_of_limit >= t.shoes.low_fraction:
            level = Severity.MODERATE if u.fraction_of_limit >= 1.0 else Severity.LOW
            events.append(
                ShoeWearEvent(
                    shoe=u.pair.name,
                    total_km=u.total_km,
                    limit_km=u.pair.limit_km,
                    fraction=u.fraction_of_limit,
                    level=level,
                )
            )
    return events


def flag_events(
    records: Sequence[ActivityRecord],
    series: DailySeries,
    weeks: Sequence[WeekTotals],
    t: Thresholds,
    *,
    window_start: date,
    as_of: date,
) -> FlagEvents:
    """Every flag's events in the window (shoes apart)."""
    descents: list[DescentEvent] = [
        *descent_runs(records, series, t.descent_exposure, window_start=window_start, as_of=as_of),
        *descent_weeks(weeks, t.descent_exposure, window_start=window_start),
    ]
    d = t.drift
    return FlagEvents(
        spikes=tuple(
            single_run_spikes(
                records, series, t.single_run_spike, window_start=window_start, as_of=as_of
            )
        ),
        ramps=tuple(weekly_ramps(weeks, t.weekly_ramp, window_start=window_start)),
        monotony=tuple(monotony_weeks(series, weeks, t.monotony, window_start=window_start)),
        streaks=tuple(run_streaks(series, t.no_rest, window_start=window_start, as_of=as_of)),
        descents=tuple(sorted(descents, key=lambda e: (e.date, e.kind))),
        cadence_drift=tuple(
            drift_weeks(
                records,
                weeks,
                d,
                metric="cadence_spm",
                low=d.cadence_low_spm,
                moderate=d.cadence_moderate_spm,
                window_start=window_start,
            )
        ),
        balance_drift=tuple(
            drift_weeks(
                records,
                weeks,
                d,
                metric="stance_balance_pct_left",
                low=d.balance_low_pct,
                moderate=d.balance_moderate_pct,
                window_start=window_start,
            )
        ),
    )


def build_report(
    records: Sequence[ActivityRecord],
    pairs: Sequence[ShoePair],
    t: Thresholds,
    *,
    runner: str,
    as_of: date,
    weeks: int,
) -> TrainingReport:
    """The report for ``weeks`` weeks ending on ``as_of`` (records after it are ignored)."""
    records = [r for r in records if r.activity.local_date <= as_of]
    window_start = window_start_for(as_of, weeks)
    first = min((r.activity.local_date for r in records), default=window_start)
    start = min(first, window_start)
    start -= timedelta(days=start.weekday())
    week_end = as_of + timedelta(days=6 - as_of.weekday())
    series = daily_series(records, start=start, end=week_end, gap_days=t.coverage.gap_days)
    all_weeks = weekly_totals(series, as_of=as_of)
    shown = tuple(w for w in all_weeks if w.week_start >= window_start)
    events = flag_events(records, series, all_weeks, t, window_start=window_start, as_of=as_of)
    usages = shoe_usage(pairs, records, as_of=as_of)
    events = events.model_copy(update={"worn_shoes": tuple(worn_shoes(usages, t, as_of=as_of))})
    ratio = acwr(
        series,
        day=as_of,
        acute_days=t.acwr.acute_days,
        chronic_days=t.acwr.chronic_days,
        min_history_days=t.acwr.min_history_days,
    )
    return TrainingReport(
        runner=runner,
        as_of=as_of,
        window_start=window_start,
        weeks=shown,
        history_start=first,
        gaps=tuple(g for g in gaps_of(series) if g.end >= window_start),
        trail=trail_summary(records, t, window_start=window_start, as_of=as_of),
        events=events,
        acwr=ratio,
        shoes=tuple(usages),
        rotation_count=rotation_count(usages, as_of=as_of, days=t.shoes.rotation_days),
        findings=tuple(training_findings(events, ratio, t)),
        activities=len(records),
        thresholds=t,
    )
