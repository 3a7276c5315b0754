"""Bad input names the field and the problem; the small parsers of the interactive check-in."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from backstride.cli.checkin_input import (
    checkin_from_mapping,
    parse_choice,
    parse_day,
    parse_multi,
    parse_number,
    parse_yes_no,
    read_answers_file,
)
from backstride.errors import InputError, ValidationError
from backstride.symptoms.checkin import CheckIn, with_birth_year
from backstride.symptoms.questions import load_questions, missing_questions
from backstride.synth.checkins import SUBACUTE_FLEXION, sample_answers

TODAY = date(2026, 6, 15)

BAD: list[tuple[dict[str, Any], str]] = [
    ({"pain_now": 11}, "pain_now: Input should be less than or equal to 10, got 11"),
    ({"pain_now": -1}, "pain_now: Input should be greater than or equal to 0, got -1"),
    ({"pain_now": 7, "pain_worst_week": 5}, "pain_worst_week: is lower than pain_now (5 < 7)"),
    ({"pain_nwo": 3}, "pain_nwo: is not a known question; did you mean 'pain_now'?"),
    ({"colour": "red"}, "colour: is not a known question; see the README for the ids"),
    ({"onset_date": date(2026, 6, 16)}, "onset_date: is in the future (2026-06-16, today is"),
    ({"onset_date": "2026-13-01"}, "onset_date: Input should be a valid date"),
    ({"onset_date": date(1990, 1, 1), "age": 20}, "onset_date: is before you were born"),
    ({"where": ["central", "knee"]}, "where[1]: Input should be 'central', 'one_side'"),
    ({"legs": "three"}, "legs: Input should be 'one' or 'both', got 'three'"),
    ({"age": "forty"}, "age: Input should be a valid integer"),
    ({"age": 150}, "age: Input should be less than or equal to 110"),
    ({"morning_stiffness_min": 2000}, "morning_stiffness_min: Input should be less than or equal"),
    ({"saddle_numbness": "maybe"}, "saddle_numbness: Input should be a valid boolean"),
    ({"leg_symptoms": "numbness"}, "leg_symptoms: Input should be a valid tuple"),
]


@pytest.mark.parametrize(("data", "message"), BAD, ids=[m.split(":")[0] for _, m in BAD])
def test_bad_answers_name_the_field(data: dict[str, Any], message: str, tmp_path: Path) -> None:
    path = tmp_path / "me.yaml"
    with pytest.raises(ValidationError) as err:
        checkin_from_mapping(data, TODAY, path=path)
    assert str(err.value).startswith(f"{path}: {message}")


def test_yaml_and_json_files_read_the_same(tmp_path: Path) -> None:
    answers = sample_answers(SUBACUTE_FLEXION, TODAY)
    as_yaml, as_json = tmp_path / "a.yaml", tmp_path / "a.json"
    as_yaml.write_text(yaml.safe_dump(answers), encoding="utf-8")
    as_json.write_text(json.dumps(answers, default=str), encoding="utf-8")
    from_yaml = checkin_from_mapping(read_answers_file(as_yaml), TODAY, path=as_yaml)
    from_json = checkin_from_mapping(read_answers_file(as_json), TODAY, path=as_json)
    assert from_yaml == from_json == CheckIn.model_validate(answers)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.txt", "pain_now: 1", "must end in .yaml, .yml or .json"),
        ("a.yaml", "- 1\n- 2\n", "must hold a mapping of question ids to answers"),
        ("a.yaml", "pain_now: [1\n", "cannot be parsed"),
        ("a.json", "{'pain_now': 1}", "cannot be parsed"),
        ("missing.yaml", None, "file not found"),
    ],
)
def test_bad_files_are_one_clear_error(
    name: str, content: str | None, message: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        read_answers_file(path)
    assert str(err.value).startswith(str(path))


def test_not_applicable_questions_are_skipped_and_asked_ones_listed_in_order() -> None:
    no_pain = CheckIn(pain_now=0, pain_worst_week=0, leg_symptoms=[])
    pending = [q.id for q in missing_questions(no_pain, TODAY)]
    assert "onset_date" not in pending and "where" not in pending  # no pain: skipped
    assert pending[0] == "saddle_numbness"  # every red flag is still asked
    assert "osteoporosis" in pending  # undecided until the trauma question is answered
    answered = no_pain.model_copy(update={"trauma": "none"})
    assert "osteoporosis" not in [q.id for q in missing_questions(answered, TODAY)]
    legs = CheckIn(pain_now=3, pain_worst_week=3, where=["thigh"], leg_symptoms=[])
    assert "legs" in [q.id for q in missing_questions(legs, TODAY)]


def test_optional_question_is_never_required() -> None:
    complete = CheckIn.model_validate(sample_answers(SUBACUTE_FLEXION, TODAY))
    assert complete.known_conditions is None
    assert missing_questions(complete, TODAY) == ()
    assert not load_questions().by_id("known_conditions").required


def test_age_from_birth_year_is_only_a_default() -> None:
    assert with_birth_year(CheckIn(), 1990, TODAY).age == 36
    assert with_birth_year(CheckIn(age=40), 1990, TODAY).age == 40
    assert with_birth_year(CheckIn(), None, TODAY).age is None
    assert with_birth_year(CheckIn(), 2025, TODAY).age is None  # 1 year old: ask instead


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2026, 6, 15)),
        ("Yesterday", date(2026, 6, 14)),
        ("5 days ago", date(2026, 6, 10)),
        ("2 weeks ago", date(2026, 6, 1)),
        ("3w", date(2026, 5, 25)),
        ("2026-03-14", date(2026, 3, 14)),
    ],
)
def test_parse_day(text: str, expected: date) -> None:
    assert parse_day(text, TODAY) == expected


def test_parsers_refuse_what_they_cannot_read() -> None:
    with pytest.raises(ValueError, match="give a date like"):
        parse_day("last tuesday", TODAY)
    with pytest.raises(ValueError, match="answer y"):
        parse_yes_no("")
    with pytest.raises(ValueError, match="from 0 to 10"):
        parse_number("11", 0, 10)
    with pytest.raises(ValueError, match="from 0 to 10"):
        parse_number("two", 0, 10)
    with pytest.raises(ValueError, match="from 1 to 3"):
        parse_choice("4", ["a", "b", "c"])
    with pytest.raises(ValueError, match="0 for none"):
        parse_multi("", ["a"])
    assert parse_multi("2 1 2", ["a", "b"]) == ["b", "a"]
    assert parse_choice("b", ["a", "b"]) == "b"
    assert parse_yes_no(" YES ") is True
