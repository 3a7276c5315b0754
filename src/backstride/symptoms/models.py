"""The triage result every later stage consumes: tier, phase, symptom-response tags.

This is the contract between the symptoms stage and the program stage: the program reads
`Triage.tier` (EMERGENCY and URGENT produce no program) and `Triage.tags` (absolute
contraindications). Fields may be added; these ones keep their names and meaning.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_serializer

from backstride.findings import Evidence


class Tier(StrEnum):
    """What the runner should do, most urgent first (../shared/reference/clinical.md)."""

    EMERGENCY = "EMERGENCY"  # emergency care now; stop everything
    URGENT = "URGENT"  # a clinician today
    SOON = "SOON"  # pause the program; see a GP or physio soon
    RADICULAR = "RADICULAR"  # low-load work only; review in 1-2 weeks
    SELF_MANAGE = "SELF_MANAGE"  # guidance and a program are appropriate

    @property
    def urgency(self) -> int:
        """4 for EMERGENCY down to 0 for SELF_MANAGE: higher is more urgent."""
        return {"EMERGENCY": 4, "URGENT": 3, "SOON": 2, "RADICULAR": 1, "SELF_MANAGE": 0}[
            self.value
        ]

    @property
    def words(self) -> str:
        """The tier in plain words, for every text a person reads; the code stays in JSON and DB.

        Worded from the action column of ../shared/reference/clinical.md and the rule set's tier
        texts (``rules/<version>.yaml``).

        Examples
        --------
        >>> Tier.SELF_MANAGE.words, Tier("SOON").words
        ('self-management with guidance', 'see a GP or physio soon')
        """
        return _TIER_WORDS[self]

    @property
    def allows_program(self) -> bool:
        """EMERGENCY and URGENT get a referral only: no program and no running advice."""
        return self.urgency < 3


_TIER_WORDS = {
    Tier.EMERGENCY: "emergency care now",
    Tier.URGENT: "see a clinician today",
    Tier.SOON: "see a GP or physio soon",
    Tier.RADICULAR: "low-load work only, review in 1-2 weeks",
    Tier.SELF_MANAGE: "self-management with guidance",
}


class SymptomTag(StrEnum):
    """The runner's own symptom response, used as absolute contraindications by the program."""

    FLEXION_INTOLERANT = "flexion_intolerant"  # worse bending forward, sitting
    EXTENSION_INTOLERANT = "extension_intolerant"  # worse arching back, standing, downhill
    LEG_SYMPTOMS = "leg_symptoms"  # pain below the buttock, pins and needles, numbness, weakness
    LOAD_SENSITIVE = "load_sensitive"  # worse with long runs, impact, the day after load


class SeedPhase(StrEnum):
    """Phase by days since onset as in seed 003: acute 0-72 h, subacute to 6 weeks, then chronic."""

    ACUTE = "acute"
    SUBACUTE = "subacute"
    CHRONIC = "chronic"


class GuidelinePhase(StrEnum):
    """Phase as guidelines and trials band it: acute < 6 weeks, subacute 6-12, chronic >= 12."""

    ACUTE = "acute"
    SUBACUTE = "subacute"
    CHRONIC = "chronic"


class Phase(BaseModel):
    """Where the episode is in time. ``flare`` is the first 72 hours."""

    model_config = ConfigDict(frozen=True)

    days_since_onset: int = Field(ge=0)
    flare: bool
    seed: SeedPhase
    guideline: GuidelinePhase


class FiredRule(BaseModel):
    """One triage rule that matched, with its reason and source.

    ``evidence`` lists the check-in answers the rule looked at (``ref`` is ``checkin.<field>``),
    so a clinician sees the answers behind the tier; ``advice`` is the rule's own plain-language
    step, if it has one.
    """

    model_config = ConfigDict(frozen=True)

    id: str
    tier: Tier
    explanation: str
    source: str = ""
    advice: str = ""
    evidence: tuple[Evidence, ...] = ()


class TagReason(BaseModel):
    """Why the runner has a symptom-response tag: the tag rule's explanation and the answers."""

    model_config = ConfigDict(frozen=True)

    tag: SymptomTag
    explanation: str
    evidence: tuple[Evidence, ...] = ()


class SorenessKind(StrEnum):
    """Normal post-run soreness versus pain that deserves attention (seed 003)."""

    NO_PAIN = "no_pain"
    NORMAL = "normal_soreness"  # mild, symmetrical, settling within 24-48 h
    WATCH = "watch"  # not typical soreness, nothing concerning either: check again soon
    CONCERNING = "concerning"  # sharp, radiating, lasting, worse with movement, at rest/night


class Soreness(BaseModel):
    """The soreness reading and the reasons for it, in plain words."""

    model_config = ConfigDict(frozen=True)

    kind: SorenessKind
    reasons: tuple[str, ...] = ()


#: A stored check-in older than this is not used again (by ``assess``, ``plan`` or the web app):
#: symptoms, red flags and the phase change within weeks (clinical.md: no improvement after 4-6
#: weeks is itself a reason to see a GP).
CHECKIN_MAX_AGE_DAYS = 28


def checkin_too_old(decided_on: date, today: date) -> bool:
    """Whether a check-in decided on ``decided_on`` is too old to use on ``today``.

    >>> day = date(2026, 3, 1)
    >>> checkin_too_old(day, date(2026, 3, 29)), checkin_too_old(day, date(2026, 3, 30))
    (False, True)
    """
    return (today - decided_on).days > CHECKIN_MAX_AGE_DAYS


class Triage(BaseModel):
    """The decision: tier first, then phase and tags, and every rule behind it.

    Added by the symptoms stage (all optional for readers): ``headline`` (the tier's action in a
    few words), ``advice`` (further plain-language steps; always empty for EMERGENCY and URGENT,
    which get a referral only), ``soreness``, ``decided_on`` (the day the phase was counted
    from, so the decision can be reproduced) and ``unanswered`` (questions left unasked because
    an emergency answer had already decided the tier), ``tag_reasons`` (why each tag, with the
    answers behind it).
    """

    model_config = ConfigDict(frozen=True)

    tier: Tier
    action: str
    phase: Phase | None = None
    tags: frozenset[SymptomTag] = frozenset()
    fired: tuple[FiredRule, ...] = ()
    ruleset_version: str
    ruleset_hash: str
    headline: str = ""
    advice: tuple[str, ...] = ()
    soreness: Soreness | None = None
    decided_on: date | None = None
    unanswered: tuple[str, ...] = ()
    tag_reasons: tuple[TagReason, ...] = ()

    @field_serializer("tags")
    def _sorted_tags(self, tags: frozenset[SymptomTag]) -> list[SymptomTag]:
        """Tags in a stable order, so the same decision always serialises the same way."""
        return sorted(tags)
