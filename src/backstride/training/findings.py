"""Training-load flag events as `Finding` objects: one finding per flag code, worst event first.

The codes are what the program stage keys on: ``single_run_spike``, ``weekly_ramp``,
``monotony``, ``descent_exposure``, ``no_rest``, ``cadence_drift``, ``gct_balance_drift``,
``shoe_worn``, and ``acwr`` (information only). Every explanation words the link as an
association with running injury in general and says that no load metric has been linked to low
back pain specifically (Maselli et al. BMC Musculoskelet Disord 2020;21:343).
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from backstride.findings import (
    Capacity,
    Confidence,
    Evidence,
    EvidenceLevel,
    Finding,
    Severity,
    Source,
)
from backstride.training.flags import (
    DescentEvent,
    DriftEvent,
    MonotonyEvent,
    RampEvent,
    SpikeEvent,
    StreakEvent,
)
from backstride.training.load import AcwrResult
from backstride.training.thresholds import Thresholds

NOT_BACK_SPECIFIC = (
    "This is about running injury in general: no training-load measure has been linked to low "
    "back pain specifically (Maselli 2020)."
)


class ShoeWearEvent(BaseModel):
    """A pair in current use near or past its wear limit."""

    model_config = ConfigDict(frozen=True)

    shoe: str
    total_km: float
    limit_km: float
    fraction: float
    level: Severity


class FlagEvents(BaseModel):
    """Every flag event of a report window, by flag."""

    model_config = ConfigDict(frozen=True)

    spikes: tuple[SpikeEvent, ...] = ()
    ramps: tuple[RampEvent, ...] = ()
    monotony: tuple[MonotonyEvent, ...] = ()
    streaks: tuple[StreakEvent, ...] = ()
    descents: tuple[DescentEvent, ...] = ()
    cadence_drift: tuple[DriftEvent, ...] = ()
    balance_drift: tuple[DriftEvent, ...] = ()
    worn_shoes: tuple[ShoeWearEvent, ...] = ()


def _worst(levels: Sequence[Severity]) -> Severity:
    return max(levels, key=lambda s: s.rank)


def _finding(code: str, t: Thresholds, **fields: object) -> Finding:
    return Finding.model_validate(
        {"code": code, "source": Source.TRAINING, "ruleset": t.ruleset, **fields}
    )


def spike_finding(events: Sequence[SpikeEvent], t: Thresholds) -> Finding:
    """``single_run_spike``: runs much longer than the longest of the previous 30 days."""
    top = max(events, key=lambda e: e.ratio)
    return _finding(
        "single_run_spike",
        t,
        title=f"A run {top.ratio:.2f}x your longest of the previous 30 days",
        severity=_worst([e.level for e in events]),
        value=round(top.ratio, 2),
        threshold=t.single_run_spike.moderate_ratio,
        units="x longest run of the previous 30 days",
        explanation=(
            f"On {top.date} you ran {top.distance_km:.1f} km; the longest run of the 30 days "
            f"before was {top.reference_km:.1f} km. In 5,205 runners, a run more than 10% longer "
            "than the longest of the previous 30 days was associated with more running injuries, "
            "most of all when it was more than twice as long. The answer is load management "
            "(build long runs up in smaller steps), not an exercise. " + NOT_BACK_SPECIFIC
        ),
        reference=t.single_run_spike.reference,
        evidence=tuple(
            Evidence(
                label=f"{e.date}: {e.distance_km:.1f} km vs {e.reference_km:.1f} km",
                ref=f"activity:{e.activity_id}",
                value=round(e.ratio, 2),
            )
            for e in events
        ),
        evidence_level=EvidenceLevel.ASSOCIATION,
        confidence=Confidence.HIGH,
        modifiability=0.9,
    )


def ramp_finding(events: Sequence[RampEvent], t: Thresholds) -> Finding:
    """``weekly_ramp``: weekly distance rising by more than 30%."""
    top = max(events, key=lambda e: e.increase_pct)
    span = "week" if top.span_weeks == 1 else "two weeks"
    return _finding(
        "weekly_ramp",
        t,
        title=f"Weekly distance rose {top.increase_pct:.0f}%",
        severity=_worst([e.level for e in events]),
        value=round(top.increase_pct, 1),
        threshold=t.weekly_ramp.moderate_pct,
        units="% more than the period before",
        explanation=(
            f"The {span} from {top.week_start} had {top.distance_km:.1f} km against "
            f"{top.base_km:.1f} km before. Rises of more than 30% a week were associated with "
            "more injuries in novice runners, and 20-60% rises with more injuries three weeks "
            "later in runners preparing a half marathon. The popular 10% rule, tested in a "
            "randomised trial, did not prevent injuries, so no exact safe step is known. The "
            "answer is load management, not an exercise. " + NOT_BACK_SPECIFIC
        ),
        reference=t.weekly_ramp.reference,
        evidence=tuple(
            Evidence(
                label=f"{e.span_weeks}-week span from {e.week_start}: "
                f"{e.distance_km:.1f} km vs {e.base_km:.1f} km",
                ref=f"week:{e.week_start}",
                value=round(e.increase_pct, 1),
            )
            for e in events
        ),
        evidence_level=EvidenceLevel.ASSOCIATION,
        confidence=Confidence.HIGH,
        modifiability=0.9,
    )


#: Monotony above this is shown as "over 10" (see `monotony_shown`); the JSON keeps the raw number.
MONOTONY_DISPLAY_CAP = 10.0


def _over_cap(monotony: float | None) -> bool:
    return monotony is None or monotony > MONOTONY_DISPLAY_CAP


def monotony_shown(monotony: float | None) -> str:
    """Foster's monotony as people read it: the number, or "over 10" where it stops meaning more.

    Monotony is the mean over the standard deviation of the 7 daily loads of a week (days off
    count as 0; Foster C. Med Sci Sports Exerc 1998;30(7):1164-1168,
    doi:10.1097/00005768-199807000-00023). When the daily distances are nearly the same, the SD
    nears 0 and the ratio grows without bound (None: exactly the same, infinite): 36.7 against a
    threshold of 1.5 says no more than 12 would, and reads like an error. Past
    `MONOTONY_DISPLAY_CAP` the text says what the number means instead.

    Examples
    --------
    >>> monotony_shown(1.734), monotony_shown(10.0), monotony_shown(36.7), monotony_shown(None)
    ('1.73', '10', 'over 10', 'over 10')
    """
    return f"over {MONOTONY_DISPLAY_CAP:g}" if _over_cap(monotony) else f"{monotony:.3g}"


def monotony_text(monotony: float | None) -> str:
    """`monotony_shown`, saying what a value over the cap means.

    Examples
    --------
    >>> monotony_text(1.734), monotony_text(36.7)
    ('1.73', 'over 10, almost the same load every day')
    """
    shown = monotony_shown(monotony)
    return f"{shown}, almost the same load every day" if _over_cap(monotony) else shown


def monotony_finding(events: Sequence[MonotonyEvent], t: Thresholds) -> Finding:
    """``monotony``: weeks of similar load every day, little variation or rest."""
    values = [e.monotony for e in events if e.monotony is not None]
    top = max(values) if len(values) == len(events) else None  # None: one week infinite
    return _finding(
        "monotony",
        t,
        title=f"Weeks with the same load nearly every day (monotony {monotony_shown(top)})",
        severity=_worst([e.level for e in events]),
        value=None if top is None else round(top, 2),
        threshold=t.monotony.low,
        units="mean / SD of daily km",
        explanation=(
            "Training monotony (the mean daily load of a week divided by its variation) was at "
            "least 1.5 in these weeks: easy days and rest days were missing. Foster linked high "
            "monotony and strain with illness and overtraining in athletes; it is a warning "
            "sign, not a measured injury risk. Vary the load across the week. " + NOT_BACK_SPECIFIC
        ),
        reference=t.monotony.reference,
        evidence=tuple(
            Evidence(
                label=f"week of {e.week_start}: {e.distance_km:.1f} km",
                ref=f"week:{e.week_start}",
                value=None if e.monotony is None else round(e.monotony, 2),
            )
            for e in events
        ),
        evidence_level=EvidenceLevel.EXPERT,
        confidence=Confidence.HIGH,
        modifiability=0.9,
    )


def rest_finding(events: Sequence[StreakEvent], t: Thresholds) -> Finding:
    """``no_rest``: many consecutive days with a run."""
    top = max(events, key=lambda e: e.days)
    return _finding(
        "no_rest",
        t,
        title=f"{top.days} days in a row without a rest day",
        severity=_worst([e.level for e in events]),
        value=float(top.days),
        threshold=float(t.no_rest.low_days),
        units="consecutive days with a run",
        explanation=(
            f"You ran every day from {top.start} to {top.end}. Tissues adapt between runs; a "
            "rest day in every 7-10 is a common recommendation (a heuristic, not a measured "
            "threshold). " + NOT_BACK_SPECIFIC
        ),
        reference=t.no_rest.reference,
        evidence=tuple(
            Evidence(label=f"{e.start} to {e.end}", ref=f"days:{e.start}", value=float(e.days))
            for e in events
        ),
        evidence_level=EvidenceLevel.HEURISTIC,
        confidence=Confidence.HIGH,
        modifiability=0.9,
    )


def descent_finding(events: Sequence[DescentEvent], t: Thresholds) -> Finding:
    """``descent_exposure``: much more downhill than recently, per run or per week."""
    top = max(events, key=lambda e: e.descent_m)
    steep = f", {top.below_10pct_km:.1f} km of it steeper than 10%" if top.below_10pct_km else ""
    what = "run" if top.kind == "run" else "week starting"
    return _finding(
        "descent_exposure",
        t,
        title=f"{top.descent_m:.0f} m of descent, well above your recent maximum",
        severity=_worst([e.level for e in events]),
        value=round(top.descent_m),
        threshold=t.descent_exposure.min_run_descent_m,
        units="m descended",
        explanation=(
            f"The {what} {top.date} went down {top.descent_m:.0f} m{steep}; the biggest of the "
            f"period before was {top.reference_m:.0f} m. Running downhill brakes every step "
            "with the thigh muscles and arches the lower back the most (lumbar lordosis is "
            "greatest downhill); pace understates this load. This link is a reasoned "
            "extrapolation, not a measured injury risk. Eccentric quadriceps strength and deep "
            "trunk control prepare for long descents, and descents can be built up gradually. "
            + NOT_BACK_SPECIFIC
        ),
        reference=t.descent_exposure.reference,
        evidence=tuple(
            Evidence(
                label=f"{e.kind} {e.date}: {e.descent_m:.0f} m vs {e.reference_m:.0f} m",
                ref=f"activity:{e.activity_id}" if e.activity_id else f"week:{e.date}",
                value=round(e.descent_m),
            )
            for e in events
        ),
        capacities=(Capacity.ECCENTRIC_QUADS, Capacity.DEEP_CORE),
        evidence_level=EvidenceLevel.HEURISTIC,
        confidence=Confidence.MODERATE,
        modifiability=0.7,
    )


def drift_finding(events: Sequence[DriftEvent], t: Thresholds, *, code: str) -> Finding:
    """``cadence_drift`` or ``gct_balance_drift``: a week away from the runner's own baseline."""
    top = max(events, key=lambda e: abs(e.change))
    capacities: tuple[Capacity, ...] = ()
    if code == "cadence_drift":
        title = f"Cadence {top.change:+.0f} steps/min against your 4-week median"
        units, threshold = "steps/min vs own baseline", t.drift.cadence_low_spm
        what = f"median cadence was {top.value:.0f} steps/min against {top.baseline:.0f}"
    else:
        title = f"Ground-contact balance {top.change:+.1f} points against your 4-week median"
        units, threshold = "% left vs own baseline", t.drift.balance_low_pct
        capacities = (Capacity.GLUTE_MED, Capacity.BALANCE)
        what = f"ground-contact time balance was {top.value:.1f}% left against {top.baseline:.1f}%"
    return _finding(
        code,
        t,
        title=title,
        severity=_worst([e.level for e in events]),
        value=round(top.change, 2),
        threshold=threshold,
        units=units,
        explanation=(
            f"In the week of {top.week_start} your {what} in the 4 weeks before. A change in "
            "your own running pattern can come with fatigue, pain or new shoes; no validated "
            "threshold exists, so read it as a prompt to look, not a risk score. "
            + NOT_BACK_SPECIFIC
        ),
        reference=t.drift.reference,
        evidence=tuple(
            Evidence(
                label=f"week of {e.week_start}: {e.value:.1f} vs {e.baseline:.1f} ({e.runs} runs)",
                ref=f"week:{e.week_start}",
                value=round(e.change, 2),
            )
            for e in events
        ),
        capacities=capacities,
        evidence_level=EvidenceLevel.HEURISTIC,
        confidence=Confidence.MODERATE,
        modifiability=0.6,
    )


