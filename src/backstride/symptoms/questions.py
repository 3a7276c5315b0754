"""The questions of the check-in: wording as data, which ones apply, which are still missing.

``questions.yaml`` holds one entry per `CheckIn` field, in the order they are asked, in our own
words. The answer type of each question (yes/no, number, date, one choice, several choices, free
text) and its range come from the model, so the file and the model cannot drift apart: loading
checks that every field has exactly one question and every option value has wording.

A question *applies* when its ``ask_if`` condition is true. `missing_questions` lists the required
questions that apply (or might apply, while an answer they depend on is still missing) and have
no answer: a red-flag question without an answer is asked again, never read as "no".
"""

from __future__ import annotations

from datetime import date
from enum import Enum, StrEnum
from functools import cache
from pathlib import Path
from typing import Any, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ConfigDict, Field, model_validator

from backstride.errors import DataError
from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.conditions import (
    Cond,
    Condition,
    check_condition,
    evaluate,
    unwrap_optional,
)
from backstride.symptoms.facts import DERIVED_LABELS, Facts, derive_facts
from backstride.symptoms.packaged import PACKAGE_DIR, read_yaml
from backstride.validation import validate_packaged

QUESTIONS_PATH = PACKAGE_DIR / "questions.yaml"


class Kind(StrEnum):
    """How a question is answered; follows from the field's type."""

    YES_NO = "yes_no"
    NUMBER = "number"
    DATE = "date"
    CHOICE = "choice"
    MULTI = "multi"
    TEXT = "text"


class Question(BaseModel):
    """One question as written in ``questions.yaml``, plus what the model says about its answer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    label: str = Field(min_length=1)
    text: str = Field(min_length=1)
    help: str = ""
    options: dict[str, str] = Field(default_factory=dict)
    ask_if: Condition | None = None
    red_flag: bool = False
    required: bool = True
    # filled in from the CheckIn model at load, not written in the file
    kind: Kind = Kind.TEXT
    minimum: int | None = None
    maximum: int | None = None

    def applies(self, facts: Facts) -> bool | None:
        """True when it should be asked, False when it does not apply, None when undecided yet."""
        return True if self.ask_if is None else evaluate(self.ask_if, dict(facts))

    def option_label(self, value: Any) -> str:
        """The wording of one option value (the value itself when there is none)."""
        key = value.value if isinstance(value, Enum) else str(value)
        return self.options.get(key, key)


class QuestionSet(BaseModel):
    """The whole questionnaire, validated against `CheckIn` at load."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    questions: tuple[Question, ...]

    @model_validator(mode="after")
    def _matches_checkin(self) -> QuestionSet:
        ids = [q.id for q in self.questions]
        fields = list(CheckIn.model_fields)
        if sorted(ids) != sorted(fields) or len(set(ids)) != len(ids):
            extra = sorted(set(ids) - set(fields))
            absent = sorted(set(fields) - set(ids))
            raise ValueError(
                f"questions must match the CheckIn fields one to one; unknown: {extra}, "
                f"without a question: {absent}"
            )
        return self

    def by_id(self, qid: str) -> Question:
        """The question for field ``qid``."""
        for question in self.questions:
            if question.id == qid:
                return question
        raise KeyError(qid)

    def label(self, field: str) -> str:
        """A few words naming an answer or a derived fact."""
        if field in DERIVED_LABELS:
            return DERIVED_LABELS[field]
        return self.by_id(field).label

    def format(self, field: str, value: Any) -> str:
        """An answer or derived fact in words: ``yes``/``no``, option wording, numbers, dates.

        Examples
        --------
        >>> qs = load_questions()
        >>> qs.format("saddle_numbness", True), qs.format("legs", "one"), qs.format("age", None)
        ('yes', 'One leg', 'not answered')
        """
        if value is None:
            return "not answered"
        if isinstance(value, bool):
            return "yes" if value else "no"
        if field in DERIVED_LABELS:
            return str(value)
        question = self.by_id(field)
        if isinstance(value, tuple | list):
            return "; ".join(question.option_label(v) for v in value) or "none"
        if question.options:
            return question.option_label(value)
        return str(value)


def _answer_shape(annotation: Any) -> tuple[Kind, type[Enum] | None]:
    """The kind of question for a field type, and its enum of options if any."""
    annotation = unwrap_optional(annotation)
    if get_origin(annotation) is tuple:
        return Kind.MULTI, get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return Kind.CHOICE, annotation
    simple = {bool: Kind.YES_NO, int: Kind.NUMBER, date: Kind.DATE, str: Kind.TEXT}
    return simple[annotation], None


def _bounds(qid: str) -> tuple[int | None, int | None]:
    lo = hi = None
    for meta in CheckIn.model_fields[qid].metadata:
        if isinstance(meta, annotated_types.Ge):
            lo = int(meta.ge)  # type: ignore[call-overload]
        if isinstance(meta, annotated_types.Le):
            hi = int(meta.le)  # type: ignore[call-overload]
    return lo, hi


def _complete(question: Question) -> Question:
    kind, enum = _answer_shape(CheckIn.model_fields[question.id].annotation)
    if enum is not None:
        values = [str(m.value) for m in enum]
        if sorted(question.options) != sorted(values):
            raise ValueError(
                f"question {question.id!r}: options must word exactly {values}, "
                f"got {list(question.options)}"
            )
    elif question.options:
        raise ValueError(f"question {question.id!r}: has options but its answer is {kind.value}")
    ask_if: Cond | None = None
    if question.ask_if is not None:
        ask_if = check_condition(question.ask_if, Facts)
    lo, hi = _bounds(question.id)
    return question.model_copy(
        update={"kind": kind, "minimum": lo, "maximum": hi, "ask_if": ask_if}
    )


def parse_questions(data: dict[str, Any], *, path: Path) -> QuestionSet:
    """Validate the parsed ``questions.yaml``; any problem is a `DataError` naming the file."""
    raw = validate_packaged(QuestionSet, data, path=path)
    try:
        return raw.model_copy(update={"questions": tuple(_complete(q) for q in raw.questions)})
    except ValueError as exc:
        raise DataError(str(exc), path=path) from None


@cache
def load_questions(path: Path = QUESTIONS_PATH) -> QuestionSet:
    """The packaged questionnaire (read and validated once per process)."""
    return parse_questions(read_yaml(path), path=path)


def missing_questions(
    checkin: CheckIn, today: date, questions: QuestionSet | None = None
) -> tuple[Question, ...]:
    """The required questions that apply (or may apply) and have no answer yet, in order.

    Examples
    --------
    >>> [q.id for q in missing_questions(CheckIn(), date(2026, 5, 1))][:3]
    ['pain_now', 'pain_worst_week', 'onset_date']
    """
    qs = questions or load_questions()
    facts = derive_facts(checkin, today)
    return tuple(
        q
        for q in qs.questions
        if q.required and getattr(checkin, q.id) is None and q.applies(facts) is not False
    )


def next_question(
    checkin: CheckIn, today: date, questions: QuestionSet | None = None
) -> Question | None:
    """The first question still to ask, or None when the check-in is complete."""
    pending = missing_questions(checkin, today, questions)
    return pending[0] if pending else None
