"""``synth.history``: a multi-week training history written as real FIT, GPX and TCX files.

`write_history` plans the history (`backstride.synth.history_plan`), writes every activity as a
real file a watch or a service would produce (`backstride.synth.history_files`), and returns the
truth (`backstride.synth.history_truth`): per activity, per week, the shoes, and which flags must
fire on which days and weeks (and, by omission, where none may fire).

The default `HistorySpec` is 16 weeks (from Monday 2025-03-03, Ljubljana time) with rest days, a
weekly ramp, a run-every-day streak, a 30 km spike and a later moderate spike, trail runs with
long real descents and a 900 m one, a cadence drop, a shift in ground-contact balance, a ride, a
treadmill run without positions, a run exported twice (FIT and a Strava GPX), and two pairs of
shoes. Shoes are not in the files (watch files do not carry gear): the truth lists them
(`HistorySpec.shoes`, road and trail defaults) and the one run done in the trail pair on a road
(week 15, Thursday), for the caller to enter with ``backstride shoes add`` and ``shoes assign``.

`five_year_spec` (in `backstride.synth.history_plan`) gives about 1,560 files for the benchmark;
``jobs`` writes in parallel.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from backstride.synth.history_files import write_planned
from backstride.synth.history_oracle import expected_flags
from backstride.synth.history_plan import HistorySpec, PlannedActivity, five_year_spec, plan_history
from backstride.synth.history_truth import (
    HistoryTruth,
    activity_truth,
    shoe_truths,
    week_truths,
)
from backstride.training.thresholds import load_thresholds

__all__ = ["HistorySpec", "HistoryTruth", "five_year_spec", "write_history"]


def _write_one(args: tuple[Path, PlannedActivity, HistorySpec]) -> tuple[str, ...]:
    folder, planned, spec = args
    return write_planned(folder, planned, spec)


def write_history(folder: Path, spec: HistorySpec | None = None, *, jobs: int = 1) -> HistoryTruth:
    """Write the history described by ``spec`` (default: 16 weeks) into ``folder``.

    Examples
    --------
    >>> import tempfile
    >>> spec = HistorySpec(weeks=2, trail_from_week=2, ramp_week=None, streak_week=None,
    ...     spike_week=None, big_descent_week=None, cadence_drop_week=None,
    ...     balance_shift_week=None, late_spike_week=None, ride_week=None, treadmill_week=None,
    ...     duplicate_week=None, trail_shoes_on_road_week=None)
    >>> truth = write_history(Path(tempfile.mkdtemp()), spec)
    >>> [round(w.distance_km) for w in truth.weeks]
    [38, 42]
    """
    spec = spec or HistorySpec()
    folder.mkdir(parents=True, exist_ok=True)
    planned = plan_history(spec)
    work = [(folder, p, spec) for p in planned]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            names = list(pool.map(_write_one, work, chunksize=16))
    else:
        names = [_write_one(w) for w in work]
    activities = [activity_truth(p, n) for p, n in zip(planned, names, strict=True)]
    thresholds = load_thresholds()
    flags, acwr, missing, compared = expected_flags(activities, spec, thresholds)
    return HistoryTruth(
        spec=spec,
        as_of=spec.end,
        activities=tuple(activities),
        weeks=tuple(week_truths(activities, spec)),
        flags=tuple(flags),
        shoes=tuple(shoe_truths(activities, spec, spec.end, thresholds)),
        acwr=acwr,
        missing_days=tuple(sorted(missing)),
        comparisons=tuple(compared),
    )
