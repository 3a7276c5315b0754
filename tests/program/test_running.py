"""Running advice: the cadence target, cues by finding, trail cues, return to run and when."""

from __future__ import annotations

import pytest

from backstride.program.cues import cadence_target, load_cues, technique_cues
from backstride.program.plan import generate
from backstride.program.return_to_run import (
    KM_PER_MILE,
    return_to_run_plan,
    return_to_run_reason,
)
from backstride.program.rules import load_rules
from tests.program.conftest import finding, make_input, triage

RULES = load_rules()[0]


@pytest.mark.parametrize(
    ("measured", "low", "high"),
    [
        (150.0, 158, 165),
        (160.0, 168, 176),
        (171.4, 180, 189),
        (180.0, 189, 190),  # +10% capped at 190
    ],
)
def test_cadence_target_is_plus_5_to_10_percent(measured: float, low: int, high: int) -> None:
    target = cadence_target(measured, RULES.running.cadence)
    assert target is not None
    assert (target.low_spm, target.high_spm, target.metronome_bpm) == (low, high, low)
    assert abs(target.low_spm - measured * 1.05) <= 0.5


def test_the_cadence_cue_carries_the_numbers() -> None:
    _, cues = technique_cues(
        frozenset({"overstride"}), {"cadence_spm": 160}, trail_runner=False, rules=RULES.running
    )
    text = cues[0].text
    assert cues[0].id == "cadence" and cues[0].triggers == ("overstride",)
    assert "from 160 to 168-176 steps per minute" in text and "metronome app to 168" in text


def test_trail_cues_only_for_trail_runners() -> None:
    road = technique_cues(frozenset(), {}, trail_runner=False, rules=RULES.running)[1]
    trail = technique_cues(frozenset(), {}, trail_runner=True, rules=RULES.running)[1]
    assert road == ()
    assert [c.id for c in trail] == ["poles_on_climbs", "descent_technique"]


def test_load_cues_follow_the_training_findings() -> None:
    cues = load_cues(frozenset({"monotony", "no_rest", "overstride"}), RULES.running)
    assert [c.id for c in cues] == ["rest_days", "vary_days"]


@pytest.mark.parametrize(
    ("tier", "days", "expected"),
    [
        ("SELF_MANAGE", 2, "started 2 days ago (acute phase)"),
        ("SELF_MANAGE", 30, "started 30 days ago (subacute phase)"),
        ("SELF_MANAGE", 43, None),  # beyond 6 weeks: cues, not walk-run
        ("SELF_MANAGE", None, None),  # no current episode
        ("RADICULAR", 200, "shows leg symptoms: build running back"),
    ],
)
def test_when_return_to_run_replaces_training_advice(
    tier: str, days: int | None, expected: str | None
) -> None:
    reason = return_to_run_reason(triage(tier, days=days), RULES.return_to_run)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and expected in reason


def test_the_walk_run_table_is_the_reference_table() -> None:
    plan = return_to_run_plan("x", trail_runner=True, rule=RULES.return_to_run)
    table = [(p.walk_min, p.run_min, p.total_mi, p.effort) for p in plan.phases]
    assert table == [
        (2, 3, 1.0, 3),
        (2, 3, 1.5, 3),
        (2, 4, 1.5, 4),
        (2, 4, 2.0, 4),
        (1, 4, 2.0, 5),
        (None, None, 2.0, 5),
    ]
    assert [p.total_km for p in plan.phases][:2] == [round(KM_PER_MILE, 1), 2.4]
    assert plan.trail_stages[0].startswith("Climbs first")
    assert plan.trail_stages[2].startswith("Descents last")
    assert any("at least twice" in r for r in plan.rules)
    assert any("30 minutes" in e for e in plan.entry)


def test_return_to_run_mode_has_no_normal_training_advice() -> None:
    p = generate(
        make_input(
            tri=triage(days=10),
            findings=[finding("weekly_ramp", "high"), finding("overstride", "moderate")],
            metrics={"cadence_spm": 165},
        )
    )
    assert p.running.mode == "return_to_run"
    assert p.running.load_cues == ()  # no training-load advice while returning
    assert p.running.return_to_run is not None and p.running.return_to_run.trail_stages == ()
    assert p.running.cadence is not None  # the technique cue stays, for continuous running
    assert "load management" in p.running.framing
