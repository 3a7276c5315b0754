"""The check-in as web forms: the same questions (``questions.yaml``), the same conditions for
which ones apply, the same validation (`CheckIn`, `check_dates`) and the same triage as
``backstride checkin``; only the asking differs.

The questions come in steps. Each step shows every question that applies given the answers so
far and has not been answered (an optional question is shown once; a required one until it is
answered: a red-flag question is never read as "no"). Answering may make more questions apply
(pain above zero opens the questions about where and when), which the next step shows. The
check-in is complete when no step is left, or at once when an answer means emergency care (as
on the terminal, the questions stop there).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from backstride.errors import ValidationError
from backstride.symptoms.checkin import CheckIn, check_dates
from backstride.symptoms.facts import derive_facts
from backstride.symptoms.questions import Kind, Question, QuestionSet, missing_questions
from backstride.symptoms.ruleset import RuleSet
from backstride.symptoms.triage import emergency_decided
from backstride.validation import validate_input

NONE_OF_THESE = "__none__"


@dataclass(frozen=True)
class Step:
    """The questions to show now; empty when the check-in is complete."""

    questions: tuple[Question, ...]
    emergency: bool = False


def next_step(
    answers: Mapping[str, Any],
    shown: Sequence[str],
    today: date,
    *,
    questions: QuestionSet,
    rules: RuleSet,
) -> Step:
    """The questions that apply now and are still open (see the module notes).

    Examples
    --------
    >>> from backstride.symptoms.questions import load_questions
    >>> from backstride.symptoms.ruleset import load_ruleset
    >>> qs, rules, today = load_questions(), load_ruleset(), date(2026, 5, 1)
    >>> first = next_step({}, [], today, questions=qs, rules=rules)
    >>> "pain_now" in [q.id for q in first.questions], "where" in [q.id for q in first.questions]
    (True, False)
    >>> later = next_step({"pain_now": 3, "pain_worst_week": 5}, [q.id for q in first.questions],
    ...                   today, questions=qs, rules=rules)
    >>> "where" in [q.id for q in later.questions]
    True
    """
    checkin = CheckIn.model_validate(dict(answers))
    if emergency_decided(checkin, rules, today):
        return Step((), emergency=True)
    facts = derive_facts(checkin, today)
    open_ = [
        q
        for q in questions.questions
        if answers.get(q.id) is None
        and q.applies(facts) is True
        and (q.required or q.id not in shown)
    ]
    if not open_:  # only questions whose condition waits on an unanswered one: ask those too
        open_ = list(missing_questions(checkin, today, questions))
    return Step(tuple(open_))


def _value(question: Question, raw: list[str]) -> Any:
    """One question's answer from its form values (None: not answered)."""
    values = [v.strip() for v in raw if v.strip()]
    if question.kind is Kind.MULTI:
        if NONE_OF_THESE in values:
            if len(values) > 1:
                raise ValidationError(
                    question.id, "choose some options or 'none of these', not both"
                )
            return []
        return values or None
    if not values:
        return None
    value = values[-1]
    if question.kind is Kind.YES_NO:
        if value not in ("yes", "no"):
            raise ValidationError(question.id, "answer yes or no")
        return value == "yes"
    if question.kind is Kind.NUMBER:
        try:
            return int(value)
        except ValueError:
            raise ValidationError(
                question.id, f"give a whole number from {question.minimum} to {question.maximum}"
            ) from None
    if question.kind is Kind.DATE:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValidationError(question.id, "give a date like 2026-03-14") from None
    return value


def apply_answers(
    answers: Mapping[str, Any],
    step: Sequence[Question],
    form: Mapping[str, list[str]],
    today: date,
) -> dict[str, Any]:
    """The answers with this step's form values added, validated as the CLI validates a file.

    Raises `ValidationError` naming the first question with a problem: a value out of range, an
    impossible date, or a required question left unanswered.
    """
    new = dict(answers)
    for question in step:
        value = _value(question, form.get(question.id, []))
        if value is None:
            if question.required:
                raise ValidationError(question.id, "please answer this question")
            continue
        new[question.id] = value
    checkin = validate_input(CheckIn, new)
    check_dates(checkin, today)
    return checkin.answered()
