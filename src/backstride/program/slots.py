"""Filling the sessions: one strength slot per capacity while the sessions fit the runner's
minutes, the gentle slots (a flare's first week, the paused routine), the stretches after runs,
and what each capacity ended up covered by.
"""

from __future__ import annotations

from collections.abc import Sequence

from backstride.findings import Capacity
from backstride.program.exercise import Category
from backstride.program.library import Library
from backstride.program.models import Focus, PostRunItem, Slot, Why
from backstride.program.progression import projected_durations
from backstride.program.rules import ProgramRules
from backstride.program.select import Constraints, PathSpec, Ranked, pick_ladder

STRENGTH_CATEGORIES = frozenset({Category.STRENGTH, Category.RELAXATION})


def _capable(library: Library, capacity: Capacity, categories: frozenset[Category]) -> bool:
    return any(
        ex.category in categories
        for root in library.ladders.get(capacity, ())
        for ex in library.ladder(root)
    )


def strength_slots(
    ordered: Sequence[Ranked],
    library: Library,
    c: Constraints,
    spec: PathSpec,
    *,
    budget_s: float,
    weeks: tuple[int, int],
    lighter_weeks: Sequence[bool],
    rules: ProgramRules,
) -> tuple[list[Slot], dict[Capacity, str]]:
    """One slot per capacity in the given order while every projected session still fits
    ``budget_s`` (``lighter_weeks``: one flag per strength session); notes for those left out."""
    slots: list[Slot] = []
    notes: dict[Capacity, str] = {}
    used: set[str] = set()
    spent = [0.0] * len(lighter_weeks)
    for r in ordered:
        if not _capable(library, r.capacity, STRENGTH_CATEGORIES):
            continue
        found = pick_ladder(library, r.capacity, c, spec, used=used)
        if found is None:
            notes[r.capacity] = "no exercise fits your equipment, symptoms and phase"
            continue
        steps, start = found
        slot = Slot(
            key=r.capacity.value,
            capacity=r.capacity,
            role="strength",
            why=r.why,
            steps=steps,
            start=start,
            first_week=weeks[0],
            last_week=weeks[1],
        )
        need = projected_durations(slot, lighter_weeks, rules)
        total = [a + b for a, b in zip(spent, need, strict=True)]
        if slots and max(total, default=0.0) > budget_s:
            notes[r.capacity] = "left out to keep the session within your minutes"
            continue
        spent = total
        used |= {s.exercise_id for s in steps}
        slots.append(slot)
    return slots, notes


def gentle_slots(
    library: Library, c: Constraints, rules: ProgramRules, *, weeks: tuple[int, int]
) -> list[Slot]:
    """Level-1, no-impact, no-load movement and relaxation (a flare's first week, or SOON)."""
    spec = PathSpec(
        start_level=1,
        top_level=1,
        sets=2,
        sets_max=2,
        max_steps=0,
        categories=frozenset(Category),
    )
    slots: list[Slot] = []
    used: set[str] = set()
    for p in rules.gentle:
        found = pick_ladder(library, p.capacity, c, spec, used=used)
        if found is None:
            continue
        steps, start = found
        used |= {s.exercise_id for s in steps}
        why = Why(kind="gentle", code=p.code, text=p.text, source=p.source)
        slots.append(
            Slot(
                key=f"gentle_{p.capacity.value}",
                capacity=p.capacity,
                role="gentle",
                why=(why,),
                steps=steps[start : start + 1],
                start=0,
                first_week=weeks[0],
                last_week=weeks[1],
            )
        )
    return slots


def post_run_routine(
    ranked: Sequence[Ranked], library: Library, c: Constraints, rules: ProgramRules
) -> list[PostRunItem]:
    """Up to ``post_run.max_items`` stretches (level <= 2, held or repeated, never minutes long)
    for the mobility capacities in rank order; a second pass adds another ladder per capacity."""
    spec = PathSpec(
        start_level=2,
        top_level=2,
        sets=rules.post_run.sets,
        sets_max=rules.post_run.sets,
        max_steps=0,
        categories=frozenset({Category.MOBILITY}),
        no_minutes=True,
    )
    mobility = [r for r in ranked if _capable(library, r.capacity, spec.categories)]
    items: list[PostRunItem] = []
    used: set[str] = set()
    for r in mobility * 2:
        if len(items) >= rules.post_run.max_items:
            break
        found = pick_ladder(library, r.capacity, c, spec, used=used)
        if found is None:
            continue
        steps, start = found
        used |= {s.exercise_id for s in steps}
        dose = steps[start].dose
        hold = library[steps[start].exercise_id].dosage.hold_s
        if hold is not None:
            dose = dose.model_copy(
                update={"hold_s": min(max(rules.post_run.hold_s, hold[0]), hold[1])}
            )
        ex_id = steps[start].exercise_id
        items.append(
            PostRunItem(
                exercise_id=ex_id,
                name=library[ex_id].name,
                dose=dose,
                dose_text=dose.text(),
                why=r.why,
            )
        )
    return items


def focus_entries(
    ranked: Sequence[Ranked],
    slots: Sequence[Slot],
    post_run: Sequence[PostRunItem],
    notes: dict[Capacity, str],
    library: Library,
) -> tuple[Focus, ...]:
    """Every ranked capacity with what covers it (slots, post-run routine) or why nothing does."""
    post_caps = {cap for p in post_run for cap in library[p.exercise_id].capacities[:1]}
    out = []
    for r in ranked:
        covered = tuple(s.key for s in slots if s.capacity is r.capacity)
        if r.capacity in post_caps:
            covered += ("post_run",)
        note = "" if covered else notes.get(r.capacity, "not covered")
        out.append(
            Focus(capacity=r.capacity, score=r.score, why=r.why, covered_by=covered, note=note)
        )
    return tuple(out)
