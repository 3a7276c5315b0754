"""Progression from feedback: progress, hold or regress each exercise, and re-plan what comes.

The rule (`decide`) is the clinical reference's, after the pain-monitoring model (Silbernagel et
al. 2007, Am J Sports Med 35:897; Achilles tendinopathy, used pragmatically for low back pain):

- **regress** one step when pain during the session is above 5/10, the next morning is worse,
  or new leg symptoms appeared;
- **hold** when pain is 4-5/10, effort is above 6/10, the next-morning response is not known,
  or pain has risen over the last 3 sessions (no upward trend allowed);
- **progress** one step (ONE variable: repetitions, hold, minutes, sets, or the next exercise
  on the ladder) after 2 sessions in a row with effort <= 6, pain <= 3 and a settled morning;
  never during a lighter week.

`replay` applies the logged sessions in order from the generated program, recording every
decision with its reason, and projects the coming sessions assuming good sessions from there
(which is also how the first plan shows its weekly progression). Replaying from the start keeps
the stored program and its history consistent: the same logs always give the same program.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Literal

from backstride.errors import InputError, ValidationError
from backstride.program.dosage import Dose, duration_s, lighter
from backstride.program.library import Library
from backstride.program.models import Change, Item, LogEntry, Program, Session, Slot, Week
from backstride.program.rules import ProgramRules, RulesVersion

Action = Literal["progress", "hold", "regress"]
LIGHTER_KINDS = ("lighter", "race")


@dataclass(frozen=True)
class SlotState:
    """Where a slot stands: the step the next session uses, the good sessions in a row, and the
    step of the last full (not lighter) session, which a lighter week lightens."""

    step: int
    streak: int = 0
    last_full: int | None = None


@dataclass(frozen=True)
class Decision:
    """The outcome of one logged session for one slot."""

    action: Action
    state: SlotState
    reason: str


def _regress_reasons(entry: LogEntry, rules: ProgramRules) -> list[str]:
    p = rules.progression
    reasons = []
    if entry.pain is not None and entry.pain > p.hold_max_pain:
        reasons.append(f"pain {entry.pain}/10 during the session is above {p.hold_max_pain}/10")
    if entry.morning == "worse":
        reasons.append("the next morning was worse")
    if entry.leg_symptoms:
        reasons.append("new leg symptoms")
    return reasons


def _hold_reasons(entry: LogEntry, history: list[int], rules: ProgramRules) -> list[str]:
    p = rules.progression
    pain, effort = entry.pain or 0, entry.effort or 0
    reasons = []
    if pain > p.progress_max_pain:
        reasons.append(f"pain {pain}/10 (above {p.progress_max_pain}, at most {p.hold_max_pain})")
    if effort > p.progress_max_effort:
        reasons.append(f"effort {effort}/10 is above {p.progress_max_effort}/10")
    if entry.morning == "unknown":
        reasons.append("the next-morning response is not known yet")
    recent = [*history, pain][-p.trend_sessions :]
    if len(recent) == p.trend_sessions and all(a < b for a, b in pairwise(recent)):
        reasons.append(f"pain rose session after session ({', '.join(map(str, recent))})")
    return reasons


def decide(
    entry: LogEntry,
    *,
    state: SlotState,
    last_step: int,
    history: list[int],
    lighter_week: bool,
    rules: ProgramRules,
) -> Decision:
    """Progress, hold or regress one slot after one logged session.

    ``history`` holds the pain scores of the slot's earlier done sessions (for the trend rule);
    ``last_step`` is the top of the slot's path.

    Examples
    --------
    >>> from backstride.program.rules import load_rules
    >>> rules = load_rules()[0]
    >>> good = LogEntry(done=True, effort=5, pain=2, morning="same")
    >>> d = decide(good, state=SlotState(3, streak=1), last_step=9, history=[1],
    ...            lighter_week=False, rules=rules)
    >>> d.action, d.state
    ('progress', SlotState(step=4, streak=0, last_full=3))
    >>> bad = LogEntry(done=True, effort=5, pain=7, morning="same")
    >>> decide(bad, state=SlotState(3), last_step=9, history=[], lighter_week=False,
    ...        rules=rules).state
    SlotState(step=2, streak=0, last_full=3)
    """
    p = rules.progression
    if not entry.done:
        return Decision("hold", state, "session not done: nothing changes")
    state = replace(state, last_full=state.last_full if lighter_week else state.step)
    regress = _regress_reasons(entry, rules)
    if regress:
        if state.step == 0:
            why = "; ".join(regress) + ": already at the easiest planned step, keep it"
            return Decision("regress", replace(state, streak=0), why)
        why = "; ".join(regress) + ": one step back"
        return Decision("regress", replace(state, step=state.step - 1, streak=0), why)
    hold = _hold_reasons(entry, history, rules)
    if hold:
        return Decision("hold", replace(state, streak=0), "; ".join(hold) + ": keep the dose")
    if lighter_week:
        return Decision("hold", state, "good session in a lighter week: no step up this week")
    streak = state.streak + 1
    if streak < p.sessions_to_progress:
        why = f"good session ({streak} of {p.sessions_to_progress} in a row before the next step)"
        return Decision("hold", replace(state, streak=streak), why)
    if state.step >= last_step:
        why = "good sessions, and this is the top of the planned path: keep this dose"
        return Decision("hold", replace(state, streak=0), why)
    why = (
        f"{p.sessions_to_progress} sessions in a row with effort <= {p.progress_max_effort}/10, "
        f"pain <= {p.progress_max_pain}/10 and a settled next morning: one step up"
    )
    return Decision("progress", replace(state, step=state.step + 1, streak=0), why)


def assume_good(state: SlotState, *, last_step: int, lighter_week: bool, n: int) -> SlotState:
    """The projection: the state after a session that goes well (as `decide` would say)."""
    if lighter_week:
        return state
    streak = state.streak + 1
    if streak < n:
        return replace(state, streak=streak, last_full=state.step)
    return SlotState(min(state.step + 1, last_step), last_full=state.step)


def shown_step(slot: Slot, state: SlotState, *, lighter_week: bool) -> int:
    """The step a session shows: the state's step, except in a lighter week, which lightens the
    last full session's step (never a step not yet done, never a new exercise)."""
    step = state.step
    if not lighter_week:
        return step
    if state.last_full is not None:
        return min(step, state.last_full)
    if step > 0 and slot.steps[step].change == "exercise":
        return step - 1
    return step


