"""Hypothesis strategies: complete check-ins drawn question by question from the question set.

Questions are answered in order and only when they apply, exactly as the interactive check-in
asks them, so every drawn check-in is one a runner could have given.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.facts import derive_facts
from backstride.symptoms.questions import Kind, Question, load_questions

TODAY = date(2026, 6, 15)
MAX_ONSET_DAYS = 2000


def answer_strategy(question: Question, answers: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Valid answers to ``question`` given the answers so far."""
    options = list(question.options)
    if question.id == "onset_date":
        return st.integers(0, MAX_ONSET_DAYS).map(lambda d: TODAY - timedelta(days=d))
    if question.id == "pain_worst_week":
        return st.integers(answers.get("pain_now", 0), 10)
    if question.id == "age":
        return st.integers(14, 95)
    by_kind: dict[Kind, st.SearchStrategy[Any]] = {
        Kind.YES_NO: st.booleans(),
        Kind.NUMBER: st.integers(question.minimum or 0, min(question.maximum or 10, 240)),
        Kind.CHOICE: st.sampled_from(options) if options else st.nothing(),
        Kind.MULTI: st.lists(st.sampled_from(options), unique=True) if options else st.nothing(),
        Kind.TEXT: st.none(),
    }
    return by_kind[question.kind]


def complete(draw: st.DrawFn, answers: dict[str, Any]) -> dict[str, Any]:
    """Answer, in order, every question that applies and has no answer yet."""
    for question in load_questions().questions:
        if answers.get(question.id) is not None:
            continue
        facts = derive_facts(CheckIn.model_validate(answers), TODAY)
        if question.applies(facts) is True:
            value = draw(answer_strategy(question, answers))
            if value is not None:
                answers[question.id] = value
    return answers


@st.composite
def complete_answers(draw: st.DrawFn) -> dict[str, Any]:
    """A complete check-in, as a dict of answers."""
    return complete(draw, {})


RED_FLAG_YES = [
    "saddle_numbness",
    "bladder_change",
    "bowel_incontinence",
    "sexual_dysfunction",
    "weakness_progressive",
    "fever_unwell",
    "neuro_spreading",
    "osteoporosis",
    "long_term_steroids",
    "immunosuppressed",
    "injects_drugs",
    "cancer_history",
    "weight_loss",
    "night_pain_constant",
    "thoracic_pain",
]
"""Red-flag questions whose "yes" adds concern."""
