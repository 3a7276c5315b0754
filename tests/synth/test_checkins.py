"""synth.checkins: every sample file, read back and triaged, gives the truth it was written with."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.questions import missing_questions
from backstride.symptoms.ruleset import load_ruleset
from backstride.symptoms.triage import triage
from backstride.synth.checkins import (
    NO_PAIN,
    POST_RUN_SORENESS,
    RADICULAR,
    RED_FLAG,
    SUBACUTE_FLEXION,
    write_checkins,
)

TODAY = date(2026, 6, 15)


def test_samples_cover_the_five_cases(tmp_path: Path) -> None:
    samples = write_checkins(tmp_path, today=TODAY)
    assert set(samples) == {NO_PAIN, POST_RUN_SORENESS, SUBACUTE_FLEXION, RADICULAR, RED_FLAG}
    assert {s.expected_tier.value for s in samples.values()} == {
        "SELF_MANAGE", "RADICULAR", "EMERGENCY"
    }  # fmt: skip
    assert all(s.path.parent == tmp_path and s.path.suffix == ".yaml" for s in samples.values())


def test_each_file_triages_to_its_truth(tmp_path: Path) -> None:
    for name, sample in write_checkins(tmp_path, today=TODAY).items():
        checkin = CheckIn.model_validate(yaml.safe_load(sample.path.read_text(encoding="utf-8")))
        assert missing_questions(checkin, TODAY) == (), name  # complete: every needed answer
        result = triage(checkin, load_ruleset(), TODAY)
        assert result.tier is sample.expected_tier, name
        assert result.tags == sample.expected_tags, name
        assert (result.phase.seed if result.phase else None) == sample.expected_seed_phase, name
        assert result.soreness is not None and result.soreness.kind is sample.expected_soreness
        assert {r.id for r in result.fired} == sample.expected_rules, name


def test_onset_is_relative_to_the_day_written(tmp_path: Path) -> None:
    early = write_checkins(tmp_path / "a", today=date(2026, 1, 10))[SUBACUTE_FLEXION]
    late = write_checkins(tmp_path / "b", today=date(2026, 3, 10))[SUBACUTE_FLEXION]
    assert (date(2026, 1, 10) - early.answers["onset_date"]).days == 18
    assert (date(2026, 3, 10) - late.answers["onset_date"]).days == 18
    assert "expected tier: SELF_MANAGE" in early.path.read_text(encoding="utf-8")
