"""Doses: one variable per step, lighter weeks lighter, durations and texts."""

from __future__ import annotations

import pytest

from backstride.program.dosage import (
    Dose,
    duration_s,
    lighter,
    short_text,
    start_dose,
    volume_steps,
)
from backstride.program.exercise import Dosage
from backstride.program.library import load_library

FIELDS = ("sets", "reps", "hold_s", "minutes", "pyramid")


def _changed(a: Dose, b: Dose) -> set[str]:
    return {f for f in FIELDS if getattr(a, f) != getattr(b, f)}


@pytest.mark.parametrize("ex_id", sorted(load_library().exercises))
def test_each_volume_step_changes_exactly_one_variable_upwards(ex_id: str) -> None:
    dosage = load_library()[ex_id].dosage
    for sets, cap in ((1, None), (2, 2), (3, None)):
        dose = start_dose(dosage, sets=sets, sets_max=cap)
        for nxt, variable in volume_steps(dosage, dose, sets_max=cap):
            changed = _changed(dose, nxt)
            assert len(changed) == 1
            assert changed == {"pyramid" if nxt.pyramid else variable}
            assert duration_s(nxt) > duration_s(dose)
            dose = nxt
        top = dosage.reps or dosage.hold_s or dosage.minutes
        if dosage.pyramid is None and top is not None:
            assert max(x for x in (dose.reps, dose.hold_s, dose.minutes) if x) == top[1]
            assert dose.sets == (dosage.sets[1] if cap is None else min(dosage.sets[1], cap))


def test_start_dose_respects_range_and_phase_cap() -> None:
    d = Dosage(sets=[2, 3], reps=[8, 12])
    assert start_dose(d, sets=1, sets_max=None).sets == 2  # raised to the range
    assert start_dose(d, sets=3, sets_max=None).sets == 3
    assert start_dose(d, sets=3, sets_max=2).sets == 2  # the phase cap wins
    assert start_dose(d, sets=3, sets_max=2).reps == 8


def test_seed_hold_progression_matches_the_seed() -> None:
    """Forearm plank: 30 s building to 60 s (seed 001)."""
    plank = load_library()["forearm_plank"].dosage
    start = start_dose(plank, sets=2, sets_max=2)
    holds = [start.hold_s] + [d.hold_s for d, _ in volume_steps(plank, start, sets_max=2)]
    assert holds == [30, 40, 50, 60]


@pytest.mark.parametrize(
    "dose",
    [
        Dose(sets=3, reps=12, tempo="2-1-2", rest_s=60),
        Dose(sets=1, reps=10, per_side=True, rest_s=30),
        Dose(sets=2, hold_s=45, rest_s=30),
        Dose(sets=1, minutes=4),
        Dose(sets=3, hold_s=10, pyramid=(6, 4, 2), per_side=True, rest_s=30),
    ],
)
def test_lighter_is_always_less_work(dose: Dose) -> None:
    light = lighter(dose, sets_minus=1, volume_factor=0.7)
    assert duration_s(light) < duration_s(dose)
    assert len(_changed(dose, light)) == 1


def test_duration_counts_sides_tempo_and_rests() -> None:
    assert duration_s(Dose(sets=3, reps=10, tempo="3-1-1", rest_s=60)) == 3 * 10 * 5 + 2 * 60
    assert duration_s(Dose(sets=2, hold_s=30, per_side=True, rest_s=20)) == 2 * 30 * 2 + 20
    assert duration_s(Dose(sets=1, minutes=3, per_side=True)) == 360


def test_texts() -> None:
    assert Dose(sets=1, hold_s=240).text() == "4 min"
    assert Dose(sets=3, reps=20).text() == "3 x 20"
    assert short_text(Dose(sets=2, hold_s=30, per_side=True)) == "2x30 s/side"
