"""The assessment: what the runner or clinician reads, as one typed, stored document.

An `Assessment` ties the stages together. It does not copy their detail: it points at the stored
stage results (``StageRefs``: the ``gait``, ``training``, ``triage`` and ``program`` rows of the
``assessments`` table, whose summaries keep their own schemas) and adds what only the whole loop
can say: which inputs were used and what a missing one costs, the findings of every source ranked
and explained, what could not be measured, and the change since the previous assessment judged
against the known re-test noise. The report (``backstride.report``) renders an `Assessment`
together with the stage rows it points at.

Stored as ``Assessment(kind="assessment").summary = assessment.model_dump(mode="json")``.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from backstride.findings import Finding

SCHEMA = "backstride.assessment/1"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class InputKind(StrEnum):
    """The four inputs of the loop."""

    SIDE_VIDEO = "side_video"
    REAR_VIDEO = "rear_video"
    ACTIVITIES = "activities"
    CHECKIN = "checkin"


class MissingInput(_Frozen):
    """An input not given this time, and what the assessment cannot say without it."""

    input: InputKind
    cost: str


class RankedFinding(_Frozen):
    """A finding in the assessment's order, with its plain-language explanation.

    ``score`` orders the list (higher first) from severity, strength of evidence, confidence in
    the measurement and how changeable it is; ``score_parts`` shows each term so the order can
    be checked. ``why`` says why it loads this runner's back, ``numbers`` which values show it,
    ``evidence_says`` / ``evidence_limits`` what the published evidence does and does not support.
    """

    rank: int = Field(ge=1)
    finding: Finding
    score: float
    score_parts: dict[str, float] = Field(default_factory=dict)
    why: str
    numbers: str
    evidence_says: str
    evidence_limits: str


class NotMeasured(_Frozen):
    """Something this assessment could not measure, and why (2D video, a missing input...)."""

    what: str
    why: str
    input: InputKind | None = None


Verdict = Literal["improved", "worse", "within_noise", "changed"]


class MetricChange(_Frozen):
    """One measure compared with the previous assessment.

    ``noise`` is the smallest change larger than re-test noise for this measure (``noise_source``
    says where that figure comes from); ``verdict`` is ``within_noise`` when ``|delta| <= noise``,
    otherwise ``improved`` / ``worse`` by ``better`` (the direction that is better for the back),
    or ``changed`` when no direction is better.
    """

    metric: str
    label: str
    units: str
    before: float
    after: float
    delta: float
    noise: float
    noise_source: str
    better: Literal["lower", "higher", "either"]
    verdict: Verdict


class ProgressReport(_Frozen):
    """What changed since the previous assessment of this runner."""

    previous_id: int
    previous_at: datetime
    days_between: int
    changes: tuple[MetricChange, ...] = ()
    resolved: tuple[str, ...] = ()  # finding codes present before and gone now
    new: tuple[str, ...] = ()  # finding codes present now and not before
    tier_before: str | None = None
    tier_after: str | None = None


class StageRefs(_Frozen):
    """Ids of the stored stage results this assessment was made from (``assessments.id``)."""

    gait: int | None = None
    training: int | None = None
    triage: int | None = None
    program: int | None = None


class Assessment(_Frozen):
    """One explained assessment of one runner.

    ``referral`` is true when triage sends the runner to a clinician (EMERGENCY or URGENT): then
    ``findings`` is empty, no program is made, and the report shows the referral only.
    ``headline`` is the summary's lines in plain words, most important first.
    ``created_at`` is when it was stored; ``assessed_on`` the day of the visit it is about
    (today, or the date a batch row gives; absent from assessments stored before it existed).
    """

    schema_id: str = SCHEMA
    runner: str
    created_at: datetime
    assessed_on: date | None = None
    inputs: tuple[InputKind, ...]
    missing: tuple[MissingInput, ...] = ()
    referral: bool = False
    tier: str | None = None
    triage_ruleset: str | None = None  # "version (sha256 prefix)" of the rule set that decided
    headline: tuple[str, ...] = ()
    findings: tuple[RankedFinding, ...] = ()
    not_measured: tuple[NotMeasured, ...] = ()
    progress: ProgressReport | None = None
    stages: StageRefs = StageRefs()
    sources: tuple[str, ...] = ()  # every reference cited, de-duplicated, in order of first use
    disclaimer: str
