"""The walk-run plan's next phase from the pain log: each rule, one case each."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from backstride.program.rules import load_rules
from backstride.program.walk_run import walk_run_status
from backstride.symptoms.painlog import PainEntry
from backstride.symptoms.ruleset import load_ruleset

PARAMS = load_ruleset().pain_monitoring
START = date(2026, 3, 2)


def runs(*logged: tuple[int, int | None, str | None]) -> list[PainEntry]:
    """(phase, pain during, next morning) per run, every other day."""
    return [
        PainEntry(
            entry_date=START + timedelta(days=2 * i),
            walk_run_phase=phase,
            pain_during=pain,
            next_morning=morning,
        )
        for i, (phase, pain, morning) in enumerate(logged)
    ]


@pytest.mark.parametrize(
    ("logged", "verdict", "next_phase", "tolerated"),
    [
        ((), "start", 1, 0),
        (((1, 2, "same"),), "repeat", 1, 1),
        (((1, 2, "same"), (1, 5, "better")), "move_up", 2, 0),  # 5/10 is still acceptable
        (((1, 2, "same"), (1, 6, "same")), "step_back", 1, 0),  # above 5: too much
        (((1, 2, "same"), (1, 2, "same"), (2, 1, "worse")), "step_back", 1, 0),
        (((1, 2, "same"), (1, 2, None)), "wait_for_morning", 1, 1),  # the morning decides
        (((1, 2, None), (1, 2, "same")), "repeat", 1, 1),  # a run without its morning never counts
        (((5, 2, "same"), (5, 2, "same"), (6, 2, "same"), (6, 3, "same")), "done", 6, 2),
    ],
)
def test_each_rule(
    logged: tuple[tuple[int, int | None, str | None], ...],
    verdict: str,
    next_phase: int,
    tolerated: int,
) -> None:
    status = walk_run_status(runs(*logged), phases=6, repeats=2, params=PARAMS)
    assert (status.verdict, status.next_phase, status.tolerated) == (verdict, next_phase, tolerated)


def test_entries_without_a_phase_are_not_runs_and_notes_are_kept() -> None:
    days_off = [PainEntry(entry_date=START, pain_after=8)]  # a bad day, not a walk-run
    status = walk_run_status(days_off, phases=6, repeats=2, params=PARAMS)
    assert status.verdict == "start"
    jumped = runs((3, 1, "same"))
    status = walk_run_status(jumped, phases=6, repeats=2, params=PARAMS)
    assert (
        status.next_phase == 3 and "phase 3 run before phase 1 was done 2 times" in status.notes[0]
    )


def test_the_packaged_rules_ask_for_each_phase_twice() -> None:
    rule = load_rules()[0].return_to_run
    assert rule.repeats_per_phase == 2 and len(rule.phases) == 6
    assert any("at least twice" in text for text in rule.rules)  # the words match the number
