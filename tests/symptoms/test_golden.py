"""The golden-scenario table: every row's exact tier, phase, tags and fired rules."""

from __future__ import annotations

import pytest

from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.ruleset import load_ruleset
from backstride.symptoms.triage import triage
from tests.symptoms.golden import Scenario, scenarios, table, today

SCENARIOS = scenarios()


def _phase(result_phase: object) -> str:
    if result_phase is None:
        return "none"
    p = result_phase
    text = f"{p.seed.value}/{p.guideline.value}"  # type: ignore[attr-defined]
    return text + ("/flare" if p.flare else "")  # type: ignore[attr-defined]


def test_table_is_large_and_every_row_has_a_reason() -> None:
    assert len(SCENARIOS) >= 40
    ids = [s.id for s in SCENARIOS]
    assert len(ids) == len(set(ids))
    assert all(len(s.reason) > 20 for s in SCENARIOS)


def test_every_rule_fires_in_some_row() -> None:
    """The table exercises the whole rule set (a rule no row fires is untested)."""
    fired = {rule for s in SCENARIOS for rule in s.expect["fired"]}
    assert fired == {r.id for r in load_ruleset().rules}


def test_every_tier_and_tag_appears() -> None:
    assert {s.expect["tier"] for s in SCENARIOS} == {
        "EMERGENCY",
        "URGENT",
        "SOON",
        "RADICULAR",
        "SELF_MANAGE",
    }
    tags = {t for s in SCENARIOS for t in s.expect["tags"]}
    assert tags == {"flexion_intolerant", "extension_intolerant", "leg_symptoms", "load_sensitive"}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_golden_scenario(scenario: Scenario) -> None:
    result = triage(CheckIn.model_validate(scenario.answers), load_ruleset(), today())
    expect = scenario.expect
    got = {
        "tier": result.tier.value,
        "phase": _phase(result.phase),
        "tags": sorted(t.value for t in result.tags),
        "fired": sorted(r.id for r in result.fired),
    }
    want = {
        "tier": expect["tier"],
        "phase": expect["phase"],
        "tags": sorted(expect["tags"]),
        "fired": sorted(expect["fired"]),
    }
    assert got == want, scenario.reason
    if "soreness" in expect:
        assert result.soreness is not None
        assert result.soreness.kind.value == expect["soreness"], scenario.reason
    assert result.unanswered == ()
    assert result.decided_on == table()["today"]
