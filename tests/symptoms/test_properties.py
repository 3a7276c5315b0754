"""Safety properties of triage, over check-ins drawn the way a runner answers them."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.models import Tier, Triage
from backstride.symptoms.questions import load_questions, missing_questions
from backstride.symptoms.ruleset import load_ruleset
from backstride.symptoms.triage import IncompleteCheckInError, triage
from tests.symptoms.strategies import RED_FLAG_YES, TODAY, complete, complete_answers

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RULES = load_ruleset()
QUESTIONS = load_questions()
TRAUMA_ORDER = ["none", "minor", "significant"]
LEG_SIGNS = ["numbness", "pins_and_needles", "weakness"]


def decide(answers: dict[str, Any]) -> Triage:
    return triage(CheckIn.model_validate(answers), RULES, TODAY, QUESTIONS)


@st.composite
def red_flag_added(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any], str]:
    """A complete check-in, and the same check-in with one more red-flag answer (completed)."""
    before = draw(complete_answers())
    after = dict(before)
    kind = draw(st.sampled_from(["yes", "trauma", "legs", "leg_sign"]))
    if kind == "yes":
        item = draw(st.sampled_from(RED_FLAG_YES))
        after[item] = True
    elif kind == "trauma":
        level = TRAUMA_ORDER.index(after.get("trauma", "none"))
        item = "trauma"
        after[item] = draw(st.sampled_from(TRAUMA_ORDER[level:]))
    elif kind == "legs":
        item = "legs"
        after[item] = "both"
    else:
        item = "leg_symptoms"
        sign = draw(st.sampled_from(LEG_SIGNS))
        after[item] = list(dict.fromkeys([*after.get(item, []), sign]))
    return before, complete(draw, after), item


@SETTINGS
@given(red_flag_added())
def test_adding_a_red_flag_answer_never_lowers_the_tier(
    case: tuple[dict[str, Any], dict[str, Any], str],
) -> None:
    before, after, item = case
    old, new = decide(before), decide(after)
    assert new.tier.urgency >= old.tier.urgency, (item, old.tier, new.tier)
    if item not in ("legs", "trauma"):  # a pure addition: every earlier rule still fires
        assert {r.id for r in old.fired} <= {r.id for r in new.fired}


@SETTINGS
@given(
    complete_answers(),
    st.sampled_from(
        [
            "saddle_numbness",
            "bladder_change",
            "fever_unwell",
            "injects_drugs",
            "immunosuppressed",
            "neuro_spreading",
            "bowel_incontinence",
            "sexual_dysfunction",
        ]
    ),
)
def test_emergency_and_urgent_give_a_referral_only(answers: dict[str, Any], flag: str) -> None:
    result = decide({**answers, flag: True})
    assert result.tier in (Tier.EMERGENCY, Tier.URGENT)
    assert not result.tier.allows_program
    assert result.advice == ()  # no advisory (physio review, keep running...) after a referral
    assert result.action == RULES.tiers[result.tier].action


def test_referral_actions_carry_no_running_advice() -> None:
    """The EMERGENCY and URGENT texts stop training; they never suggest exercise."""
    for tier in (Tier.EMERGENCY, Tier.URGENT):
        text = RULES.tiers[tier].action.lower()
        assert "stop running" in text or "no running" in text
        for advice in ("program suggests", "stay active", "low-load", "gentle", "walking"):
            assert advice not in text, (tier, advice)


@SETTINGS
@given(complete_answers(), st.data())
def test_a_missing_red_flag_answer_is_asked_again_never_read_as_no(
    answers: dict[str, Any], data: st.DataObject
) -> None:
    checkin = CheckIn.model_validate(answers)
    asked = [q.id for q in QUESTIONS.questions if q.red_flag and getattr(checkin, q.id) is not None]
    removed = data.draw(st.sampled_from(asked))
    partial = {k: v for k, v in answers.items() if k != removed}
    pending = [q.id for q in missing_questions(CheckIn.model_validate(partial), TODAY, QUESTIONS)]
    assert removed in pending
    try:
        result = decide(partial)
    except IncompleteCheckInError as exc:
        assert removed in exc.missing
    else:  # decided only because an emergency answer already settles the tier
        assert result.tier is Tier.EMERGENCY
        assert removed in result.unanswered


@SETTINGS
@given(complete_answers())
def test_decisions_are_reproducible_and_round_trip(answers: dict[str, Any]) -> None:
    first = decide(answers)
    assert decide(answers) == first
    assert Triage.model_validate_json(first.model_dump_json()) == first
    assert first.ruleset_hash == RULES.sha256 and first.ruleset_version == RULES.version


@pytest.mark.parametrize("flag", ["saddle_numbness", "bladder_change", "bowel_incontinence"])
def test_an_emergency_answer_decides_before_the_rest_is_answered(flag: str) -> None:
    result = decide({"pain_now": 5, "pain_worst_week": 7, flag: True})
    assert result.tier is Tier.EMERGENCY
    assert "age" in result.unanswered and "fever_unwell" in result.unanswered
    assert result.advice == ()


def test_an_urgent_answer_does_not_skip_the_emergency_questions() -> None:
    """URGENT could still become EMERGENCY: a partial check-in with fever is not decided."""
    with pytest.raises(IncompleteCheckInError) as err:
        decide({"pain_now": 5, "pain_worst_week": 7, "fever_unwell": True})
    assert "saddle_numbness" in err.value.missing