def session_dose(slot: Slot, step: int, *, lighter_week: bool, rules: ProgramRules) -> Dose:
    """The dose of ``slot`` at ``step``; a lighter week takes a set (or 30% of the volume) off."""
    dose = slot.steps[step].dose
    if not lighter_week:
        return dose
    return lighter(
        dose, sets_minus=rules.lighter_sets_minus, volume_factor=rules.lighter_volume_factor
    )


def projected_durations(
    slot: Slot, lighter_weeks: Sequence[bool], rules: ProgramRules
) -> list[float]:
    """Seconds the slot takes in each of a run of sessions (True: in a lighter week), when every
    session goes well: what the plan shows, for fitting sessions into the runner's minutes."""
    state = SlotState(slot.start)
    out = []
    for lighter_week in lighter_weeks:
        step = shown_step(slot, state, lighter_week=lighter_week)
        out.append(duration_s(session_dose(slot, step, lighter_week=lighter_week, rules=rules)))
        state = assume_good(
            state,
            last_step=len(slot.steps) - 1,
            lighter_week=lighter_week,
            n=rules.progression.sessions_to_progress,
        )
    return out


def _items(
    slots: list[Slot],
    states: Mapping[str, SlotState],
    lighter_week: bool,
    lib: Library,
    rules: ProgramRules,
) -> tuple[Item, ...]:
    items = []
    for slot in slots:
        step = shown_step(slot, states[slot.key], lighter_week=lighter_week)
        dose = session_dose(slot, step, lighter_week=lighter_week, rules=rules)
        ex_id = slot.steps[step].exercise_id
        items.append(
            Item(
                slot=slot.key,
                step=step,
                exercise_id=ex_id,
                name=lib[ex_id].name,
                dose=dose,
                dose_text=dose.text(),
                lighter=lighter_week,
            )
        )
    return tuple(items)


def describe_move(slot: Slot, before: int, after: int, lib: Library) -> str:
    """``"2 x 8 -> 2 x 10"``, with the exercise names when the exercise changes."""
    a, b = slot.steps[before], slot.steps[after]
    if a.exercise_id != b.exercise_id:
        before_text = f"{lib[a.exercise_id].name} {a.dose.text()}"
        return f"{before_text} -> {lib[b.exercise_id].name} {b.dose.text()}"
    return f"{a.dose.text()} -> {b.dose.text()}"


@dataclass
class _Replay:
    """Mutable bookkeeping of one replay (local to `replay`)."""

    states: dict[str, SlotState]
    pains: dict[str, list[int]]
    changes: list[Change]
    advice: list[str]
    regress_run: int = 0
    seen_planned: bool = False


def _apply_log(
    session: Session,
    entry: LogEntry,
    slots: list[Slot],
    lighter_week: bool,
    r: _Replay,
    ctx: tuple[Library, ProgramRules, RulesVersion],
) -> None:
    lib, rules, version = ctx
    regressed = False
    for slot in slots:
        before = r.states[slot.key]
        d = decide(
            entry,
            state=before,
            last_step=len(slot.steps) - 1,
            history=r.pains[slot.key],
            lighter_week=lighter_week,
            rules=rules,
        )
        moved = d.state.step != before.step
        move = describe_move(slot, before.step, d.state.step, lib) if moved else ""
        variable = None
        if moved:
            higher = max(before.step, d.state.step)
            variable = slot.steps[higher].change
        r.changes.append(
            Change(
                session=session.key,
                slot=slot.key,
                action=d.action,
                from_step=before.step,
                to_step=d.state.step,
                from_exercise=slot.steps[before.step].exercise_id,
                to_exercise=slot.steps[d.state.step].exercise_id,
                variable=variable,
                reason=d.reason,
                move=move,
                rules_version=f"{version.version}+{version.content_hash[:12]}",
            )
        )
        r.states[slot.key] = d.state
        regressed |= d.action == "regress"
        if entry.done and entry.pain is not None:
            r.pains[slot.key].append(entry.pain)
    _advise(session, entry, regressed, r, rules)


