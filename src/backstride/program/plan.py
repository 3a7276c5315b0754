"""The generator: findings + triage + preferences -> a 6-12 week program (pure, deterministic).

Triage gates everything. EMERGENCY and URGENT get the referral only: no sessions, no running
advice. SOON pauses the program: the runner gets the advice to see a GP or physio and, clearly
labelled, a gentle routine of level-1 mobility and relaxation for the weeks until that visit, with
no progression beyond it and no running build-up. RADICULAR gets low-load work only (no weights,
nothing above level 2, never impact or loaded flexion) and the walk-run plan. Otherwise:

1. capacities are ranked from the findings and the baselines (`select.priorities`);
2. the main capacity of every finding first, then the rest by priority, each gets one slot on its
   first usable ladder while the projected sessions fit the runner's minutes (`slots`); mobility
   capacities go to the short routine after runs;
3. the weeks are laid out (`schedule`: a gentle first week in a flare, every 4th week lighter, a
   race week lighter), and `progression.replay` fills every session with its dose, one step
   every two good sessions: the weekly progression a runner sees;
4. running advice: a return-to-run plan in the acute / subacute phase or the RADICULAR tier,
   technique and load cues otherwise; exercise cards; what was left out and why.
"""

from __future__ import annotations

from backstride.program.cards import build_cards
from backstride.program.cues import active_codes, load_cues, technique_cues
from backstride.program.library import Library, load_library
from backstride.program.models import InputSummary, Program, ProgramInput, RunningAdvice, Slot, Week
from backstride.program.progression import LIGHTER_KINDS, replay
from backstride.program.return_to_run import return_to_run_plan, return_to_run_reason
from backstride.program.rules import Profile, ProgramRules, RulesVersion, load_rules
from backstride.program.schedule import program_length, schedule, week_kinds
from backstride.program.select import (
    PathSpec,
    constraints_for,
    coverage_order,
    exclusions,
    priorities,
)
from backstride.program.slots import (
    STRENGTH_CATEGORIES,
    focus_entries,
    gentle_slots,
    post_run_routine,
    strength_slots,
)
from backstride.symptoms.models import SeedPhase, Tier, Triage

WARMUP = (
    "{minutes} min warm-up: brisk walking or marching on the spot, then easy arm and leg swings."
)
FLARE_NOTE = (
    "Week 1 is gentle: the first 72 hours of a flare call for gentle movement and relaxation "
    "(seed 003)."
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
        "notes": (PAUSED_NOTE,),
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


def _path_spec(
    inp: ProgramInput, profile: Profile, kinds: list[str], rules: ProgramRules
) -> PathSpec:
    """Where the ladders start and how far they go: experience and phase caps, fewer sets in
    short sessions, and as many steps as the program's full sessions can climb."""
    prefs = inp.preferences
    experience = rules.experience[prefs.experience.value]
    sets_max = profile.sets_max
    if prefs.minutes_per_session < rules.short_session_minutes:
        sets_max = min(sets_max or rules.short_session_sets_max, rules.short_session_sets_max)
    full_sessions = len(prefs.session_weekdays()) * kinds.count("build")
    reach = -(-full_sessions // rules.progression.sessions_to_progress)
    return PathSpec(
        start_level=min(experience.start_level, profile.start_level or 5),
        top_level=profile.max_level,
        sets=experience.sets,
        sets_max=sets_max,
        max_steps=min(rules.max_steps, reach),
        categories=STRENGTH_CATEGORIES,
    )


def _active(
    inp: ProgramInput, library: Library, rules: ProgramRules, version: RulesVersion
) -> Program:
    """SELF_MANAGE and RADICULAR: the full program."""
    prefs = inp.preferences
    profile = choose_profile(inp.triage, rules)
    c = constraints_for(inp.triage, prefs.equipment, library, weights_ok=profile[1].weights)
    count, race_week, notes = program_length(prefs.start, prefs.goal_race, prefs.weeks, rules)
    gentle_weeks = 1 if inp.triage.phase is not None and inp.triage.phase.flare else 0
    kinds = week_kinds(
        count, gentle_weeks=gentle_weeks, race_week=race_week, every=rules.lighter_every_weeks
    )
    ranked = priorities(
        inp.findings,
        rules,
        trail_runner=inp.trail_runner,
        extra=rules.post_run_baseline,
        extra_kind="post_run",
    )
    slots, left_out = strength_slots(
        coverage_order(ranked, inp.findings, rules),
        library,
        c,
        _path_spec(inp, profile[1], kinds, rules),
        budget_s=(prefs.minutes_per_session - rules.warmup_minutes) * 60.0,
        weeks=(gentle_weeks + 1, count),
        lighter_weeks=[
            k in LIGHTER_KINDS for k in kinds if k != "gentle" for _ in prefs.session_weekdays()
        ],
        rules=rules,
    )
    if profile[1].note:
        notes.append(profile[1].note)
    if gentle_weeks:
        gentle_c = constraints_for(
            inp.triage, prefs.equipment, library, weights_ok=False, gentle=True
        )
        slots = gentle_slots(library, gentle_c, rules, weeks=(1, gentle_weeks)) + slots
        notes.insert(0, FLARE_NOTE)
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
    weeks = schedule(prefs.start, prefs.session_weekdays(), kinds)
    return _skeleton(
        inp,
        status="active",
        profile=profile,
        slots=slots,
        weeks=weeks,
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
    >>> from datetime import date
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
