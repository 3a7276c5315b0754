"""Where a runner is in the walk-run plan, read from the pain log.

The return-to-run plan (`backstride.program.return_to_run`) lists the phases and their rules;
this module applies the rules to the runs the runner logged with ``pain log --walk-run-phase``:

- a run is **tolerated** when pain during and after it stays within the pain-monitoring model's
  acceptable zone (up to 5/10) and the next morning is no worse (Silbernagel 2007, as used in
  ../shared/reference/clinical.md; the walk-run protocol's "no progress if pain or stiffness
  rises within 24 h", Trials 2023, doi:10.1186/s13063-023-07502-x);
- a phase is **done** after ``repeats`` tolerated runs at it (the protocol: each phase at least
  twice), and the next phase comes next;
- a run that was **too much** (pain above 5/10, or a worse next morning) sends the runner back
  one phase, and that phase's count starts again;
- a run whose next morning is **not logged yet** does not count: the morning decides.

The runner's own phase is followed: logging a different phase than the one advised moves the
count to that phase (with a note when it skipped ahead of an unfinished phase). Two runs on
consecutive days get a note (the protocol leaves a rest day between runs) but are not refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict

from backstride.errors import ValidationError
from backstride.program.rules import load_rules
from backstride.symptoms.painlog import MorningResponse, PainEntry
from backstride.symptoms.ruleset import PainMonitoring, load_ruleset

Verdict = Literal["start", "repeat", "move_up", "step_back", "wait_for_morning", "done"]


class WalkRunStatus(BaseModel):
    """The phase to run next, why, and what the log showed on the way."""

    model_config = ConfigDict(frozen=True)

    next_phase: int
    phases: int
    tolerated: int  # tolerated runs logged at ``next_phase`` so far
    repeats: int
    verdict: Verdict
    says: str
    notes: tuple[str, ...] = ()


def _too_much(entry: PainEntry, params: PainMonitoring) -> str | None:
    """Why the run was too much, or None."""
    limit = params.acceptable_max_nrs
    for label, score in (("during", entry.pain_during), ("after", entry.pain_after)):
        if score is not None and score > limit:
            return f"pain {label} the run was {score}/10, above {limit}"
    if entry.next_morning is MorningResponse.WORSE:
        return "the next morning was worse"
    return None


def walk_run_status(
    entries: Sequence[PainEntry], *, phases: int, repeats: int, params: PainMonitoring
) -> WalkRunStatus:
    """Apply the walk-run rules to the logged runs (entries without a phase are ignored).

    Examples
    --------
    >>> from datetime import date
    >>> from backstride.symptoms.ruleset import load_ruleset
    >>> params = load_ruleset().pain_monitoring
    >>> run = lambda day, during, morning: PainEntry(entry_date=date(2026, 3, day),
    ...     walk_run_phase=1, pain_during=during, next_morning=morning)
    >>> s = walk_run_status([run(2, 2, "same"), run(4, 3, "better")], phases=6, repeats=2,
    ...                     params=params)
    >>> s.verdict, s.next_phase
    ('move_up', 2)
    >>> print(walk_run_status([run(2, 7, "same")], phases=6, repeats=2, params=params).says)
    Phase 1 was too much (pain during the run was 7/10, above 5): after a rest day, do phase 1.
    """
    runs = sorted((e for e in entries if e.walk_run_phase is not None), key=lambda e: e.entry_date)
    phase, tolerated = 1, 0
    notes: list[str] = []
    verdict: Verdict = "start"
    says = f"Start with phase 1 once you meet the entry criteria; do each phase {repeats} times."
    previous_day = None
    for entry in runs:
        run_phase = min(int(entry.walk_run_phase or 1), phases)
        day = entry.entry_date
        if previous_day is not None and day - previous_day == timedelta(days=1):
            notes.append(f"{day}: runs on two days in a row; leave a rest day between runs.")
        previous_day = day
        if run_phase != phase:
            if run_phase > phase:
                notes.append(
                    f"{day}: phase {run_phase} run before phase {phase} was done {repeats} times."
                )
            phase, tolerated = run_phase, 0
        why = _too_much(entry, params)
        if why is not None:
            phase, tolerated = max(1, run_phase - 1), 0
            verdict = "step_back"
            says = f"Phase {run_phase} was too much ({why}): after a rest day, do phase {phase}."
        elif entry.next_morning is None:
            verdict = "wait_for_morning"
            says = (
                f"Log how your back feels the morning after the {day} run (phase {run_phase}) "
                "before the next run: the morning decides whether it counts."
            )
        else:
            tolerated += 1
            if tolerated < repeats:
                verdict = "repeat"
                says = (
                    f"Phase {phase}: {tolerated} of {repeats} runs went well; "
                    "run it again after a rest day."
                )
            elif phase < phases:
                verdict = "move_up"
                says = f"Phase {phase} went well {repeats} times: move up to phase {phase + 1}."
                phase, tolerated = phase + 1, 0
            else:
                verdict = "done"
                says = (
                    f"The last phase went well {repeats} times: you run continuously again; "
                    "build up with the running cues, and keep logging pain for a while."
                )
    return WalkRunStatus(
        next_phase=phase,
        phases=phases,
        tolerated=tolerated,
        repeats=repeats,
        verdict=verdict,
        says=says,
        notes=tuple(notes),
    )


def check_phase(entry: PainEntry, phases: int | None = None) -> None:
    """Refuse a walk-run phase the plan does not have (`ValidationError` naming the field);
    ``phases`` defaults to the packaged plan's."""
    count = phases if phases is not None else len(load_rules()[0].return_to_run.phases)
    if entry.walk_run_phase is not None and entry.walk_run_phase > count:
        raise ValidationError(
            "walk_run_phase",
            f"the walk-run plan has phases 1 to {count}, got {entry.walk_run_phase}",
        )


def current_status(entries: Sequence[PainEntry]) -> WalkRunStatus:
    """`walk_run_status` with the packaged plan (its phases and repeats) and pain zones."""
    rule = load_rules()[0].return_to_run
    return walk_run_status(
        entries,
        phases=len(rule.phases),
        repeats=rule.repeats_per_phase,
        params=load_ruleset().pain_monitoring,
    )