def _advise(
    session: Session, entry: LogEntry, regressed: bool, r: _Replay, rules: ProgramRules
) -> None:
    if entry.leg_symptoms:
        r.advice.append(
            f"New leg symptoms after session {session.key} ({session.on}): re-do the check-in "
            "(`backstride checkin`) before the next session, and stop any exercise that sends "
            "symptoms down the leg."
        )
    if not entry.done:
        return
    r.regress_run = r.regress_run + 1 if regressed else 0
    if r.regress_run == rules.progression.repeat_regress_advice:
        r.advice.append(
            f"Pain went past the limit in {r.regress_run} sessions in a row (up to {session.key}): "
            "see a GP or physio before you continue, and re-do the check-in."
        )


def _replay_session(
    session: Session,
    entry: LogEntry | None,
    active: list[Slot],
    lighter_week: bool,
    r: _Replay,
    ctx: tuple[Library, ProgramRules, RulesVersion],
) -> Session:
    """One session as it stands: its items from the current states, then either the logged
    decisions or, for a coming session, the projection of a good one."""
    library, rules, _ = ctx
    items = _items(active, r.states, lighter_week, library, rules)
    minutes = rules.warmup_minutes + math.ceil(sum(duration_s(i.dose) for i in items) / 60)
    if entry is None:
        r.seen_planned = True
        for slot in active:
            r.states[slot.key] = assume_good(
                r.states[slot.key],
                last_step=len(slot.steps) - 1,
                lighter_week=lighter_week,
                n=rules.progression.sessions_to_progress,
            )
        status, log = "planned", None
    else:
        if r.seen_planned:
            raise ValueError(f"session {session.key} is logged after an unlogged session")
        _apply_log(session, entry, active, lighter_week, r, ctx)
        status, log = ("done" if entry.done else "skipped"), entry
    return session.model_copy(
        update={"items": items, "minutes": minutes, "status": status, "log": log}
    )


def replay(
    program: Program,
    logs: Mapping[str, LogEntry],
    *,
    library: Library,
    rules: ProgramRules,
    rules_version: RulesVersion,
) -> Program:
    """The program after the logged sessions, with its coming sessions re-planned.

    ``logs`` maps session keys to feedback and must cover the first sessions in order (a session
    the runner missed is logged as not done); a log after an unlogged session is a `ValueError`.
    """
    r = _Replay(
        states={s.key: SlotState(s.start) for s in program.slots},
        pains={s.key: [] for s in program.slots},
        changes=[],
        advice=[],
    )
    weeks: list[Week] = []
    for week in program.weeks:
        active = [s for s in program.slots if s.first_week <= week.number <= s.last_week]
        sessions = tuple(
            _replay_session(
                session,
                logs.get(session.key),
                active,
                week.kind in LIGHTER_KINDS,
                r,
                (library, rules, rules_version),
            )
            for session in week.sessions
        )
        weeks.append(week.model_copy(update={"sessions": sessions}))
    unknown = set(logs) - {s.key for w in program.weeks for s in w.sessions}
    if unknown:
        raise ValueError(f"logs for unknown sessions: {sorted(unknown)}")
    return program.model_copy(
        update={
            "weeks": tuple(weeks),
            "changes": tuple(r.changes),
            "advice": tuple(r.advice),
            "revision": len(logs),
        }
    )


def keys_to_log(program: Program, logged: Mapping[str, LogEntry], key: str | None) -> list[str]:
    """The sessions a new log covers: the next session not yet logged, or ``key`` together with
    every earlier session not yet logged (those were missed: they are logged as not done).

    Raises `InputError` for a referral, an unknown key, a session already logged, or a program
    with nothing left to log.
    """
    sessions = [s.key for s in program.sessions()]
    pending = [k for k in sessions if k not in logged]
    if not sessions:
        raise InputError(f"this program has no sessions to log (status: {program.status})")
    if not pending:
        raise InputError("every session of this program is logged; make a new one with `plan`")
    if key is None:
        return pending[:1]
    if key not in sessions:
        raise ValidationError(
            "session", f"{key!r} is not a session of this program ({sessions[0]}..{sessions[-1]})"
        )
    if key in logged:
        raise ValidationError("session", f"{key!r} is already logged")
    return pending[: pending.index(key) + 1]
