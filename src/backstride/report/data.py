"""What the report renders, as typed values: `ReportData` and its parts.

`backstride.report.load` fills these from the store (the assessment, the stage rows it points at,
the key frames and ``metrics.json`` of the gait row); the charts and the HTML read only these.
A stage that was not part of the assessment is ``None`` and its section says "not assessed".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from backstride.assess.models import Assessment
from backstride.findings import Finding
from backstride.program.models import Program
from backstride.symptoms.models import Triage

View = Literal["side", "rear"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Band(_Frozen):
    """The usual range of a gait metric: values between ``low`` and ``high`` are not flagged.

    ``None`` on one side means open-ended. ``text`` says the range in words, ``source`` where
    the edge comes from (the video thresholds file and its references).

    Examples
    --------
    >>> Band(low=None, high=20.0, text="below 20", source="").contains(12.0)
    True
    """

    low: float | None
    high: float | None
    text: str
    source: str

    def contains(self, value: float) -> bool:
        """True when ``value`` is inside the usual range."""
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


class MetricRow(_Frozen):
    """One gait metric against its usual range, for the gait table."""

    metric: str
    label: str
    view: View
    value: float
    units: str
    band: Band | None
    flagged: str | None  # the severity of the finding on this metric, if any


class StrideSeries(_Frozen):
    """The per-stride values of one metric in one clip, with their median and usual range."""

    metric: str
    label: str
    view: View
    units: str
    per_stride: tuple[float, ...]
    median: float
    band: Band | None


class KeyFrame(_Frozen):
    """An annotated key frame, downscaled and embedded as a ``data:`` URI."""

    view: View
    label: str
    alt: str
    data_uri: str
    width_px: int
    height_px: int


class GaitData(_Frozen):
    """The gait row of the assessment with what the report draws from its files."""

    id: int
    created_at: datetime
    views: tuple[View, ...]
    findings: tuple[Finding, ...]
    rows: tuple[MetricRow, ...]
    series: tuple[StrideSeries, ...]
    frames: tuple[KeyFrame, ...]
    quality: tuple[str, ...]  # quality messages (warnings) in plain words
    thresholds: str
    strike_pattern: str | None = None


class WeekLoad(_Frozen):
    """One week's running distance and descent."""

    week_start: date
    distance_km: float
    descent_m: float
    complete: bool


class LoadEvent(_Frozen):
    """A spike or a big descent, placed on the timeline."""

    on: date
    kind: Literal["spike", "descent"]
    level: str
    text: str


class ShoeUse(_Frozen):
    """A pair of shoes and its distance against its limit."""

    name: str
    total_km: float
    limit_km: float | None
    fraction_of_limit: float | None
    retired_on: date | None


class TrainingData(_Frozen):
    """The training row of the assessment: weekly load, spikes, shoes and findings."""

    id: int
    start: date
    end: date
    weeks: tuple[WeekLoad, ...]
    events: tuple[LoadEvent, ...]
    shoes: tuple[ShoeUse, ...]
    findings: tuple[Finding, ...]
    trail_runner: bool
    ruleset: str


class ReportData(_Frozen):
    """Everything one report shows: the assessment and the stages it was made from."""

    assessment_id: int
    assessment: Assessment
    gait: GaitData | None = None
    training: TrainingData | None = None
    triage: Triage | None = None
    program: Program | None = None
