"""Concrete doses: where an exercise starts, the steps it climbs, a lighter week, and its time.

A `Dose` is what a runner does in one session (``2 x 10 / side``). `volume_steps` lists the doses
of one exercise from its start to the top of its range, each step changing exactly ONE variable
(the repetitions, the hold time, the minutes, or the number of sets), as the clinical reference
asks: "change one variable at a time ... after 2 sessions with effort <= 6/10, pain <= 3/10 and a
settled 24 h response". Pure functions, no I/O.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict

from backstride.program.exercise import Dosage

Variable = Literal["start", "exercise", "sets", "reps", "hold_s", "minutes"]

DEFAULT_REP_S = 3.0  # seconds per repetition when no tempo is given


class Dose(BaseModel):
    """One session's dose of an exercise.

    Exactly one of ``reps``, ``hold_s``, ``minutes`` is set (as in `Dosage`); ``pyramid`` lists
    the holds per set of a descending pyramid of ``hold_s`` holds.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    sets: int
    reps: int | None = None
    hold_s: int | None = None
    minutes: int | None = None
    pyramid: tuple[int, ...] | None = None
    per_side: bool = False
    tempo: str | None = None
    rest_s: int = 0

    def text(self) -> str:
        """The dose as a runner reads it.

        Examples
        --------
        >>> Dose(sets=2, reps=10, per_side=True, tempo="3-1-1").text()
        '2 x 10 / side, tempo 3-1-1'
        >>> Dose(sets=3, hold_s=10, pyramid=(6, 4, 2)).text()
        '6-4-2 holds of 10 s'
        >>> Dose(sets=1, minutes=2, per_side=True).text()
        '2 min / side'
        """
        side = " / side" if self.per_side else ""
        if self.pyramid is not None:
            return f"{'-'.join(map(str, self.pyramid))} holds of {self.hold_s} s{side}"
        amount = _amount(self, long_holds_in_min=True)
        head = amount if self.sets == 1 and self.reps is None else f"{self.sets} x {amount}"
        tempo = f", tempo {self.tempo}" if self.tempo else ""
        return f"{head}{side}{tempo}"


def _amount(dose: Dose, *, long_holds_in_min: bool) -> str:
    """What one set is: ``"12"`` repetitions, ``"30 s"``, ``"3 min"``."""
    if dose.minutes is not None:
        return f"{dose.minutes} min"
    if dose.hold_s is not None:
        if long_holds_in_min and dose.hold_s >= 120:
            return f"{dose.hold_s / 60:g} min"
        return f"{dose.hold_s} s"
    return str(dose.reps)


def short_text(dose: Dose) -> str:
    """A compact dose without tempo, for tables.

    Examples
    --------
    >>> short_text(Dose(sets=2, reps=10, per_side=True, tempo="3-1-1"))
    '2x10/side'
    >>> short_text(Dose(sets=3, hold_s=10, pyramid=(6, 4, 2)))
    '6-4-2x10 s'
    """
    side = "/side" if dose.per_side else ""
    if dose.pyramid is not None:
        return f"{'-'.join(map(str, dose.pyramid))}x{dose.hold_s} s{side}"
    return f"{dose.sets}x{_amount(dose, long_holds_in_min=False)}{side}"


def start_dose(dosage: Dosage, *, sets: int, sets_max: int | None) -> Dose:
    """The first dose: the low end of the range, ``sets`` clamped to the range and the phase cap.

    Examples
    --------
    >>> d = Dosage(sets=[2, 3], reps=[8, 12], tempo="2-1-2")
    >>> start_dose(d, sets=3, sets_max=2).text()
    '2 x 8, tempo 2-1-2'
    """
    lo, hi = dosage.sets
    n = min(max(sets, lo), hi)
    if sets_max is not None:
        n = min(n, sets_max)
    if dosage.pyramid is not None:
        n = len(dosage.pyramid)
    return Dose(
        sets=max(n, 1),
        reps=None if dosage.reps is None else dosage.reps[0],
        hold_s=None if dosage.hold_s is None else dosage.hold_s[0],
        minutes=None if dosage.minutes is None else dosage.minutes[0],
        pyramid=dosage.pyramid,
        per_side=dosage.per_side,
        tempo=dosage.tempo,
        rest_s=dosage.rest_s,
    )