def shoe_finding(events: Sequence[ShoeWearEvent], t: Thresholds) -> Finding:
    """``shoe_worn``: a pair in use near or past its wear limit."""
    top = max(events, key=lambda e: e.fraction)
    return _finding(
        "shoe_worn",
        t,
        title=f"{top.shoe}: {top.total_km:.0f} km of a {top.limit_km:.0f} km limit",
        severity=_worst([e.level for e in events]),
        value=round(top.total_km, 1),
        threshold=top.limit_km,
        units="km",
        explanation=(
            "Midsole cushioning wears with distance; replacing shoes after 300-500 miles "
            "(500-800 km) is a convention, not injury evidence. Runners who rotated several "
            "pairs had fewer injuries in one cohort. " + NOT_BACK_SPECIFIC
        ),
        reference=t.shoes.reference,
        evidence=tuple(
            Evidence(
                label=f"{e.shoe}: {e.total_km:.0f} / {e.limit_km:.0f} km",
                ref=f"shoe:{e.shoe}",
                value=round(e.fraction, 3),
            )
            for e in events
        ),
        evidence_level=EvidenceLevel.EXPERT,
        confidence=Confidence.MODERATE,
        modifiability=1.0,
    )


def acwr_finding(result: AcwrResult, t: Thresholds) -> Finding:
    """``acwr``: information only, shown when the history is long and complete enough."""
    return _finding(
        "acwr",
        t,
        title=f"Acute:chronic load ratio {result.value:.2f} (information only)",
        severity=Severity.INFO,
        value=round(result.value or 0.0, 2),
        units="EWMA 7 d / 28 d",
        explanation=(
            f"Your last 7 days averaged {result.acute_km or 0:.1f} km a day (weighted) against "
            f"{result.chronic_km or 0:.1f} km a day over the weeks before. This ratio is shown "
            "because many apps show it: its injury bands come from team sports, it may add "
            "little beyond the load itself, and in a large running cohort it was not associated "
            "with more injuries. " + NOT_BACK_SPECIFIC
        ),
        reference=t.acwr.reference,
        evidence_level=EvidenceLevel.HEURISTIC,
        confidence=Confidence.MODERATE,
        modifiability=0.5,
    )


def training_findings(events: FlagEvents, acwr: AcwrResult, t: Thresholds) -> list[Finding]:
    """All findings of a report window, most severe first."""
    out: list[Finding] = []
    if events.spikes:
        out.append(spike_finding(events.spikes, t))
    if events.ramps:
        out.append(ramp_finding(events.ramps, t))
    if events.descents:
        out.append(descent_finding(events.descents, t))
    if events.monotony:
        out.append(monotony_finding(events.monotony, t))
    if events.streaks:
        out.append(rest_finding(events.streaks, t))
    if events.cadence_drift:
        out.append(drift_finding(events.cadence_drift, t, code="cadence_drift"))
    if events.balance_drift:
        out.append(drift_finding(events.balance_drift, t, code="gct_balance_drift"))
    if events.worn_shoes:
        out.append(shoe_finding(events.worn_shoes, t))
    if acwr.visible and acwr.value is not None:
        out.append(acwr_finding(acwr, t))
    return sorted(out, key=lambda f: -f.severity.rank)
