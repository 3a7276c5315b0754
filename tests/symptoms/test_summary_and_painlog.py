"""The clinician summary lists the answers behind the tier; the pain log's zones and checks."""

from __future__ import annotations

from datetime import date

import pytest

from backstride.errors import ValidationError
from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.painlog import (
    MorningResponse,
    PainEntry,
    PainZone,
    check_entry_date,
    entry_verdicts,
    pain_zone,
)
from backstride.symptoms.questions import load_questions
from backstride.symptoms.ruleset import load_ruleset
from backstride.symptoms.summary import clinician_summary
from backstride.symptoms.triage import triage
from backstride.validation import validate_input
from tests.symptoms.golden import base_checkin, today


def test_clinician_summary_lists_every_red_flag_answer_and_the_rules() -> None:
    checkin = base_checkin().model_copy(update={"cancer_history": True, "weight_loss": True})
    result = triage(checkin, load_ruleset(), today())
    text = clinician_summary(result, checkin, load_questions(), runner="Ana")
    assert "Tier: see a GP or physio soon (SOON)." in text
    assert f"rule set 1.0 (sha256 {load_ruleset().sha256})" in text
    assert "[SOON] cancer_history: history of cancer: yes" in text
    assert "[SOON] weight_loss: unexplained weight loss: yes" in text
    red_flags = [q for q in load_questions().questions if q.red_flag]
    for question in red_flags:
        assert f"  {question.label}: " in text, question.id
    assert "age (years): 35" in text and "Phase: day 5 since onset" in text


def test_summary_of_an_early_emergency_says_what_was_not_asked() -> None:
    checkin = CheckIn(pain_now=4, pain_worst_week=6, bowel_incontinence=True)
    result = triage(checkin, load_ruleset(), today())
    text = clinician_summary(result, checkin, load_questions(), runner="Ana")
    assert "Tier: emergency care now (EMERGENCY; referral only: no program issued)" in text
    assert "history of cancer: NOT ASKED (emergency already decided)" in text
    assert "Also not asked" in text and "date the pain started" in text
    assert "The runner was told to seek emergency care now." in text


@pytest.mark.parametrize(
    ("score", "zone"),
    [(0, PainZone.SAFE), (2, PainZone.SAFE), (3, PainZone.ACCEPTABLE), (5, PainZone.ACCEPTABLE),
     (6, PainZone.TOO_MUCH), (10, PainZone.TOO_MUCH)],
)  # fmt: skip
def test_pain_monitoring_zones(score: int, zone: PainZone) -> None:
    assert pain_zone(score, load_ruleset().pain_monitoring) is zone


def test_pain_entry_checks_and_verdicts() -> None:
    with pytest.raises(ValidationError, match="give at least one of pain_during"):
        validate_input(PainEntry, {"entry_date": "2026-06-01"})
    with pytest.raises(ValidationError, match="pain_after: Input should be less than or equal"):
        validate_input(PainEntry, {"entry_date": "2026-06-01", "pain_after": 11})
    entry = PainEntry(entry_date=date(2026, 6, 16), pain_during=6, next_morning="worse")
    with pytest.raises(ValidationError, match="entry_date: is in the future"):
        check_entry_date(entry, date(2026, 6, 15))
    lines = entry_verdicts(entry, load_ruleset().pain_monitoring)
    assert lines == [
        "pain during the run 6/10: too much: ease off next time",
        "worse the next morning: the load was too much; step back one level",
    ]
    settled = entry.model_copy(update={"next_morning": MorningResponse.SAME, "pain_during": 1})
    assert entry_verdicts(settled, load_ruleset().pain_monitoring) == [
        "pain during the run 1/10: safe",
        "next morning same: settled",
    ]
