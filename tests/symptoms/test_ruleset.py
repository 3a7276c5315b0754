"""The rule set as data: validated at load, hashed, locked once released, reproducible."""

from __future__ import annotations

import copy
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from backstride.errors import DataError, NotFoundError
from backstride.symptoms import ruleset as ruleset_module
from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.models import Tier
from backstride.symptoms.packaged import content_hash, read_yaml
from backstride.symptoms.questions import QUESTIONS_PATH, parse_questions
from backstride.symptoms.ruleset import (
    RULES_DIR,
    load_ruleset,
    load_ruleset_file,
    packaged_versions,
    parse_ruleset,
    released_hashes,
)
from backstride.symptoms.triage import triage
from tests.symptoms.golden import base_checkin, today

PACKAGED = RULES_DIR / "1.0.yaml"


def raw() -> dict[str, Any]:
    return copy.deepcopy(read_yaml(PACKAGED))


def rule(data: dict[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in data["rules"] if r["id"] == rule_id)


def test_packaged_rules_load_and_match_the_lock() -> None:
    rules = load_ruleset()
    assert rules.version == packaged_versions()[-1] == "1.0"
    assert rules.sha256 == released_hashes()["1.0"] == content_hash(read_yaml(PACKAGED))
    assert len(rules.sha256) == 64
    assert set(rules.tiers) == set(Tier)
    assert all(r.source and r.explanation for r in rules.rules)


def test_every_released_version_still_loads() -> None:
    for version in released_hashes():
        assert load_ruleset(version).sha256 == released_hashes()[version]


def test_comments_and_layout_do_not_change_the_hash(tmp_path: Path) -> None:
    copy_path = tmp_path / "1.0.yaml"
    copy_path.write_text(yaml.safe_dump(raw(), sort_keys=True, width=60), encoding="utf-8")
    assert load_ruleset_file(copy_path).sha256 == load_ruleset().sha256


def test_changing_a_rule_changes_the_hash_and_the_decision(tmp_path: Path) -> None:
    data = raw()
    data["version"] = "1.1"
    rule(data, "thoracic_pain")["tier"] = "URGENT"
    changed = parse_ruleset(data, path=tmp_path / "1.1.yaml")
    assert changed.sha256 != load_ruleset().sha256
    checkin = base_checkin().model_copy(update={"thoracic_pain": True})
    old = triage(checkin, load_ruleset(), today())
    new = triage(checkin, changed, today())
    assert (old.tier, new.tier) == (Tier.SOON, Tier.URGENT)
    assert (old.ruleset_version, new.ruleset_version) == ("1.0", "1.1")
    assert old.ruleset_hash == load_ruleset().sha256 != new.ruleset_hash
    # the old decision is reproduced exactly by the version it names
    assert triage(checkin, load_ruleset(old.ruleset_version), old.decided_on or date.min) == old


@pytest.fixture
def rules_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the packaged rules folder that `load_ruleset` reads instead."""
    folder = tmp_path / "rules"
    shutil.copytree(RULES_DIR, folder)
    monkeypatch.setattr(ruleset_module, "RULES_DIR", folder)
    monkeypatch.setattr(ruleset_module, "LOCK_PATH", folder / "released.yaml")
    return folder


def test_editing_a_released_version_fails_at_load(rules_dir: Path) -> None:
    data = raw()
    rule(data, "weight_loss")["tier"] = "SELF_MANAGE"
    (rules_dir / "1.0.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(DataError, match=r"version 1\.0 changed after release"):
        ruleset_module.load_ruleset.__wrapped__("1.0")


def test_a_new_version_must_be_locked_before_it_loads(rules_dir: Path) -> None:
    data = raw()
    data["version"] = "1.1"
    (rules_dir / "1.1.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(DataError, match=r"version 1.1 is not in released.yaml; lock it"):
        ruleset_module.load_ruleset.__wrapped__()
    lock = rules_dir / "released.yaml"
    lock.write_text(lock.read_text() + f'"1.1": {content_hash(data)}\n', encoding="utf-8")
    assert ruleset_module.load_ruleset.__wrapped__().version == "1.1"
    assert ruleset_module.load_ruleset.__wrapped__("1.0").version == "1.0"


def test_a_file_named_for_another_version_is_refused(rules_dir: Path) -> None:
    (rules_dir / "2.0.yaml").write_text(yaml.safe_dump(raw()), encoding="utf-8")
    with pytest.raises(DataError, match=r"says version '1\.0' but is named 2\.0\.yaml"):
        ruleset_module.load_ruleset.__wrapped__()


def test_unknown_version_is_not_found() -> None:
    with pytest.raises(NotFoundError, match=r"no triage rule set version '9\.9'; shipped: 1\.0"):
        load_ruleset("9.9")


BROKEN: list[tuple[str, Any, str]] = [
    (
        "unknown field",
        lambda d: rule(d, "weight_loss").update(when={"field": "weightloss", "equals": True}),
        r"rules\[weight_loss\]: unknown field 'weightloss' in a condition",
    ),
    (
        "impossible option value",
        lambda d: rule(d, "both_legs").update(when={"field": "legs", "equals": "three"}),
        r"rules\[both_legs\]: condition on 'legs': 'three' is not a valid value "
        r"\(one of one, both\)",
    ),
    (
        "contains_any on a yes/no answer",
        lambda d: rule(d, "fever_unwell").update(
            when={"field": "fever_unwell", "contains_any": [True]}
        ),
        "contains_any needs a multi-choice field",
    ),
    (
        "a number test on a choice",
        lambda d: rule(d, "both_legs").update(when={"field": "legs", "above": 1}),
        "above needs a number field",
    ),
    (
        "equals on a multi-choice answer",
        lambda d: rule(d, "seed_radiates").update(when={"field": "where", "equals": "thigh"}),
        "a multi-choice field takes contains_any, not equals",
    ),
    (
        "two tests in one leaf",
        lambda d: rule(d, "fever_unwell")["when"].update(one_of=[True]),
        "needs exactly one of equals",
    ),
    (
        "a tier without its action",
        lambda d: d["tiers"].pop("SOON"),
        r"tiers: no action text for \['SOON'\]",
    ),
    (
        "duplicate rule ids",
        lambda d: d["rules"].append(copy.deepcopy(d["rules"][0])),
        r"rules: duplicate ids \['saddle_numbness'\]",
    ),
    (
        "unknown tier",
        lambda d: rule(d, "weight_loss").update(tier="LATER"),
        r"rules\[13\].tier: Input",
    ),
    ("a rule without a source", lambda d: rule(d, "weight_loss").pop("source"), "source"),
    ("an unknown key", lambda d: d.update(owner="me"), "owner: is not a known field"),
    ("a written hash", lambda d: d.update(sha256="x"), "sha256 is computed at load"),
    (
        "zones out of order",
        lambda d: d["pain_monitoring"].update(safe_max_nrs=7),
        "safe_max_nrs must not exceed acceptable_max_nrs",
    ),
]


@pytest.mark.parametrize(("case", "breaks", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_rule_file_is_a_data_error_naming_the_problem(
    case: str, breaks: Any, message: str, tmp_path: Path
) -> None:
    data = raw()
    breaks(data)
    path = tmp_path / "1.0.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(DataError, match=message) as err:
        load_ruleset_file(path)
    assert str(err.value).startswith(str(path)), case


def test_invalid_yaml_is_a_data_error(tmp_path: Path) -> None:
    path = tmp_path / "1.0.yaml"
    path.write_text("rules: [unclosed", encoding="utf-8")
    with pytest.raises(DataError, match="is not valid YAML"):
        load_ruleset_file(path)


def test_questions_match_the_checkin_model() -> None:
    data = read_yaml(QUESTIONS_PATH)
    assert [q["id"] for q in data["questions"]] == list(CheckIn.model_fields)
    broken = copy.deepcopy(data)
    broken["questions"] = broken["questions"][1:]
    with pytest.raises(DataError, match=r"without a question: \['pain_now'\]"):
        parse_questions(broken, path=QUESTIONS_PATH)
    broken = copy.deepcopy(data)
    next(q for q in broken["questions"] if q["id"] == "legs")["options"].pop("both")
    with pytest.raises(DataError, match="question 'legs': options must word exactly"):
        parse_questions(broken, path=QUESTIONS_PATH)


def test_wording_avoids_diagnosis_claims() -> None:
    """Our texts never claim to treat or diagnose (reference/clinical.md, Wording)."""
    banned = ("treats", "diagnoses", "clinically proven", "replaces physiotherapy")
    for path in (PACKAGED, QUESTIONS_PATH):
        text = path.read_text(encoding="utf-8").lower()
        for word in banned:
            assert word not in text, (path.name, word)
