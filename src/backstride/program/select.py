"""Choosing what to train and with which exercises: priorities, constraints, ladders, paths.

1. `priorities`: each finding (not ``info``) adds its severity weight to the capacities it points
   at (its own ``capacities``, else the rules' mapping for its code); the rules add baseline
   capacities (trunk and glutes for every runner with back pain, descents and balance for trail
   runners) with lower weights, each with its reason.
2. `Constraints` say what a runner may do: contraindication tags blocked by their symptom response
   (absolute), equipment at hand, whether weights are allowed in this phase / tier.
3. `ladder_path` walks a ladder (a chain of progression links) keeping only the rungs allowed,
   starts at the highest rung the phase and experience permit, keeps one easier rung below for
   regressions, and lists the doses step by step (`dosage.volume_steps`).
Pure functions over the validated library and rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from backstride.findings import Capacity, Finding, Severity
from backstride.program.dosage import Dose, start_dose, volume_steps
from backstride.program.exercise import Category, Equipment, Exercise, Impact
from backstride.program.library import Library
from backstride.program.models import Exclusion, Step, Why
from backstride.program.rules import Priority, ProgramRules
from backstride.symptoms.models import SymptomTag, Tier, Triage

SYMPTOM_WORDS = {
    SymptomTag.FLEXION_INTOLERANT: "your pain is worse when bending forward",
    SymptomTag.EXTENSION_INTOLERANT: "your pain is worse when arching back",
    SymptomTag.LEG_SYMPTOMS: "you have symptoms in the leg",
    SymptomTag.LOAD_SENSITIVE: "your pain is worse with impact and long runs",
}


@dataclass(frozen=True)
class Ranked:
    """A capacity with its priority score and the reasons behind it."""

    capacity: Capacity
    score: float
    why: tuple[Why, ...]


@dataclass(frozen=True)
class Constraints:
    """What this runner may do. ``blocked`` maps each blocked tag to the symptom(s) behind it."""

    blocked: dict[str, tuple[SymptomTag, ...]]
    equipment: frozenset[Equipment]
    weights_ok: bool
    tier: Tier
    gentle: bool = False
    symptoms: frozenset[SymptomTag] = field(default_factory=frozenset)

    def contraindicated(self, ex: Exercise) -> tuple[str, ...]:
        """The exercise's tags this runner's symptoms block (empty when none)."""
        return tuple(t for t in ex.contraindications if t in self.blocked)

    def allows(self, ex: Exercise) -> bool:
        """True when the exercise is safe for the runner and doable with what they have."""
        if self.contraindicated(ex) or not ex.needs() <= self.equipment:
            return False
        if not self.weights_ok and Equipment.WEIGHTS in ex.equipment:
            return False
        return not (self.gentle and (ex.level > 1 or ex.impact is not Impact.NONE))


def symptoms_for(triage: Triage) -> frozenset[SymptomTag]:
    """The runner's symptom tags; RADICULAR always counts as leg symptoms (defensive: the tier
    means pain below the knee or pins and needles, whatever the tags say)."""
    tags = set(triage.tags)
    if triage.tier is Tier.RADICULAR:
        tags.add(SymptomTag.LEG_SYMPTOMS)
    return frozenset(tags)


def constraints_for(
    triage: Triage,
    equipment: Iterable[Equipment],
    library: Library,
    *,
    weights_ok: bool,
    gentle: bool = False,
) -> Constraints:
    """Build the constraints from the triage, the runner's equipment and the phase profile."""
    symptoms = symptoms_for(triage)
    blocked: dict[str, list[SymptomTag]] = {}
    for symptom in sorted(symptoms):
        for tag in library.symptom_map.get(symptom, ()):
            blocked.setdefault(tag, []).append(symptom)
    return Constraints(
        blocked={t: tuple(s) for t, s in sorted(blocked.items())},
        equipment=frozenset(equipment) | {Equipment.NONE},
        weights_ok=weights_ok,
        tier=triage.tier,
        gentle=gentle,
        symptoms=symptoms,
    )


def exclusions(library: Library, c: Constraints) -> tuple[Exclusion, ...]:
    """Every library exercise the runner's symptoms or tier rule out, with the reason in words."""
    out = []
    for ex in library.exercises.values():
        tags = c.contraindicated(ex)
        if tags:
            symptoms = sorted({s for t in tags for s in c.blocked[t]})
            words = " and ".join(SYMPTOM_WORDS[s] for s in symptoms)
            reason = f"left out because {words} ({', '.join(tags)})"
        elif not c.weights_ok and Equipment.WEIGHTS in ex.equipment:
            reason = "left out: low-load work only for now (no added weights)"
        else:
            continue
        out.append(Exclusion(exercise_id=ex.id, name=ex.name, tags=tags, reason=reason))
    return tuple(sorted(out, key=lambda e: e.exercise_id))


def finding_capacities(f: Finding, rules: ProgramRules) -> tuple[Capacity, ...]:
    """What a finding asks to train: its own capacities, else the rules' mapping for its code."""
    return f.capacities or rules.finding_capacities.get(f.code, ())


def _add(
    scores: dict[Capacity, tuple[float, list[Why]]], cap: Capacity, w: float, why: Why
) -> None:
    score, whys = scores.get(cap, (0.0, []))
    scores[cap] = (score + w, [*whys, why])


