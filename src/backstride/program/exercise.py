"""One exercise of the library and its dosage: the schema every library entry is validated against.

An exercise declares what it trains (`Capacity`), how it loads the lumbar spine (`SpinalLoad`),
its impact, the equipment it needs, its level on a ladder (1 easiest .. 5 hardest), the easier
(``regression``) and harder (``progression``) exercise next to it, a dosage range and our own
instructions. ``contraindications`` are the library's fine tags (see ``exercises/index.yaml``),
each mapped from the runner's `SymptomTag` there: a runner whose symptoms map to a tag never gets
an exercise carrying it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from backstride.findings import Capacity


class SpinalLoad(StrEnum):
    """How the exercise loads the lumbar spine.

    ``neutral``: the spine is held still in its neutral curve; ``flexion`` / ``extension``: the
    spine bends forward / arches, or resists a moment that would bend it so under load;
    ``rotation``: twisting; ``lateral_flexion``: side bending (the seeds' side-flexion stretch;
    added to the issue's list because calling it "neutral" would be untrue); ``axial``: load
    carried down the spine (weights held or carried).
    """

    NEUTRAL = "neutral"
    FLEXION = "flexion"
    EXTENSION = "extension"
    ROTATION = "rotation"
    LATERAL_FLEXION = "lateral_flexion"
    AXIAL = "axial"


class Impact(StrEnum):
    """Ground impact: ``none`` (lying, kneeling), ``low`` (standing, stepping), ``moderate`` and
    ``high`` (hops, bounds, landings)."""

    NONE = "none"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class Equipment(StrEnum):
    """What a runner needs at hand. ``none`` is a floor, a wall, a chair or a towel."""

    NONE = "none"
    MAT = "mat"
    BAND = "band"
    BALL = "ball"  # a gym (stability) ball
    WEIGHTS = "weights"  # dumbbells, a kettlebell or a filled backpack
    STEP = "step"  # a stair, box or bench, 20-40 cm
    LACROSSE_BALL = "lacrosse_ball"  # or a tennis ball


class Category(StrEnum):
    """Where an exercise goes in a program: strength sessions, mobility after runs, relaxation."""

    STRENGTH = "strength"
    MOBILITY = "mobility"
    RELAXATION = "relaxation"


def _as_range(value: Any) -> Any:
    """``8`` -> ``(8, 8)``; ``[8, 12]`` stays a pair."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    return value


IntRange = Annotated[tuple[int, int], BeforeValidator(_as_range)]


def _check_range(name: str, value: tuple[int, int] | None, low: int, high: int) -> None:
    if value is None:
        return
    if not low <= value[0] <= value[1] <= high:
        raise ValueError(f"{name} must be low <= high within {low}..{high}, got {list(value)}")


class Dosage(BaseModel):
    """The dosage range of an exercise: a program starts near the low end and climbs to the top.

    Exactly one of ``reps``, ``hold_s`` or ``minutes`` says what a set is. ``pyramid`` (with
    ``hold_s``) lists the repetitions of each set of a descending pyramid of holds, the practice
    convention for McGill's curl-up, side bridge and bird dog (e.g. 6-4-2 holds of 10 s).
    ``tempo`` is lower-pause-lift in seconds (``"3-1-1"``); ``rest_s`` the rest between sets.

    Examples
    --------
    >>> Dosage(sets=3, reps=[20, 30]).reps
    (20, 30)
    >>> try:
    ...     Dosage(sets=1, hold_s=30, minutes=2)
    ... except ValueError as exc:
    ...     print("exactly one of reps, hold_s or minutes" in str(exc))
    True
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    sets: IntRange
    reps: IntRange | None = None
    hold_s: IntRange | None = None
    minutes: IntRange | None = None
    pyramid: tuple[int, ...] | None = None
    per_side: bool = False
    tempo: str | None = Field(default=None, pattern=r"^\d-\d-\d$")
    rest_s: int = Field(default=45, ge=0, le=180)

    @model_validator(mode="after")
    def _one_unit(self) -> Dosage:
        given = [n for n in ("reps", "hold_s", "minutes") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError(
                f"exactly one of reps, hold_s or minutes must be given, got {given or 'none'}"
            )
        _check_range("sets", self.sets, 1, 5)
        _check_range("reps", self.reps, 1, 40)
        _check_range("hold_s", self.hold_s, 5, 600)
        _check_range("minutes", self.minutes, 1, 20)
        if self.pyramid is not None:
            if self.hold_s is None:
                raise ValueError("a pyramid is a pyramid of holds: give hold_s with it")
            if list(self.pyramid) != sorted(self.pyramid, reverse=True) or min(self.pyramid) < 1:
                raise ValueError(f"pyramid must descend and stay >= 1, got {list(self.pyramid)}")
            if self.sets != (len(self.pyramid), len(self.pyramid)):
                raise ValueError("sets must equal the number of pyramid steps")
        if self.tempo is not None and self.reps is None:
            raise ValueError("tempo only applies to repetitions")
        return self


class Exercise(BaseModel):
    """One library entry, validated when the library loads.

    ``capacities`` lists what it trains, the main one first. ``seed`` names the article that
    prescribes it (and the dosage there), when one does.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=3)
    purpose: str = Field(min_length=10)
    category: Category
    capacities: tuple[Capacity, ...] = Field(min_length=1)
    spinal_load: tuple[SpinalLoad, ...] = Field(min_length=1)
    impact: Impact
    equipment: tuple[Equipment, ...] = Field(min_length=1)
    level: int = Field(ge=1, le=5)
    regression: str | None = None
    progression: str | None = None
    dosage: Dosage
    instructions: tuple[str, ...] = Field(min_length=2)
    cues: tuple[str, ...] = Field(min_length=1)
    mistakes: tuple[str, ...] = Field(min_length=1)
    contraindications: tuple[str, ...] = ()
    seed: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Exercise:
        if Equipment.NONE in self.equipment and len(self.equipment) > 1:
            raise ValueError("equipment 'none' cannot be combined with other equipment")
        movements = set(self.spinal_load) - {SpinalLoad.NEUTRAL, SpinalLoad.AXIAL}
        if SpinalLoad.NEUTRAL in self.spinal_load and movements:
            raise ValueError("spinal_load 'neutral' cannot be combined with a movement")
        if self.id in (self.regression, self.progression):
            raise ValueError("an exercise cannot be its own regression or progression")
        for name, values in (("capacities", self.capacities), ("spinal_load", self.spinal_load)):
            if len(set(values)) != len(values):
                raise ValueError(f"{name} lists a value twice")
        return self

    def needs(self) -> frozenset[Equipment]:
        """The equipment to have at hand, without ``none``."""
        return frozenset(self.equipment) - {Equipment.NONE}
