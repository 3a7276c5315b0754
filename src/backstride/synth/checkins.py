"""Sample check-ins as YAML files, each with the triage it must produce (the truth).

The five samples cover the range the demo and the tests need: no pain, ordinary post-run soreness,
a subacute pain made worse by bending and sitting, a one-legged nerve-root pattern, and an
emergency (cauda equina warning signs). Each file is a complete check-in that
``backstride checkin --runner NAME --from FILE`` reads; onset dates are written relative to
``today`` so the phase is the intended one on the day the files are written.

Example
-------
>>> import tempfile
>>> from pathlib import Path
>>> samples = write_checkins(Path(tempfile.mkdtemp()))
>>> samples[SUBACUTE_FLEXION].expected_tier.value, samples[SUBACUTE_FLEXION].path.name
('SELF_MANAGE', 'subacute_flexion.yaml')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.models import SeedPhase, SorenessKind, SymptomTag, Tier

NO_PAIN = "no_pain"
POST_RUN_SORENESS = "post_run_soreness"
SUBACUTE_FLEXION = "subacute_flexion"
"""The demo's "sample subacute check-in": 18 days of pain, worse bending and sitting."""
RADICULAR = "radicular"
RED_FLAG = "red_flag"

CLEAR_SCREEN: dict[str, Any] = {
    "saddle_numbness": False,
    "bladder_change": False,
    "bowel_incontinence": False,
    "sexual_dysfunction": False,
    "fever_unwell": False,
    "neuro_spreading": False,
    "trauma": "none",
    "immunosuppressed": False,
    "injects_drugs": False,
    "cancer_history": False,
    "weight_loss": False,
    "thoracic_pain": False,
}
"""Every red-flag question answered "no" (the questions that always apply)."""


@dataclass(frozen=True)
class CheckinSample:
    """A written sample check-in and the triage it must produce."""

    name: str
    title: str
    path: Path
    answers: dict[str, Any]
    expected_tier: Tier
    expected_tags: frozenset[SymptomTag]
    expected_seed_phase: SeedPhase | None
    expected_soreness: SorenessKind
    expected_rules: frozenset[str]


@dataclass(frozen=True)
class _Spec:
    title: str
    onset_days_ago: int | None
    answers: dict[str, Any]
    tier: Tier
    tags: frozenset[SymptomTag]
    phase: SeedPhase | None
    soreness: SorenessKind
    rules: frozenset[str]


