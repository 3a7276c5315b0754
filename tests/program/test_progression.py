"""Progression from feedback: the pain-monitoring rule table, and replaying logs on a program."""

from __future__ import annotations

import pytest

from backstride.errors import InputError, ValidationError
from backstride.program.library import load_library
from backstride.program.models import LogEntry, Program
from backstride.program.plan import generate
from backstride.program.progression import SlotState, decide, keys_to_log, replay
from backstride.program.rules import load_rules
from tests.program.conftest import make_input

RULES, VERSION = load_rules()
LIB = load_library()


def log(effort: int = 4, pain: int = 1, morning: str = "same", **kw: object) -> LogEntry:
    return LogEntry(done=True, effort=effort, pain=pain, morning=morning, **kw)


RULE_TABLE = [
    # entry, state before, history, lighter week, action, state after, reason fragment, why
    (log(), SlotState(3, 0), [], False, "hold", SlotState(3, 1, 3), "1 of 2",
     "first good session: progress needs two in a row"),
    (log(), SlotState(3, 1), [1], False, "progress", SlotState(4, 0, 3), "one step up",
     "second good session in a row: one step, one variable"),
    (log(pain=3, effort=6), SlotState(3, 1), [1], False, "progress", SlotState(4, 0, 3),
     "one step up", "pain 3 and effort 6 are still inside the limits"),
    (log(pain=4), SlotState(3, 1), [1], False, "hold", SlotState(3, 0, 3), "pain 4/10",
     "pain 4-5: hold (pain-monitoring model)"),
    (log(pain=5), SlotState(3, 1), [], False, "hold", SlotState(3, 0, 3), "pain 5/10",
     "5 is still acceptable: hold, not regress"),
    (log(pain=6), SlotState(3, 1), [], False, "regress", SlotState(2, 0, 3), "above 5/10",
     "pain above 5: too much, one step back"),
    (log(morning="worse"), SlotState(3, 1), [], False, "regress", SlotState(2, 0, 3),
     "next morning was worse", "must settle by the next morning"),
    (log(leg_symptoms=True), SlotState(3, 1), [], False, "regress", SlotState(2, 0, 3),
     "new leg symptoms", "new leg symptoms: regress"),
    (log(effort=7), SlotState(3, 1), [], False, "hold", SlotState(3, 0, 3), "effort 7/10",
     "effort above 6: not ready for more"),
    (log(morning="unknown"), SlotState(3, 1), [], False, "hold", SlotState(3, 0, 3),
     "next-morning response is not known", "no progress without a settled 24 h response"),
    (log(pain=3), SlotState(3, 1), [1, 2], False, "hold", SlotState(3, 0, 3), "pain rose",
     "1, 2, 3: an upward trend holds even inside the limits"),
    (log(), SlotState(3, 1), [], True, "hold", SlotState(3, 1, None), "lighter week",
     "a lighter week never progresses and keeps the streak"),
    (log(pain=7), SlotState(0, 1), [], False, "regress", SlotState(0, 0, 0), "easiest planned",
     "already at the bottom: stays there"),
    (log(), SlotState(9, 1), [], False, "hold", SlotState(9, 0, 9), "top of the planned path",
     "at the top: nothing further to progress to"),
    (LogEntry(done=False), SlotState(3, 1, 2), [], False, "hold", SlotState(3, 1, 2),
     "not done", "a missed session changes nothing"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("entry", "before", "history", "light", "action", "after", "fragment", "why"), RULE_TABLE
)
def test_the_rule_table(
    entry: LogEntry,
    before: SlotState,
    history: list[int],
    light: bool,
    action: str,
    after: SlotState,
    fragment: str,
    why: str,
) -> None:
    d = decide(entry, state=before, last_step=9, history=history, lighter_week=light, rules=RULES)
    assert (d.action, d.state) == (action, after), why
    assert fragment in d.reason


@pytest.fixture(scope="module")
def base() -> Program:
    return generate(make_input())


def _steps(program: Program, key: str) -> dict[str, int]:
    session = next(s for s in program.sessions() if s.key == key)
    return {i.slot: i.step for i in session.items}


def test_replay_without_logs_is_the_generated_program(base: Program) -> None:
    assert replay(base, {}, library=LIB, rules=RULES, rules_version=VERSION) == base


def test_two_sessions_above_pain_5_regress_twice_and_advise_a_clinician(base: Program) -> None:
    logs = {"w1s1": log(pain=7), "w1s2": log(pain=6)}
    p = replay(base, logs, library=LIB, rules=RULES, rules_version=VERSION)
    start = {s.key: s.start for s in base.slots}
    assert _steps(p, "w2s1") == {k: max(v - 2, 0) for k, v in start.items()}
    assert [c.action for c in p.changes] == ["regress"] * (2 * len(base.slots))
    assert all(c.move for c in p.changes if c.from_step != c.to_step)
    assert any("2 sessions in a row" in a and "GP or physio" in a for a in p.advice)
    assert [s.status for s in p.sessions()[:3]] == ["done", "done", "planned"]


def test_good_sessions_progress_as_planned(base: Program) -> None:
    """Logging exactly what the plan assumed gives the same coming sessions as the plan."""
    logs = {k: log() for k in ("w1s1", "w1s2", "w2s1")}
    p = replay(base, logs, library=LIB, rules=RULES, rules_version=VERSION)
    for later in ("w2s2", "w3s1", "w5s2"):
        assert _steps(p, later) == _steps(base, later)
    assert {c.action for c in p.changes if c.session == "w1s2"} == {"progress"}


def test_a_hold_shifts_the_coming_progression(base: Program) -> None:
    logs = {"w1s1": log(), "w1s2": log(pain=4)}
    p = replay(base, logs, library=LIB, rules=RULES, rules_version=VERSION)
    start = {s.key: s.start for s in base.slots}
    assert _steps(p, "w2s1") == start  # no step up after the hold
    assert _steps(p, "w3s1") == {k: v + 1 for k, v in start.items()}


def test_leg_symptoms_advise_a_new_check_in(base: Program) -> None:
    p = replay(
        base, {"w1s1": log(leg_symptoms=True)}, library=LIB, rules=RULES, rules_version=VERSION
    )
    assert any("backstride checkin" in a for a in p.advice)


def test_every_change_records_the_rules_version(base: Program) -> None:
    p = replay(base, {"w1s1": log()}, library=LIB, rules=RULES, rules_version=VERSION)
    assert {c.rules_version for c in p.changes} == {f"{RULES.version}+{VERSION.content_hash[:12]}"}


def test_logs_must_cover_the_first_sessions_in_order(base: Program) -> None:
    with pytest.raises(ValueError, match="logged after an unlogged session"):
        replay(base, {"w1s2": log()}, library=LIB, rules=RULES, rules_version=VERSION)
    with pytest.raises(ValueError, match="unknown sessions"):
        replay(
            base, {"w1s1": log(), "w99s1": log()}, library=LIB, rules=RULES, rules_version=VERSION
        )


def test_keys_to_log(base: Program) -> None:
    assert keys_to_log(base, {}, None) == ["w1s1"]
    assert keys_to_log(base, {}, "w2s1") == ["w1s1", "w1s2", "w2s1"]  # missed ones come along
    assert keys_to_log(base, {"w1s1": log()}, None) == ["w1s2"]
    with pytest.raises(ValidationError, match="'w1s1' is already logged"):
        keys_to_log(base, {"w1s1": log()}, "w1s1")
    with pytest.raises(ValidationError, match="'w0s9' is not a session of this program"):
        keys_to_log(base, {}, "w0s9")
    everything = {s.key: log() for s in base.sessions()}
    with pytest.raises(InputError, match="every session of this program is logged"):
        keys_to_log(base, everything, None)


def test_a_done_log_needs_scores() -> None:
    with pytest.raises(ValueError, match="needs effort and pain"):
        LogEntry(done=True, pain=2)
