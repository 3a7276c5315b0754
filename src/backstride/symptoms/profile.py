"""The symptom-response profile: contraindication tags from what makes it worse, eases it, and
where it goes; and the answers behind any rule or tag, as evidence a clinician can read.

The tags are not diagnoses. They record the runner's own response (worse bending forward, worse
arching back, symptoms in a leg, brought on by running load) so that the program leaves out what
loads the sensitive direction (../shared/reference/clinical.md, "Contraindications, driven by the
runner's own symptom response rather than a diagnosis"). The tag rules are part of the versioned
rule set.
"""

from __future__ import annotations

from collections.abc import Sequence

from backstride.findings import Evidence
from backstride.symptoms.conditions import Cond, evaluate, fields
from backstride.symptoms.facts import Facts
from backstride.symptoms.models import TagReason
from backstride.symptoms.questions import QuestionSet
from backstride.symptoms.ruleset import TagRule


def evidence_for(condition: Cond, facts: Facts, questions: QuestionSet) -> tuple[Evidence, ...]:
    """The answers (and derived facts) ``condition`` looks at, labelled and in words."""
    return tuple(
        Evidence(
            label=questions.label(name),
            ref=f"checkin.{name}",
            value=questions.format(name, getattr(facts, name)),
        )
        for name in fields(condition)
    )


def symptom_profile(
    facts: Facts, tag_rules: Sequence[TagRule], questions: QuestionSet
) -> tuple[TagReason, ...]:
    """The tags whose condition is true, each with its explanation and the answers behind it.

    Examples
    --------
    >>> from datetime import date
    >>> from backstride.symptoms.checkin import CheckIn
    >>> from backstride.symptoms.facts import derive_facts
    >>> from backstride.symptoms.questions import load_questions
    >>> from backstride.symptoms.ruleset import load_ruleset
    >>> facts = derive_facts(CheckIn(worse=["sitting"], eases=[], where=["central"],
    ...                              leg_symptoms=[], when=[]), date(2026, 5, 1))
    >>> [r.tag.value for r in symptom_profile(facts, load_ruleset().tags, load_questions())]
    ['flexion_intolerant']
    """
    known = dict(facts)
    return tuple(
        TagReason(
            tag=rule.tag,
            explanation=rule.explanation,
            evidence=evidence_for(rule.when, facts, questions),
        )
        for rule in tag_rules
        if evaluate(rule.when, known) is True
    )