T = SymptomTag
SPECS: dict[str, _Spec] = {
    NO_PAIN: _Spec(
        "no back pain today or this week",
        None,
        {"pain_now": 0, "pain_worst_week": 0, "leg_symptoms": [], "age": 34},
        Tier.SELF_MANAGE,
        frozenset(),
        None,
        SorenessKind.NO_PAIN,
        frozenset(),
    ),
    POST_RUN_SORENESS: _Spec(
        "a mild, even ache the day after a long run",
        1,
        {
            "pain_now": 2,
            "pain_worst_week": 3,
            "previous_episodes": "none",
            "when": ["after_runs"],
            "quality": "ache",
            "where": ["central", "both_sides"],
            "leg_symptoms": [],
            "worse": ["long_runs"],
            "eases": ["moving", "heat"],
            "daily_life": False,
            "age": 34,
        },
        Tier.SELF_MANAGE,
        frozenset({T.LOAD_SENSITIVE}),
        SeedPhase.ACUTE,
        SorenessKind.NORMAL,
        frozenset(),
    ),
    SUBACUTE_FLEXION: _Spec(
        "18 days of low back pain, worse bending forward and sitting, eased by arching back",
        18,
        {
            "pain_now": 4,
            "pain_worst_week": 6,
            "previous_episodes": "one",
            "trend": "better",
            "when": ["during_runs", "mornings"],
            "morning_stiffness_min": 15,
            "quality": "ache",
            "where": ["central", "buttock"],
            "leg_symptoms": [],
            "worse": ["bending_forward", "sitting"],
            "eases": ["moving", "arching_back"],
            "daily_life": False,
            "age": 41,
        },
        Tier.SELF_MANAGE,
        frozenset({T.FLEXION_INTOLERANT, T.LOAD_SENSITIVE}),
        SeedPhase.SUBACUTE,
        SorenessKind.CONCERNING,
        frozenset({"seed_pain_beyond_week"}),
    ),
    RADICULAR: _Spec(
        "pain down one leg below the knee with pins and needles, stable for 10 days",
        10,
        {
            "pain_now": 5,
            "pain_worst_week": 7,
            "previous_episodes": "several",
            "trend": "same",
            "when": ["during_runs", "after_runs"],
            "quality": "burning",
            "where": ["one_side", "buttock", "thigh", "below_knee"],
            "leg_symptoms": ["pins_and_needles"],
            "legs": "one",
            "worse": ["bending_forward", "sitting"],
            "eases": ["lying_down"],
            "daily_life": True,
            "age": 45,
        },
        Tier.RADICULAR,
        frozenset({T.FLEXION_INTOLERANT, T.LEG_SYMPTOMS, T.LOAD_SENSITIVE}),
        SeedPhase.SUBACUTE,
        SorenessKind.CONCERNING,
        frozenset(
            {
                "pain_below_knee_one_leg",
                "pins_and_needles",
                "seed_pain_beyond_week",
                "seed_daily_life",
                "seed_radiates",
                "seed_recurring",
            }
        ),
    ),
    RED_FLAG: _Spec(
        "back pain into both legs with new saddle numbness and bladder trouble",
        3,
        {
            "pain_now": 6,
            "pain_worst_week": 8,
            "previous_episodes": "one",
            "trend": "worse",
            "when": ["during_runs", "rest"],
            "night_pain_constant": False,
            "quality": "sharp",
            "where": ["central", "both_sides", "thigh"],
            "leg_symptoms": ["numbness"],
            "legs": "both",
            "worse": ["bending_forward", "moving"],
            "eases": [],
            "daily_life": True,
            "age": 39,
            "saddle_numbness": True,
            "bladder_change": True,
        },
        Tier.EMERGENCY,
        frozenset({T.FLEXION_INTOLERANT, T.LEG_SYMPTOMS, T.LOAD_SENSITIVE}),
        SeedPhase.SUBACUTE,
        SorenessKind.CONCERNING,
        frozenset(
            {
                "saddle_numbness",
                "bladder_change",
                "both_legs",
                "radicular_worsening",
                "numbness_leg",
                "seed_daily_life",
                "seed_radiates",
            }
        ),
    ),
}


def sample_answers(name: str, today: date) -> dict[str, Any]:
    """The complete answers of sample ``name`` with the onset date counted back from ``today``."""
    spec = SPECS[name]
    answers = {**CLEAR_SCREEN, **spec.answers}
    if spec.onset_days_ago is not None:
        answers["onset_date"] = today - timedelta(days=spec.onset_days_ago)
    return {field: answers[field] for field in CheckIn.model_fields if field in answers}


def write_checkins(folder: Path, *, today: date | None = None) -> dict[str, CheckinSample]:
    """Write every sample as ``<folder>/<name>.yaml``; return name -> path and expected triage."""
    day = today or date.today()
    folder.mkdir(parents=True, exist_ok=True)
    samples = {}
    for name, spec in SPECS.items():
        answers = sample_answers(name, day)
        path = folder / f"{name}.yaml"
        header = f"# backstride sample check-in: {spec.title}\n# expected tier: {spec.tier.value}\n"
        path.write_text(header + yaml.safe_dump(answers, sort_keys=False), encoding="utf-8")
        samples[name] = CheckinSample(
            name=name,
            title=spec.title,
            path=path,
            answers=answers,
            expected_tier=spec.tier,
            expected_tags=spec.tags,
            expected_seed_phase=spec.phase,
            expected_soreness=spec.soreness,
            expected_rules=spec.rules,
        )
    return samples


def main(argv: list[str] | None = None) -> None:
    """``python -m backstride.synth.checkins FOLDER``: write the samples and list them."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0] if args else "samples")
    for sample in write_checkins(folder).values():
        sys.stdout.write(f"{sample.path}  ({sample.expected_tier.value}: {sample.title})\n")


if __name__ == "__main__":
    main()