def _increment(lo: int, hi: int, *, unit: str) -> int:
    """The size of one volume step: about a third of the range, in sensible units."""
    if unit == "reps":
        return 2 if hi - lo >= 4 else 1
    if unit == "hold_s":
        return max(5, 5 * round((hi - lo) / 3 / 5))
    return max(1, (hi - lo) // 4)


def _unit_step(dose: Dose, dosage: Dosage) -> tuple[Dose, Variable] | None:
    """The next dose with more repetitions / hold / minutes, or None at the top of the range."""
    if dose.pyramid is not None:
        top = dosage.pyramid[0] + 2 if dosage.pyramid else 0
        if dose.pyramid[0] >= top:
            return None
        return dose.model_copy(update={"pyramid": tuple(n + 1 for n in dose.pyramid)}), "reps"
    for unit in ("reps", "hold_s", "minutes"):
        rng = getattr(dosage, unit)
        value = getattr(dose, unit)
        if rng is None or value is None:
            continue
        if value >= rng[1]:
            return None
        nxt = min(value + _increment(rng[0], rng[1], unit=unit), rng[1])
        return dose.model_copy(update={unit: nxt}), unit
    return None


def volume_steps(
    dosage: Dosage, start: Dose, *, sets_max: int | None
) -> list[tuple[Dose, Variable]]:
    """The doses after ``start``, one variable at a time: first the unit to the top of its range,
    then one more set at a time up to the range (and the phase cap).

    Examples
    --------
    >>> d = Dosage(sets=[2, 3], hold_s=[30, 60])
    >>> [(s.text(), v) for s, v in volume_steps(d, start_dose(d, sets=2, sets_max=None),
    ...                                           sets_max=None)]
    [('2 x 40 s', 'hold_s'), ('2 x 50 s', 'hold_s'), ('2 x 60 s', 'hold_s'), ('3 x 60 s', 'sets')]
    """
    top_sets = dosage.sets[1] if sets_max is None else min(dosage.sets[1], sets_max)
    steps: list[tuple[Dose, Variable]] = []
    dose = start
    while (nxt := _unit_step(dose, dosage)) is not None:
        dose = nxt[0]
        steps.append(nxt)
    if dose.pyramid is None:
        while dose.sets < top_sets:
            dose = dose.model_copy(update={"sets": dose.sets + 1})
            steps.append((dose, "sets"))
    return steps


def lighter(dose: Dose, *, sets_minus: int, volume_factor: float) -> Dose:
    """The dose of a lighter week: one set fewer, or at one set ``volume_factor`` of the volume.

    Examples
    --------
    >>> lighter(Dose(sets=3, reps=12), sets_minus=1, volume_factor=0.7).text()
    '2 x 12'
    >>> lighter(Dose(sets=1, hold_s=120), sets_minus=1, volume_factor=0.7).text()
    '84 s'
    """
    if dose.pyramid is not None:
        return dose.model_copy(update={"pyramid": tuple(max(1, n - 2) for n in dose.pyramid)})
    if dose.sets - sets_minus >= 1 and sets_minus > 0:
        return dose.model_copy(update={"sets": dose.sets - sets_minus})
    update: dict[str, int] = {}
    for unit, floor_value in (("reps", 1), ("hold_s", 5), ("minutes", 1)):
        value = getattr(dose, unit)
        if value is not None:
            update[unit] = max(floor_value, math.floor(value * volume_factor))
    return dose.model_copy(update=update)


def rep_seconds(tempo: str | None) -> float:
    """Seconds per repetition: the sum of a ``"3-1-1"`` tempo, else `DEFAULT_REP_S`."""
    if not tempo:
        return DEFAULT_REP_S
    return float(sum(int(part) for part in tempo.split("-"))) or DEFAULT_REP_S


def duration_s(dose: Dose) -> float:
    """Estimated seconds for the dose, rests between sets included (for the session budget).

    Examples
    --------
    >>> duration_s(Dose(sets=2, reps=10, per_side=True, tempo="2-1-2", rest_s=45))
    245.0
    """
    sides = 2 if dose.per_side else 1
    if dose.pyramid is not None:
        work = sum(dose.pyramid) * ((dose.hold_s or 0) + 2.0) * sides
        return work + dose.rest_s * (len(dose.pyramid) - 1) * sides
    if dose.minutes is not None:
        per_set = dose.minutes * 60.0
    elif dose.hold_s is not None:
        per_set = float(dose.hold_s)
    else:
        per_set = (dose.reps or 0) * rep_seconds(dose.tempo)
    return dose.sets * per_set * sides + dose.rest_s * max(dose.sets - 1, 0)
