"""The daily pain log: pain during and after a run, and how the back felt the next morning.

During a return to running the runner also logs which walk-run phase the run was; the walk-run
plan's progress is read from these entries (`backstride.program.walk_run`). Each score is read
with the pain-monitoring model (Silbernagel et al. Am J Sports Med 2007;35(6):897-906, for
Achilles tendinopathy; used pragmatically for back pain in ../shared/reference/clinical.md):
pain during activity 0-2 is safe, up to 5 acceptable, above 5 too much; the pain must settle by
the next morning. The zone limits are part of the versioned rule set (``pain_monitoring``).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backstride.errors import ValidationError
from backstride.symptoms.ruleset import PainMonitoring


class MorningResponse(StrEnum):
    """The back the next morning, compared with before the run."""

    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


class PainZone(StrEnum):
    """The pain-monitoring zone of one 0-10 score."""

    SAFE = "safe"
    ACCEPTABLE = "acceptable"
    TOO_MUCH = "too_much"


class PainEntry(BaseModel):
    """One day's entry; at least one of the three answers is given."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    entry_date: date
    pain_during: int | None = Field(default=None, ge=0, le=10)
    pain_after: int | None = Field(default=None, ge=0, le=10)
    next_morning: MorningResponse | None = None
    walk_run_phase: int | None = Field(default=None, ge=1, le=12)
    note: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _something(self) -> PainEntry:
        answers = (self.pain_during, self.pain_after, self.next_morning, self.walk_run_phase)
        if all(a is None for a in answers):
            raise ValueError(
                "give at least one of pain_during, pain_after, next_morning, walk_run_phase"
            )
        return self


def check_entry_date(entry: PainEntry, today: date) -> None:
    """Refuse an entry dated in the future (`ValidationError` naming ``entry_date``)."""
    if entry.entry_date > today:
        raise ValidationError(
            "entry_date", f"is in the future ({entry.entry_date}, today is {today})"
        )


def pain_zone(score_nrs: int, params: PainMonitoring) -> PainZone:
    """The pain-monitoring zone of a 0-10 score during or after activity.

    Examples
    --------
    >>> from backstride.symptoms.ruleset import load_ruleset
    >>> params = load_ruleset().pain_monitoring
    >>> [pain_zone(s, params).value for s in (0, 2, 3, 5, 6)]
    ['safe', 'safe', 'acceptable', 'acceptable', 'too_much']
    """
    if score_nrs <= params.safe_max_nrs:
        return PainZone.SAFE
    if score_nrs <= params.acceptable_max_nrs:
        return PainZone.ACCEPTABLE
    return PainZone.TOO_MUCH


def entry_verdicts(entry: PainEntry, params: PainMonitoring) -> list[str]:
    """One plain-language line per answer of ``entry``, read with the pain-monitoring model."""
    words = {
        PainZone.SAFE: "safe",
        PainZone.ACCEPTABLE: "acceptable",
        PainZone.TOO_MUCH: "too much: ease off next time",
    }
    lines = []
    for label, score in (("during the run", entry.pain_during), ("after", entry.pain_after)):
        if score is not None:
            lines.append(f"pain {label} {score}/10: {words[pain_zone(score, params)]}")
    if entry.next_morning is MorningResponse.WORSE:
        lines.append("worse the next morning: the load was too much; step back one level")
    elif entry.next_morning is not None:
        lines.append(f"next morning {entry.next_morning.value}: settled")
    return lines
