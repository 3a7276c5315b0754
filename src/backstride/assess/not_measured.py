"""What this assessment could not measure, and what each missing input costs.

Three kinds of gap, said plainly instead of filled with a number (reference/gait.md):

- what a 2D phone video cannot measure at all (the curve of the lower back, true pelvic tilt,
  rotation of the spine in 3D, forces and loading rates, muscle activation);
- what the gait stage itself lists under ``cannot_measure`` for the views it analysed;
- what a missing input hides (no rear video: no pelvic drop...), with its cost.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from backstride.assess.models import InputKind, MissingInput, NotMeasured

TWO_D_LIMITS: tuple[NotMeasured, ...] = (
    NotMeasured(
        what="the curve of the lower back (lumbar lordosis)",
        why="pose models find joint centres, not the spine; a 2D video cannot show it",
    ),
    NotMeasured(
        what="true pelvic tilt",
        why="it needs the bony landmarks of the pelvis (ASIS/PSIS), which a pose model does "
        "not find",
    ),
    NotMeasured(
        what="rotation of the spine and pelvis in 3D",
        why="one camera sees one plane; rotation about the vertical axis needs 3D capture",
    ),
    NotMeasured(
        what="forces and loading rates on the legs and spine",
        why="they need force plates or instrumented treadmills; the video shows movement only",
    ),
    NotMeasured(
        what="how well the deep trunk and hip muscles switch on, and their strength",
        why="that needs a clinical examination or EMG, not a video",
    ),
)

#: Topics of `TWO_D_LIMITS`: a stage's own entry on one of them is not repeated.
_COVERED = ("lordosis", "curve of the lower back", "pelvic tilt", "spinal rotation", "forces")

INPUT_NAMES = {
    InputKind.SIDE_VIDEO: "side-view video",
    InputKind.REAR_VIDEO: "rear-view video",
    InputKind.ACTIVITIES: "training history",
    InputKind.CHECKIN: "check-in",
}

MISSING_COST: dict[InputKind, tuple[str, tuple[str, ...]]] = {
    InputKind.SIDE_VIDEO: (
        "no side-view video: cadence, ground contact time, overstride, shank and foot angle at "
        "landing, forward trunk lean and vertical oscillation are not measured, and no gait "
        "change since last time can be judged for them",
        (
            "cadence and ground contact time",
            "overstride and the shank and foot angle at landing",
            "forward trunk lean and vertical oscillation",
        ),
    ),
    InputKind.REAR_VIDEO: (
        "no rear-view video: pelvic drop, sideways trunk lean and crossover (step width) are not "
        "measured, and the hip-strength findings they drive cannot appear",
        ("pelvic drop", "sideways trunk lean", "step width and crossover"),
    ),
    InputKind.ACTIVITIES: (
        "no training history: spikes, weekly ramps, descents, rest days and shoe wear cannot be "
        "judged",
        ("changes in training load (spikes, ramps, descents, rest days, shoe wear)",),
    ),
    InputKind.CHECKIN: (
        "no check-in: no triage, so no program and no running advice (triage comes first)",
        ("symptoms and the safety screen (triage)",),
    ),
}


def stale_checkin_cost(decided_on: date, max_age_days: int) -> str:
    """What a stored check-in too old to use costs (the cost of no check-in, and what to do).

    Examples
    --------
    >>> stale_checkin_cost(date(2025, 3, 1), 28)  # doctest: +ELLIPSIS
    'the last check-in was on 2025-03-01, older than 28 days: symptoms change, so it was not...'
    """
    return (
        f"the last check-in was on {decided_on.isoformat()}, older than {max_age_days} days: "
        "symptoms change, so it was not used; no triage, so no program and no running advice "
        "(run `backstride checkin` for a new one)"
    )


def missing_inputs(
    missing: Iterable[InputKind], why: Mapping[InputKind, str] | None = None
) -> tuple[MissingInput, ...]:
    """Each missing input with what it costs; ``why`` words the cost of some inputs instead.

    Examples
    --------
    >>> [m.input.value for m in missing_inputs([InputKind.REAR_VIDEO])]
    ['rear_video']
    """
    absent = set(missing)
    costs = {k: cost for k, (cost, _) in MISSING_COST.items()} | dict(why or {})
    return tuple(MissingInput(input=k, cost=costs[k]) for k in InputKind if k in absent)


def split_entry(entry: str) -> tuple[str, str]:
    """A stage's ``"what: why"`` (or ``"what; advice"``) line as (what, why).

    Examples
    --------
    >>> split_entry("arm crossing while the hands are hidden; film from the front")
    ('arm crossing while the hands are hidden', 'film from the front')
    >>> split_entry("rotation of the pelvis")
    ('rotation of the pelvis', 'a 2D video cannot measure it')
    """
    for sep in (": ", "; "):
        what, found, why = entry.partition(sep)
        if found:
            return what, why
    return entry, "a 2D video cannot measure it"


def from_stage(entries: Sequence[str], view: InputKind | None) -> list[NotMeasured]:
    """The gait stage's own ``cannot_measure`` lines, minus the topics of `TWO_D_LIMITS`.

    Examples
    --------
    >>> [n.what for n in from_stage(["true pelvic tilt: no ASIS", "rotation of the pelvis"], None)]
    ['rotation of the pelvis']
    """
    out = []
    for entry in entries:
        if any(topic in entry.lower() for topic in _COVERED):
            continue
        what, why = split_entry(entry)
        out.append(NotMeasured(what=what, why=why, input=view))
    return out


def not_measured(
    *,
    missing: Iterable[InputKind],
    stage_limits: Sequence[tuple[InputKind | None, Sequence[str]]] = (),
    notes: Sequence[NotMeasured] = (),
) -> tuple[NotMeasured, ...]:
    """The whole "what we could not measure" list, de-duplicated, in a stable order:
    what a missing input hides, the 2D limits, the stage's own lines, then ``notes``."""
    absent = set(missing)
    out: list[NotMeasured] = []
    for kind in InputKind:
        if kind in absent:
            out += [
                NotMeasured(what=what, why=f"no {INPUT_NAMES[kind]} was given", input=kind)
                for what in MISSING_COST[kind][1]
            ]
    out += TWO_D_LIMITS
    for view, entries in stage_limits:
        out += from_stage(entries, view)
    out += notes
    seen: set[str] = set()
    unique = []
    for n in out:
        if n.what not in seen:
            seen.add(n.what)
            unique.append(n)
    return tuple(unique)
