"""Triage: a complete check-in, a rule set and a date in; a `Triage` out. Pure: no I/O, no clock.

The tier is the most urgent tier among the rules that fire (SELF_MANAGE when none does). A check-in
with a required question still unanswered is refused (`IncompleteCheckInError`, so it is kept as
a draft, never decided), with one exception: once an EMERGENCY rule fires, no further answer can
change the tier, so the decision is made at once and the questions left are listed in
``Triage.unanswered``. EMERGENCY and URGENT give a referral only: no advice, no program, no
running.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from backstride.errors import InputError
from backstride.symptoms.checkin import CheckIn, check_dates
from backstride.symptoms.conditions import evaluate
from backstride.symptoms.facts import Facts, derive_facts
from backstride.symptoms.models import FiredRule, Tier, Triage
from backstride.symptoms.phase import phase_of
from backstride.symptoms.profile import evidence_for, symptom_profile
from backstride.symptoms.questions import Question, QuestionSet, load_questions, missing_questions
from backstride.symptoms.ruleset import RuleSet
from backstride.symptoms.soreness import classify_soreness


class IncompleteCheckInError(InputError):
    """A check-in without an answer to a question a decision needs; ``missing`` names them."""

    def __init__(self, missing: Sequence[Question], *, path: str | Path | None = None) -> None:
        self.missing = tuple(q.id for q in missing)
        listed = ", ".join(f"{q.id} ({q.label})" for q in missing)
        super().__init__(f"the check-in is incomplete; still to answer: {listed}", path=path)


def fire_rules(rules: RuleSet, facts: Facts, questions: QuestionSet) -> tuple[FiredRule, ...]:
    """Every rule whose condition is true for ``facts``, in rule-set order, with its evidence."""
    known = dict(facts)
    return tuple(
        FiredRule(
            id=rule.id,
            tier=rule.tier,
            explanation=rule.explanation,
            source=rule.source,
            advice=rule.advice,
            evidence=evidence_for(rule.when, facts, questions),
        )
        for rule in rules.rules
        if evaluate(rule.when, known) is True
    )


def decide_tier(fired: Sequence[FiredRule]) -> Tier:
    """The most urgent tier among ``fired`` rules; SELF_MANAGE when none fired.

    Examples
    --------
    >>> rule = lambda tier: FiredRule(id="x", tier=tier, explanation="")
    >>> decide_tier([rule(Tier.RADICULAR), rule(Tier.URGENT), rule(Tier.SOON)])
    <Tier.URGENT: 'URGENT'>
    >>> decide_tier([])
    <Tier.SELF_MANAGE: 'SELF_MANAGE'>
    """
    return max((r.tier for r in fired), key=lambda t: t.urgency, default=Tier.SELF_MANAGE)


def _advice(tier: Tier, fired: Sequence[FiredRule]) -> tuple[str, ...]:
    if not tier.allows_program:
        return ()  # a referral only: nothing that could read as "carry on training"
    return tuple(dict.fromkeys(r.advice for r in fired if r.advice))


def emergency_decided(checkin: CheckIn, rules: RuleSet, today: date) -> bool:
    """True once an EMERGENCY rule fires: further answers cannot change the tier."""
    facts = dict(derive_facts(checkin, today))
    return any(
        evaluate(rule.when, facts) is True for rule in rules.rules if rule.tier is Tier.EMERGENCY
    )


def triage(
    checkin: CheckIn, rules: RuleSet, today: date, questions: QuestionSet | None = None
) -> Triage:
    """Decide the tier, phase, soreness and symptom tags of ``checkin`` on ``today``.

    Raises
    ------
    ValidationError
        The onset date is in the future or before birth.
    IncompleteCheckInError
        A required question that applies is unanswered and no EMERGENCY rule has fired.
    """
    qs = questions or load_questions()
    check_dates(checkin, today)
    facts = derive_facts(checkin, today)
    fired = fire_rules(rules, facts, qs)
    tier = decide_tier(fired)
    missing = missing_questions(checkin, today, qs)
    if missing and tier is not Tier.EMERGENCY:
        raise IncompleteCheckInError(missing)
    profile = symptom_profile(facts, rules.tags, qs)
    text = rules.tiers[tier]
    return Triage(
        tier=tier,
        action=text.action,
        headline=text.headline,
        phase=None if facts.days_since_onset is None else phase_of(facts.days_since_onset),
        tags=frozenset(reason.tag for reason in profile),
        tag_reasons=profile,
        fired=fired,
        advice=_advice(tier, fired),
        soreness=classify_soreness(facts, fired, rules.soreness),
        ruleset_version=rules.version,
        ruleset_hash=rules.sha256,
        decided_on=today,
        unanswered=tuple(q.id for q in missing),
    )
