"""The check-in: what the runner tells us, as one validated model.

Every answer is optional in the model because a check-in can be partial (a draft); which answers a
decision needs is the job of `backstride.symptoms.questions` (what applies is asked, what applies
and is missing is asked again). Ranges, option values and unknown keys are checked here, once, at
the edge. `None` always means "not answered"; an empty list means "none of these".

The wording of the questions lives in ``questions.yaml`` (our own words; no licensed instrument is
copied). Pain is the 0-10 Numeric Pain Rating Scale, which is free to use.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from backstride.errors import ValidationError

NRS = Field(default=None, ge=0, le=10)
MIN_AGE, MAX_AGE = 8, 110


class Episodes(StrEnum):
    """Earlier episodes of low back pain before this one."""

    NONE = "none"
    ONE = "one"
    SEVERAL = "several"


class Trend(StrEnum):
    """How the pain has changed since this episode started."""

    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


class PainTime(StrEnum):
    """When it hurts."""

    DURING_RUNS = "during_runs"
    AFTER_RUNS = "after_runs"
    MORNINGS = "mornings"
    NIGHT = "night"
    REST = "rest"


class Quality(StrEnum):
    """What the pain feels like."""

    ACHE = "ache"
    SHARP = "sharp"
    BURNING = "burning"


class Area(StrEnum):
    """Where it hurts."""

    CENTRAL = "central"
    ONE_SIDE = "one_side"
    BOTH_SIDES = "both_sides"
    BUTTOCK = "buttock"
    THIGH = "thigh"
    BELOW_KNEE = "below_knee"


class LegSymptom(StrEnum):
    """Nerve-type symptoms in a leg or foot."""

    NUMBNESS = "numbness"
    PINS_AND_NEEDLES = "pins_and_needles"
    WEAKNESS = "weakness"


class Legs(StrEnum):
    """How many legs the leg pain or leg symptoms reach."""

    ONE = "one"
    BOTH = "both"


class Aggravator(StrEnum):
    """What makes it worse."""

    BENDING_FORWARD = "bending_forward"
    ARCHING_BACK = "arching_back"
    SITTING = "sitting"
    STANDING = "standing"
    UPHILL = "uphill"
    DOWNHILL = "downhill"
    LONG_RUNS = "long_runs"
    MOVING = "moving"


class Easer(StrEnum):
    """What eases it."""

    MOVING = "moving"
    LYING_DOWN = "lying_down"
    SITTING = "sitting"
    BENDING_FORWARD = "bending_forward"
    ARCHING_BACK = "arching_back"
    REST = "rest"
    HEAT = "heat"


class Trauma(StrEnum):
    """A fall, knock or accident before the pain started."""

    NONE = "none"
    MINOR = "minor"
    SIGNIFICANT = "significant"


class CheckIn(BaseModel):
    """The answers of one check-in; every field is one question in ``questions.yaml``.

    Examples
    --------
    >>> CheckIn(pain_now=3, pain_worst_week=5).pain_now
    3
    >>> CheckIn(pain_now=7, pain_worst_week=5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for CheckIn
    pain_worst_week
      Value error, is lower than pain_now (5 < 7); the worst of the last week includes today...
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    # pain and its course
    pain_now: int | None = NRS
    pain_worst_week: int | None = NRS
    onset_date: date | None = None
    previous_episodes: Episodes | None = None
    trend: Trend | None = None
    when: tuple[PainTime, ...] | None = None
    morning_stiffness_min: int | None = Field(default=None, ge=0, le=720)
    quality: Quality | None = None
    where: tuple[Area, ...] | None = None
    # legs and nerves
    leg_symptoms: tuple[LegSymptom, ...] | None = None
    legs: Legs | None = None
    weakness_progressive: bool | None = None
    # symptom response
    worse: tuple[Aggravator, ...] | None = None
    eases: tuple[Easer, ...] | None = None
    daily_life: bool | None = None
    # the red-flag screen (../shared/reference/clinical.md)
    saddle_numbness: bool | None = None
    bladder_change: bool | None = None
    bowel_incontinence: bool | None = None
    sexual_dysfunction: bool | None = None
    fever_unwell: bool | None = None
    neuro_spreading: bool | None = None
    trauma: Trauma | None = None
    osteoporosis: bool | None = None
    long_term_steroids: bool | None = None
    immunosuppressed: bool | None = None
    injects_drugs: bool | None = None
    cancer_history: bool | None = None
    weight_loss: bool | None = None
    night_pain_constant: bool | None = None
    thoracic_pain: bool | None = None
    # about the runner
    age: int | None = Field(default=None, ge=MIN_AGE, le=MAX_AGE)
    known_conditions: str | None = Field(default=None, max_length=500)

    @field_validator("pain_worst_week")
    @classmethod
    def _worst_includes_now(cls, worst: int | None, info: ValidationInfo) -> int | None:
        now = info.data.get("pain_now")
        if now is not None and worst is not None and worst < now:
            raise ValueError(
                f"is lower than pain_now ({worst} < {now}); the worst of the last week includes "
                "today"
            )
        return worst

    def answered(self) -> dict[str, object]:
        """The answers given so far (``None`` left out), as JSON-friendly values."""
        return self.model_dump(mode="json", exclude_none=True)


def check_dates(checkin: CheckIn, today: date) -> None:
    """Refuse an onset date in the future or before the runner was born.

    Raises
    ------
    ValidationError
        Naming ``onset_date`` and the problem.

    Examples
    --------
    >>> check_dates(CheckIn(onset_date=date(2030, 1, 2)), date(2030, 1, 1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    backstride.errors.ValidationError: onset_date: is in the future (2030-01-02, today is ...)
    """
    onset = checkin.onset_date
    if onset is None:
        return
    if onset > today:
        raise ValidationError("onset_date", f"is in the future ({onset}, today is {today})")
    if checkin.age is not None and (today - onset).days > checkin.age * 366:
        raise ValidationError(
            "onset_date", f"is before you were born ({onset}, age {checkin.age}); check the year"
        )


def with_birth_year(checkin: CheckIn, birth_year: int | None, today: date) -> CheckIn:
    """Fill in ``age`` from the runner's birth year when the check-in has none.

    The age is the one reached this calendar year (``today.year - birth_year``), so it can be one
    year above the true age until the birthday. Ages outside the model's range are not filled in
    (the question is then asked).

    Examples
    --------
    >>> with_birth_year(CheckIn(), 1988, date(2026, 5, 1)).age
    38
    >>> with_birth_year(CheckIn(age=30), 1988, date(2026, 5, 1)).age
    30
    """
    if checkin.age is not None or birth_year is None:
        return checkin
    age = today.year - birth_year
    if not MIN_AGE <= age <= MAX_AGE:
        return checkin
    return checkin.model_copy(update={"age": age})
