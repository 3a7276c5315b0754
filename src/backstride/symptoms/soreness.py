"""Normal post-run soreness versus pain that deserves attention.

Seed 003 (and ../shared/reference/clinical.md): *normal* soreness is mild, symmetrical and improves
within 24-48 hours; *concerning* pain is sharp, radiating, persists beyond a few days, worsens with
movement, comes at rest or at night, or comes with any red flag. Pain that is neither (say,
one-sided but mild and new) is reported as *watch*: not typical soreness, nothing concerning
either, check again in a day or two. The thresholds (what "mild" and "a few days" mean) are part
of the versioned rule set.
"""

from __future__ import annotations

from collections.abc import Sequence

from backstride.symptoms.checkin import Aggravator, Area, PainTime, Quality, Trend
from backstride.symptoms.facts import LEG_AREAS, Facts
from backstride.symptoms.models import FiredRule, Soreness, SorenessKind, Tier
from backstride.symptoms.ruleset import SorenessRules


def concerning_reasons(
    facts: Facts, fired: Sequence[FiredRule], params: SorenessRules
) -> list[str]:
    """Every sign of concerning pain in ``facts``, in words (empty when there is none)."""
    reasons = []
    if facts.quality is Quality.SHARP:
        reasons.append("it is sharp or stabbing")
    if facts.quality is Quality.BURNING:
        reasons.append("it is burning, electric or shooting")
    if LEG_AREAS & set(facts.where or ()):
        reasons.append("it spreads into the leg")
    if facts.leg_symptoms:
        reasons.append("there is numbness, tingling or weakness in a leg")
    days = facts.days_since_onset
    if days is not None and days > params.concerning_after_days and (facts.pain_now or 0) > 0:
        reasons.append(f"it is still there after more than {params.concerning_after_days} days")
    if Aggravator.MOVING in (facts.worse or ()):
        reasons.append("almost any movement makes it worse")
    if {PainTime.REST, PainTime.NIGHT} & set(facts.when or ()):
        reasons.append("it hurts at rest or at night")
    if any(rule.tier.urgency >= Tier.SOON.urgency for rule in fired):
        reasons.append("a red-flag answer (see the rules that fired)")
    return reasons


def not_normal_reasons(facts: Facts, params: SorenessRules) -> list[str]:
    """Why pain without concerning signs still does not look like ordinary soreness."""
    reasons = []
    worst = facts.pain_worst_week or 0
    if worst > params.mild_max_nrs:
        mild = params.mild_max_nrs
        reasons.append(f"stronger than mild (worst {worst}/10; mild is {mild} or less)")
    if Area.ONE_SIDE in (facts.where or ()):
        reasons.append("on one side only, not symmetrical")
    days = facts.days_since_onset
    if days is not None and days > params.settles_within_days:
        reasons.append(f"started {days} days ago; soreness settles within 24-48 hours")
    if facts.trend is Trend.WORSE:
        reasons.append("getting worse rather than settling")
    return reasons


def classify_soreness(facts: Facts, fired: Sequence[FiredRule], params: SorenessRules) -> Soreness:
    """Normal soreness, watch, or concerning pain, with the reasons in plain words.

    Examples
    --------
    >>> from datetime import date
    >>> from backstride.symptoms.checkin import CheckIn
    >>> from backstride.symptoms.facts import derive_facts
    >>> from backstride.symptoms.ruleset import load_ruleset
    >>> sore = CheckIn(pain_now=2, pain_worst_week=3, onset_date=date(2026, 5, 10),
    ...                quality="ache", where=["central"], when=["after_runs"], leg_symptoms=[])
    >>> classify_soreness(derive_facts(sore, date(2026, 5, 11)), [], load_ruleset().soreness).kind
    <SorenessKind.NORMAL: 'normal_soreness'>
    """
    concerning = concerning_reasons(facts, fired, params)
    if concerning:
        return Soreness(kind=SorenessKind.CONCERNING, reasons=tuple(concerning))
    if facts.has_pain is not True:
        return Soreness(kind=SorenessKind.NO_PAIN)
    not_normal = not_normal_reasons(facts, params)
    if not_normal:
        return Soreness(kind=SorenessKind.WATCH, reasons=tuple(not_normal))
    return Soreness(
        kind=SorenessKind.NORMAL,
        reasons=(
            f"mild (worst {facts.pain_worst_week}/10)",
            "in the middle or on both sides",
            "started within the last two days, without warning signs",
        ),
    )
