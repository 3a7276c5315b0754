"""The generator: findings + triage + preferences -> a 6-12 week program (pure, deterministic).

Triage gates everything. EMERGENCY and URGENT get the referral only: no sessions, no running
advice. SOON pauses the program: the runner gets the advice to see a GP or physio and, clearly
labelled, a gentle routine of level-1 mobility and relaxation for the weeks until that visit, with
no progression beyond it and no running build-up. RADICULAR gets low-load work only (no weights,
nothing above level 2, never impact or loaded flexion) and the walk-run plan. Otherwise:

1. capacities are ranked from the findings and the baselines (`select.priorities`);
2. each capacity, highest first, gets one slot on its first usable ladder, while the session fits
   the runner's minutes; mobility capacities go to the short routine after runs;
3. the weeks are laid out (a gentle first week in a flare, every 4th week lighter, a race week
   lighter), and `progression.replay` fills every session with its dose, one step every two good
   sessions: the weekly progression a runner sees;
4. running advice: a return-to-run plan in the acute / subacute phase or the RADICULAR tier,
   technique and load cues otherwise; exercise cards; what was left out and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from backstride.findings import Capacity
from backstride.program.cards import build_cards
from backstride.program.cues import active_codes, load_cues, technique_cues
from backstride.program.exercise import Category
from backstride.program.library import Library, load_library
from backstride.program.models import (
    Focus,
    InputSummary,
    PostRunItem,
    Program,
    ProgramInput,
    RunningAdvice,
    Session,
    Slot,
    Week,
    Why,
)
from backstride.program.progression import LIGHTER_KINDS, projected_durations, replay
from backstride.program.return_to_run import return_to_run_plan, return_to_run_reason
from backstride.program.rules import Profile, ProgramRules, RulesVersion, load_rules
from backstride.program.select import (
    Constraints,
    PathSpec,
    Ranked,
    constraints_for,
    coverage_order,
    exclusions,
    pick_ladder,
    priorities,
)
from backstride.symptoms.models import SeedPhase, Tier, Triage

STRENGTH_CATEGORIES = frozenset({Category.STRENGTH, Category.RELAXATION})
WARMUP = (
    "{minutes} min warm-up: brisk walking or marching on the spot, then easy arm and leg swings."
)
PAUSED_NOTE = (
    "Paused: see a GP or physio before you start a strength program. Until then, only this "
    "gentle routine, and only if it feels comfortable; stop anything that hurts."
)


def choose_profile(triage: Triage, rules: ProgramRules) -> tuple[str, Profile]:
    """The dosage profile: RADICULAR first, then the seed's phase (acute counts as subacute
    after its gentle first week), then "none" when there is no current episode."""
    if triage.tier is Tier.RADICULAR:
        name = "radicular"
    elif triage.phase is None:
        name = "none"
    elif triage.phase.seed is SeedPhase.CHRONIC:
        name = "chronic"
    else:
        name = "subacute"
    return name, rules.profiles[name]


def program_length(
    start: date, goal_race: date | None, weeks: int | None, rules: ProgramRules
) -> tuple[int, int | None, list[str]]:
    """Weeks in the program, the week of the goal race (if inside it), and notes.

    Examples
    --------
    >>> rules = load_rules()[0]
    >>> program_length(date(2026, 3, 2), date(2026, 4, 12), None, rules)[:2]
    (6, 6)
    >>> program_length(date(2026, 3, 2), None, None, rules)
    (8, None, [])
    """
    notes: list[str] = []
    if goal_race is None:
        return weeks or rules.weeks.default, None, notes
    race_week = (goal_race - start).days // 7 + 1
    count = weeks or min(max(race_week, rules.weeks.min), rules.weeks.max)
    if race_week > count:
        notes.append(
            f"Your race on {goal_race} is after these {count} weeks: re-test and plan the next "
            "block before then."
        )
        return count, None, notes
    if race_week < count:
        notes.append(
            f"Your race on {goal_race} falls in week {race_week}; the program goes on after it."
        )
    return count, race_week, notes


def week_kinds(count: int, *, gentle_weeks: int, race_week: int | None, every: int) -> list[str]:
    """The kind of each week: gentle, race (lighter), lighter (every ``every``-th), or build.

    Examples
    --------
    >>> week_kinds(8, gentle_weeks=1, race_week=None, every=4)
    ['gentle', 'build', 'build', 'lighter', 'build', 'build', 'build', 'lighter']
    """
    kinds = []
    for week in range(1, count + 1):
        if week <= gentle_weeks:
            kinds.append("gentle")
        elif week == race_week:
            kinds.append("race")
        elif week % every == 0:
            kinds.append("lighter")
        else:
            kinds.append("build")
    return kinds


WEEK_NOTES = {
    "gentle": "Gentle week: easy movement and relaxation only.",
    "race": "Race week: lighter sessions; skip the session in the two days before the race.",
    "lighter": "Lighter week: one set fewer to let the body adapt.",
    "build": "Build week.",
}


def schedule(start: date, weekdays: Sequence[int], kinds: Sequence[str]) -> tuple[Week, ...]:
    """Weeks with dated, still empty sessions: week ``w`` spans ``start + 7(w-1)`` to ``+6``."""
    weeks = []
    for w, kind in enumerate(kinds, start=1):
        first = start + timedelta(days=7 * (w - 1))
        days = (first + timedelta(days=d) for d in range(7))
        dates = [d for d in days if d.weekday() in weekdays]
        sessions = tuple(
            Session(
                key=f"w{w}s{n}",
                week=w,
                number=n,
                on=on,
                kind="gentle" if kind == "gentle" else "strength",
                minutes=0,
                items=(),
            )
            for n, on in enumerate(dates, start=1)
        )
        weeks.append(Week(number=w, kind=kind, note=WEEK_NOTES[kind], sessions=sessions))
    return tuple(weeks)


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


def running_advice(inp: ProgramInput, rules: ProgramRules) -> RunningAdvice:
    """A return-to-run plan when the phase or tier calls for it, else technique and load cues."""
    codes = active_codes(inp.findings)
    cadence, cues = technique_cues(
        codes, inp.metrics, trail_runner=inp.trail_runner, rules=rules.running
    )
    reason = return_to_run_reason(inp.triage, rules.return_to_run)
    if reason is not None:
        plan = return_to_run_plan(reason, trail_runner=inp.trail_runner, rule=rules.return_to_run)
        return RunningAdvice(
            mode="return_to_run",
            note="A walk-run plan instead of normal training: " + reason + ".",
            framing=rules.running.framing,
            cadence=cadence,
            cues=cues,
            return_to_run=plan,
        )
    return RunningAdvice(
        mode="cues",
        note="Technique cues from your measurements, and load cues from your training.",
        framing=rules.running.framing,
        cadence=cadence,
        cues=cues,
        load_cues=load_cues(codes, rules.running),
    )


def _summary(inp: ProgramInput) -> InputSummary:
    return InputSummary(
        findings=tuple(sorted(f"{f.code} ({f.severity.value})" for f in inp.findings)),
        metrics=dict(sorted(inp.metrics.items())),
        trail_runner=inp.trail_runner,
        triage_ruleset=f"{inp.triage.ruleset_version}+{inp.triage.ruleset_hash[:12]}",
    )


def _versions(library: Library, version: RulesVersion) -> dict[str, RulesVersion]:
    return {
        "library": RulesVersion(version=library.version, content_hash=library.content_hash),
        "rules": version,
    }


def _referral(inp: ProgramInput, library: Library, version: RulesVersion) -> Program:
    """EMERGENCY / URGENT: the referral, and nothing else."""
    triage = inp.triage
    return Program(
        runner=inp.runner,
        status="referral",
        tier=triage.tier,
        action=triage.action,
        phase=triage.phase,
        symptom_tags=tuple(sorted(triage.tags)),
        profile="referral",
        profile_label="No program: see a clinician first",
        effort="",
        start=inp.preferences.start,
        weeks_count=0,
        goal_race=inp.preferences.goal_race,
        preferences=inp.preferences,
        warmup="",
        focus=(),
        excluded=(),
        slots=(),
        weeks=(),
        post_run=(),
        running=RunningAdvice(mode="none", note="No running advice: follow the referral first."),
        cards=(),
        notes=(f"No program and no running advice. {triage.action}",),
        inputs=_summary(inp),
        **_versions(library, version),
    )


def _skeleton(
    inp: ProgramInput,
    *,
    status: str,
    profile: tuple[str, Profile],
    slots: list[Slot],
    weeks: tuple[Week, ...],
    parts: dict[str, object],
    library: Library,
    version: RulesVersion,
) -> Program:
    triage = inp.triage
    return Program(
        runner=inp.runner,
        status=status,
        tier=triage.tier,
        action=triage.action,
        phase=triage.phase,
        symptom_tags=tuple(sorted(triage.tags)),
        profile=profile[0],
        profile_label=profile[1].label,
        effort=profile[1].effort,
        start=inp.preferences.start,
        weeks_count=len(weeks),
        goal_race=inp.preferences.goal_race,
        preferences=inp.preferences,
        slots=tuple(slots),
        weeks=weeks,
        inputs=_summary(inp),
        **parts,
        **_versions(library, version),
    )


def _paused(
    inp: ProgramInput, library: Library, rules: ProgramRules, version: RulesVersion
) -> Program:
    """SOON: the advice first; a gentle, labelled routine until the clinician visit."""
    c = constraints_for(
        inp.triage, inp.preferences.equipment, library, weights_ok=False, gentle=True
    )
    count = rules.paused_weeks
    slots = gentle_slots(library, c, rules, weeks=(1, count))
    kinds = ["gentle"] * count
    weeks = schedule(inp.preferences.start, inp.preferences.session_weekdays(), kinds)
    parts: dict[str, object] = {
        "warmup": "",
        "focus": (),
        "excluded": exclusions(library, c),
        "post_run": (),
        "running": RunningAdvice(
            mode="none",
            note="Keep your running where it is comfortable and do not build it up until you "
            "have seen a GP or physio.",
        ),
        "cards": build_cards(slots, (), library),
        "notes": (PAUSED_NOTE, inp.triage.action),
    }
    return _skeleton(
        inp,
        status="paused",
        profile=(
            "paused",
            rules.profiles["subacute"].model_copy(
                update={
                    "label": "Paused until you have seen a GP or physio",
                    "effort": "at most 3 of 10",
                }
            ),
        ),
        slots=slots,
        weeks=weeks,
        parts=parts,
        library=library,
        version=version,
    )


def _active(
    inp: ProgramInput, library: Library, rules: ProgramRules, version: RulesVersion
) -> Program:
    prefs = inp.preferences
    profile = choose_profile(inp.triage, rules)
    c = constraints_for(inp.triage, prefs.equipment, library, weights_ok=profile[1].weights)
    count, race_week, notes = program_length(prefs.start, prefs.goal_race, prefs.weeks, rules)
    gentle_weeks = 1 if inp.triage.phase is not None and inp.triage.phase.flare else 0
    experience = rules.experience[prefs.experience.value]
    kinds = week_kinds(
        count, gentle_weeks=gentle_weeks, race_week=race_week, every=rules.lighter_every_weeks
    )
    weekdays = prefs.session_weekdays()
    full_sessions = len(weekdays) * kinds.count("build")
    sets_max = profile[1].sets_max
    if prefs.minutes_per_session < rules.short_session_minutes:
        sets_max = min(sets_max or rules.short_session_sets_max, rules.short_session_sets_max)
    spec = PathSpec(
        start_level=min(experience.start_level, profile[1].start_level or 5),
        top_level=profile[1].max_level,
        sets=experience.sets,
        sets_max=sets_max,
        max_steps=min(rules.max_steps, -(-full_sessions // rules.progression.sessions_to_progress)),
        categories=STRENGTH_CATEGORIES,
    )
    ranked = priorities(
        inp.findings,
        rules,
        trail_runner=inp.trail_runner,
        extra=rules.post_run_baseline,
        extra_kind="post_run",
    )
    budget_s = (prefs.minutes_per_session - rules.warmup_minutes) * 60.0
    slots, left_out = strength_slots(
        coverage_order(ranked, inp.findings, rules),
        library,
        c,
        spec,
        budget_s=budget_s,
        weeks=(gentle_weeks + 1, count),
        lighter_weeks=[
            kind in LIGHTER_KINDS for kind in kinds if kind != "gentle" for _ in weekdays
        ],
        rules=rules,
    )
    if gentle_weeks:
        gentle_c = constraints_for(
            inp.triage, prefs.equipment, library, weights_ok=False, gentle=True
        )
        slots = gentle_slots(library, gentle_c, rules, weeks=(1, gentle_weeks)) + slots
        notes.insert(
            0,
            "Week 1 is gentle: the first 72 hours of a flare call for gentle movement "
            "and relaxation (seed 003).",
        )
    post_run = post_run_routine(ranked, library, c, rules)
    parts: dict[str, object] = {
        "warmup": WARMUP.format(minutes=rules.warmup_minutes),
        "focus": focus_entries(ranked, slots, post_run, left_out, library),
        "excluded": exclusions(library, c),
        "post_run": tuple(post_run),
        "running": running_advice(inp, rules),
        "cards": build_cards(slots, post_run, library),
        "notes": tuple(notes),
    }
    return _skeleton(
        inp,
        status="active",
        profile=profile,
        slots=slots,
        weeks=schedule(prefs.start, prefs.session_weekdays(), kinds),
        parts=parts,
        library=library,
        version=version,
    )


def generate(
    inp: ProgramInput,
    *,
    library: Library | None = None,
    rules: tuple[ProgramRules, RulesVersion] | None = None,
) -> Program:
    """The program for ``inp``: a referral, a paused gentle routine, or a 6-12 week program.

    Deterministic: the same input gives an identical program (and identical JSON).

    Examples
    --------
    >>> from backstride.program.models import Preferences
    >>> from backstride.symptoms.models import Triage, Tier
    >>> triage = Triage(tier=Tier.SELF_MANAGE, action="Guidance is appropriate.",
    ...                 ruleset_version="1", ruleset_hash="abc")
    >>> p = generate(ProgramInput(triage=triage, preferences=Preferences(start=date(2026, 3, 2))))
    >>> p.status, p.weeks_count, len(p.sessions())
    ('active', 8, 16)
    >>> [s.key for s in p.slots][:2]
    ['deep_core', 'anti_rotation']
    """
    library = library or load_library()
    rules_, version = rules or load_rules()
    if not inp.triage.tier.allows_program:
        return _referral(inp, library, version)
    if inp.triage.tier is Tier.SOON:
        base = _paused(inp, library, rules_, version)
    else:
        base = _active(inp, library, rules_, version)
    return replay(base, {}, library=library, rules=rules_, rules_version=version)