def _baseline(entries: Sequence[Priority], kind: str) -> list[tuple[Priority, Why]]:
    return [(p, Why(kind=kind, code=p.code, text=p.text, source=p.source)) for p in entries]


def priorities(
    findings: Iterable[Finding],
    rules: ProgramRules,
    *,
    trail_runner: bool,
    extra: Sequence[Priority] = (),
    extra_kind: str = "baseline",
) -> list[Ranked]:
    """Capacities by priority, highest first (ties in the `Capacity` order), with reasons.

    Examples
    --------
    >>> from backstride.program.rules import load_rules
    >>> from backstride.findings import Source
    >>> drop = Finding(code="pelvic_drop", source=Source.VIDEO_REAR, title="Pelvic drop",
    ...                severity=Severity.HIGH, explanation="...")
    >>> [r.capacity.value for r in priorities([drop], load_rules()[0], trail_runner=False)][:3]
    ['lateral_core', 'glute_med', 'deep_core']
    """
    scores: dict[Capacity, tuple[float, list[Why]]] = {}
    for f in sorted(findings, key=lambda f: (f.code, -f.severity.rank)):
        if f.severity is Severity.INFO:
            continue
        why = Why(
            kind="finding", code=f.code, text=f.title, severity=f.severity, source=f.reference
        )
        for cap in finding_capacities(f, rules):
            _add(scores, cap, rules.severity_weight[f.severity], why)
    base = _baseline(rules.baseline, "baseline") + _baseline(extra, extra_kind)
    if trail_runner:
        base += _baseline(rules.trail_baseline, "trail")
    for p, why in base:
        _add(scores, p.capacity, p.weight, why)
    order = list(Capacity)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1][0], order.index(kv[0])))
    return [Ranked(cap, round(score, 3), tuple(whys)) for cap, (score, whys) in ranked]


def coverage_order(
    ranked: Sequence[Ranked], findings: Iterable[Finding], rules: ProgramRules
) -> list[Ranked]:
    """``ranked`` with the main capacity of every finding first (so each finding is answered
    before secondary or baseline capacities take session time), then the rest, in rank order.

    The main capacity is the first one a finding lists (or the first of the rules' mapping).
    """
    main = {
        caps[0]
        for f in findings
        if f.severity is not Severity.INFO and (caps := finding_capacities(f, rules))
    }
    return [r for r in ranked if r.capacity in main] + [r for r in ranked if r.capacity not in main]


@dataclass(frozen=True)
class PathSpec:
    """How to walk a ladder: level caps (``start``: the highest starting rung, ``top``: the highest
    rung to climb to, None for no cap), starting sets, the phase's set cap, how many steps to plan,
    which categories count, and whether exercises dosed in minutes are left out."""

    start_level: int
    top_level: int | None
    sets: int
    sets_max: int | None
    max_steps: int
    categories: frozenset[Category]
    no_minutes: bool = False


def _rungs(library: Library, root: str, c: Constraints, spec: PathSpec) -> list[Exercise]:
    return [
        ex
        for ex in library.ladder(root)
        if ex.category in spec.categories
        and c.allows(ex)
        and (spec.top_level is None or ex.level <= spec.top_level)
        and not (spec.no_minutes and ex.dosage.minutes is not None)
    ]


def ladder_path(
    library: Library, root: str, c: Constraints, spec: PathSpec
) -> tuple[tuple[Step, ...], int] | None:
    """The dose path along one ladder and the index of its starting step, or None if no rung fits.

    The path holds the starting dose of one allowed rung below the start (where a regression
    lands), then the start rung and the rungs above it up to ``spec.top_level``, each from its
    start dose through its volume steps (`dosage.volume_steps`); it stops ``spec.max_steps``
    steps after the start. Rungs the
    runner may not do are skipped: tags are inherited up a ladder, so only missing equipment can
    leave a gap, and stepping over it is a normal progression.
    """
    rungs = _rungs(library, root, c, spec)
    starts = [i for i, ex in enumerate(rungs) if ex.level <= spec.start_level]
    if not starts:
        return None
    first = max(starts[-1] - 1, 0)
    steps: list[Step] = []
    start_index = 0
    for i, ex in enumerate(rungs[first:], start=first):
        if i == starts[-1]:
            start_index = len(steps)
        dose: Dose = start_dose(ex.dosage, sets=spec.sets, sets_max=spec.sets_max)
        steps.append(
            Step(exercise_id=ex.id, dose=dose, change="start" if not steps else "exercise")
        )
        if i < starts[-1]:
            continue  # the easier rung: its starting dose only, never more work than the start
        for nxt, variable in volume_steps(ex.dosage, dose, sets_max=spec.sets_max):
            steps.append(Step(exercise_id=ex.id, dose=nxt, change=variable))
    return tuple(steps[: start_index + spec.max_steps + 1]), start_index


def pick_ladder(
    library: Library, capacity: Capacity, c: Constraints, spec: PathSpec, *, used: set[str]
) -> tuple[tuple[Step, ...], int] | None:
    """The path on the first usable ladder of ``capacity`` whose exercises are not ``used`` yet."""
    for root in library.ladders.get(capacity, ()):
        found = ladder_path(library, root, c, spec)
        if found is not None and not {s.exercise_id for s in found[0]} & used:
            return found
    return None
