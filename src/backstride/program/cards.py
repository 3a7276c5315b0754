"""The data of the exercise cards the report renders: one card per exercise a program can show."""

from __future__ import annotations

from collections.abc import Sequence

from backstride.program.library import Library
from backstride.program.models import Card, LinkedExercise, PostRunItem, Slot, Why


def _linked(library: Library, exercise_id: str | None) -> LinkedExercise | None:
    if exercise_id is None:
        return None
    return LinkedExercise(id=exercise_id, name=library[exercise_id].name)


def build_cards(
    slots: Sequence[Slot], post_run: Sequence[PostRunItem], library: Library
) -> tuple[Card, ...]:
    """A card for every exercise on a slot's path or in the post-run routine, in program order.

    The card's dose is the first dose the program gives that exercise; ``why`` gathers the
    reasons of every slot or routine it belongs to.
    """
    doses: dict[str, str] = {}
    whys: dict[str, list[Why]] = {}
    for slot in slots:
        for step in slot.steps:
            doses.setdefault(step.exercise_id, step.dose.text())
            whys.setdefault(step.exercise_id, [])
            whys[step.exercise_id] += [w for w in slot.why if w not in whys[step.exercise_id]]
    for item in post_run:
        doses.setdefault(item.exercise_id, item.dose_text)
        whys.setdefault(item.exercise_id, [])
        whys[item.exercise_id] += [w for w in item.why if w not in whys[item.exercise_id]]
    cards = []
    for ex_id, dose_text in doses.items():
        ex = library[ex_id]
        cards.append(
            Card(
                exercise_id=ex.id,
                name=ex.name,
                purpose=ex.purpose,
                category=ex.category,
                capacities=ex.capacities,
                spinal_load=ex.spinal_load,
                impact=ex.impact,
                equipment=ex.equipment,
                level=ex.level,
                dose_text=dose_text,
                instructions=ex.instructions,
                cues=ex.cues,
                mistakes=ex.mistakes,
                why=tuple(whys[ex_id]),
                regression=_linked(library, ex.regression),
                progression=_linked(library, ex.progression),
            )
        )
    return tuple(cards)
