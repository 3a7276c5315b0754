"""The shared vocabulary of every stage: a `Finding`, its `Severity`, its `Evidence`, and the
`Capacity` a finding asks the program to train.

A finding is one observation about the runner that matters for the back: "the heel lands 18% of
leg length ahead of the pelvis", "this run was 2.3x the longest run of the previous 30 days". Each
stage (side video, rear video, training, symptoms) produces findings; the assessment ranks them;
the program answers them through their capacities. A finding is an association worded as such,
never a diagnosis.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    """How much a finding matters, in increasing order.

    ``info`` is shown for context and never drives the program; ``low`` / ``moderate`` / ``high``
    are graded departures from the usual range.
    """

    INFO = "info"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 for ``info`` up to 3 for ``high``: for sorting."""
        return list(Severity).index(self)


class Source(StrEnum):
    """Which stage of the loop produced a finding."""

    VIDEO_SIDE = "video_side"
    VIDEO_REAR = "video_rear"
    TRAINING = "training"
    SYMPTOMS = "symptoms"


class EvidenceLevel(StrEnum):
    """How strong the published evidence is for the link the finding draws.

    ``association``: prospective or cross-sectional studies link the measure to injury or to
    the load on the back. ``expert``: clinical practice and consensus, little direct data.
    ``heuristic``: a reasoned extrapolation, stated as such.
    """

    ASSOCIATION = "association"
    EXPERT = "expert"
    HEURISTIC = "heuristic"

    @property
    def rank(self) -> int:
        """2 for ``association`` down to 0 for ``heuristic``: for sorting."""
        return {"association": 2, "expert": 1, "heuristic": 0}[self.value]


class Confidence(StrEnum):
    """How sure we are of the measurement itself (frame rate, hidden leg, short history...)."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class Capacity(StrEnum):
    """What a program trains. Findings point to capacities; exercises declare the ones they train.

    The list is the clinic's (seed 000: deep core, glutes, quadriceps, hamstrings, rotational
    control, balance) split where the exercise choice differs.
    """

    DEEP_CORE = "deep_core"  # anti-extension, trunk stiffness
    ANTI_ROTATION = "anti_rotation"
    LATERAL_CORE = "lateral_core"
    GLUTE_MAX = "glute_max"
    GLUTE_MED = "glute_med"
    HAMSTRINGS = "hamstrings"
    ECCENTRIC_QUADS = "eccentric_quads"  # braking on descents
    CALVES_FEET = "calves_feet"
    BALANCE = "balance"
    HIP_FLEXOR_MOBILITY = "hip_flexor_mobility"
    HAMSTRING_MOBILITY = "hamstring_mobility"
    THORACIC_ROTATION = "thoracic_rotation"
    LUMBAR_MOBILITY = "lumbar_mobility"
    RELAXATION = "relaxation"


class Evidence(BaseModel):
    """One piece of data behind a finding: a metric, a file, an answer, a frame.

    ``ref`` points at where a reader can check it: a key in ``metrics.json``, an activity id, a
    check-in field, an artifact's content hash.
    """

    model_config = ConfigDict(frozen=True)

    label: str
    ref: str | None = None
    value: float | str | None = None


class Finding(BaseModel):
    """One observation that matters for the runner's back, with the numbers behind it.

    Attributes
    ----------
    code
        Stable identifier, e.g. ``"overstride"``, ``"single_run_spike"``.
    source
        The stage that produced it.
    title
        A short plain-language headline.
    severity
        How far from the usual range.
    value, threshold, units
        The measured value and the threshold it was compared with, in ``units``.
    explanation
        Why it matters for the back, worded as an association, with what the evidence does not say.
    reference
        The published source of the threshold or of the link (author, year, journal / DOI).
    evidence
        The data behind it.
    capacities
        What the program should train in answer.
    evidence_level, confidence
        Strength of the published link; confidence in the measurement itself.
    modifiability
        How changeable it is by training or technique (0 fixed .. 1 readily changed), for ranking.
    ruleset
        Version (and content hash) of the thresholds file that produced it.
    """

    model_config = ConfigDict(frozen=True)

    code: str = Field(min_length=1)
    source: Source
    title: str
    severity: Severity
    value: float | None = None
    threshold: float | None = None
    units: str | None = None
    explanation: str
    reference: str = ""
    evidence: tuple[Evidence, ...] = ()
    capacities: tuple[Capacity, ...] = ()
    evidence_level: EvidenceLevel = EvidenceLevel.HEURISTIC
    confidence: Confidence = Confidence.MODERATE
    modifiability: float = Field(default=0.5, ge=0.0, le=1.0)
    ruleset: str | None = None
