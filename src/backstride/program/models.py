"""The program's types: what goes in (`ProgramInput`, `Preferences`) and what comes out (`Program`).

`Program.model_dump(mode="json")` is the contract other stages read (``Assessment(kind="program")``)
and what ``program.json`` holds. Every collection is an ordered tuple, so the same input always
gives byte-identical JSON.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from backstride.findings import Capacity, Finding, Severity
from backstride.program.dosage import Dose, Variable
from backstride.program.exercise import Category, Equipment, Impact, SpinalLoad
from backstride.program.rules import RulesVersion
from backstride.symptoms.models import Phase, SymptomTag, Tier, Triage

SCHEMA = "backstride.program/1"
DISCLAIMER = (
    "Running fitness and mobility guidance: educational, not a diagnosis. Stop and get emergency "
    "care now if you notice numbness in the saddle or genital area, new trouble passing or "
    "holding urine or stool, symptoms in both legs, or leg weakness that is getting worse."
)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Experience(StrEnum):
    """How used to strength training the runner is; sets the starting rung."""

    NOVICE = "novice"
    INTERMEDIATE = "intermediate"
    EXPERIENCED = "experienced"


class Preferences(_Frozen):
    """What the runner chooses: days, time, equipment, experience, dates.

    ``weekdays`` are 0 (Monday) .. 6 (Sunday), one per strength day; by default Monday and
    Thursday, or Monday, Wednesday and Friday. ``weeks`` overrides the length (6-12) that is
    otherwise 8, or the weeks up to ``goal_race``.
    """

    start: date
    strength_days: int = Field(default=2, ge=2, le=3)
    minutes_per_session: int = Field(default=30, ge=15, le=90)
    equipment: tuple[Equipment, ...] = Field(
        default=(Equipment.NONE, Equipment.MAT), validate_default=True
    )
    experience: Experience = Experience.NOVICE
    goal_race: date | None = None
    weeks: int | None = Field(default=None, ge=6, le=12)
    weekdays: tuple[int, ...] | None = None

    @field_validator("equipment")
    @classmethod
    def _equipment(cls, value: tuple[Equipment, ...]) -> tuple[Equipment, ...]:
        return tuple(sorted(set(value) | {Equipment.NONE}))

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: tuple[int, ...] | None) -> tuple[int, ...] | None:
        if value is None:
            return None
        if len(set(value)) != len(value) or any(not 0 <= d <= 6 for d in value):
            raise ValueError("weekdays must be distinct days 0 (Monday) to 6 (Sunday)")
        return tuple(sorted(value))

    @model_validator(mode="after")
    def _days(self) -> Preferences:
        if self.weekdays is not None and len(self.weekdays) != self.strength_days:
            raise ValueError(
                f"give {self.strength_days} weekdays for {self.strength_days} strength days, "
                f"got {len(self.weekdays)}"
            )
        if self.goal_race is not None and self.goal_race <= self.start:
            raise ValueError(f"goal_race {self.goal_race} must be after the start {self.start}")
        return self

    def session_weekdays(self) -> tuple[int, ...]:
        """The weekdays of the strength sessions."""
        if self.weekdays is not None:
            return self.weekdays
        return (0, 3) if self.strength_days == 2 else (0, 2, 4)


class ProgramInput(_Frozen):
    """Everything the generator uses. ``metrics`` are the gait medians (``cadence_spm``...)."""

    runner: str | None = None
    triage: Triage
    findings: tuple[Finding, ...] = ()
    metrics: dict[str, float] = Field(default_factory=dict)
    trail_runner: bool = False
    preferences: Preferences


class Why(_Frozen):
    """Why something is in the program: the finding it answers, or the stated baseline reason."""

    kind: Literal["finding", "baseline", "trail", "post_run", "gentle"]
    code: str
    text: str
    severity: Severity | None = None
    source: str = ""


class Step(_Frozen):
    """A rung and dose on a slot's path; ``change`` is the one variable changed to get here."""

    exercise_id: str
    dose: Dose
    change: Variable


class Slot(_Frozen):
    """A place in the sessions for one capacity, with the path of doses it can move along.

    ``steps[start]`` is where the program starts; steps below it are the regressions the
    progression rules can fall back to. The slot appears in weeks ``first_week..last_week``.
    """

    key: str
    capacity: Capacity
    role: Literal["strength", "gentle"]
    why: tuple[Why, ...]
    steps: tuple[Step, ...]
    start: int = Field(ge=0)
    first_week: int = Field(ge=1)
    last_week: int = Field(ge=1)


class Item(_Frozen):
    """An exercise in one session, at a step of its slot."""

    slot: str
    step: int
    exercise_id: str
    name: str
    dose: Dose
    dose_text: str
    lighter: bool = False


Morning = Literal["better", "same", "worse", "unknown"]


class LogEntry(_Frozen):
    """The runner's feedback on one session: effort and pain are 0-10."""

    done: bool
    effort: int | None = Field(default=None, ge=0, le=10)
    pain: int | None = Field(default=None, ge=0, le=10)
    morning: Morning = "unknown"
    leg_symptoms: bool = False
    note: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _done_needs_scores(self) -> LogEntry:
        if self.done and (self.effort is None or self.pain is None):
            raise ValueError("a done session needs effort and pain (0-10)")
        return self


class Session(_Frozen):
    """One strength (or gentle) session on a date."""

    key: str
    week: int
    number: int
    on: date
    kind: Literal["strength", "gentle"]
    minutes: int
    items: tuple[Item, ...]
    status: Literal["planned", "done", "skipped"] = "planned"
    log: LogEntry | None = None


class Week(_Frozen):
    """A week of the program; ``lighter`` weeks drop volume (every 4th week, and a race week)."""

    number: int
    kind: Literal["build", "lighter", "gentle", "race"]
    note: str
    sessions: tuple[Session, ...]


class PostRunItem(_Frozen):
    """A stretch of the short routine after each run."""

    exercise_id: str
    name: str
    dose: Dose
    dose_text: str
    why: tuple[Why, ...]


class Cue(_Frozen):
    """A running cue with the findings that called for it and its source."""

    id: str
    title: str
    text: str
    triggers: tuple[str, ...] = ()
    source: str


class CadenceTarget(_Frozen):
    """+5-10% step rate from the measured median (Heiderscheit 2011)."""

    measured_spm: float
    low_spm: int
    high_spm: int
    metronome_bpm: int


class RtrPhase(_Frozen):
    """One walk-run phase; ``walk_min`` None means continuous running."""

    phase: int
    walk_min: float | None
    run_min: float | None
    total_mi: float
    total_km: float
    effort: int


class ReturnToRun(_Frozen):
    """The walk-run plan that replaces normal training advice."""

    reason: str
    entry: tuple[str, ...]
    phases: tuple[RtrPhase, ...]
    rules: tuple[str, ...]
    trail_stages: tuple[str, ...]
    meanwhile: tuple[str, ...]
    source: str


class RunningAdvice(_Frozen):
    """Technique cues, load cues, or a return-to-run plan; ``none`` when the program is paused."""

    mode: Literal["cues", "return_to_run", "none"]
    note: str
    framing: str = ""
    cadence: CadenceTarget | None = None
    cues: tuple[Cue, ...] = ()
    load_cues: tuple[Cue, ...] = ()
    return_to_run: ReturnToRun | None = None


class LinkedExercise(_Frozen):
    """An exercise named by id and name (regression / progression on a card)."""

    id: str
    name: str


class Card(_Frozen):
    """The data of an exercise card (the report stage renders it)."""

    exercise_id: str
    name: str
    purpose: str
    category: Category
    capacities: tuple[Capacity, ...]
    spinal_load: tuple[SpinalLoad, ...]
    impact: Impact
    equipment: tuple[Equipment, ...]
    level: int
    dose_text: str
    instructions: tuple[str, ...]
    cues: tuple[str, ...]
    mistakes: tuple[str, ...]
    why: tuple[Why, ...]
    regression: LinkedExercise | None
    progression: LinkedExercise | None


class Exclusion(_Frozen):
    """An exercise left out because of the runner's symptom response or tier."""

    exercise_id: str
    name: str
    tags: tuple[str, ...]
    reason: str


class Focus(_Frozen):
    """A capacity the program trains (or could not), its priority and reasons."""

    capacity: Capacity
    score: float
    why: tuple[Why, ...]
    covered_by: tuple[str, ...]  # slot keys and/or "post_run"
    note: str = ""


class Change(_Frozen):
    """One progression decision for one slot after a logged session, with its reason."""

    session: str
    slot: str
    action: Literal["progress", "hold", "regress"]
    from_step: int
    to_step: int
    from_exercise: str
    to_exercise: str
    variable: Variable | None
    reason: str
    move: str = ""  # "2 x 8 -> 2 x 10" when the step changed
    rules_version: str


class InputSummary(_Frozen):
    """What the program was generated from, for traceability."""

    findings: tuple[str, ...]  # "code (severity)"
    metrics: dict[str, float]
    trail_runner: bool
    triage_ruleset: str


class Program(_Frozen):
    """An individual program (or the referral that replaces it)."""

    schema_id: str = SCHEMA
    runner: str | None
    status: Literal["active", "paused", "referral"]
    tier: Tier
    action: str
    phase: Phase | None
    symptom_tags: tuple[SymptomTag, ...]
    profile: str
    profile_label: str
    effort: str
    start: date
    weeks_count: int
    goal_race: date | None
    preferences: Preferences
    warmup: str
    focus: tuple[Focus, ...]
    excluded: tuple[Exclusion, ...]
    slots: tuple[Slot, ...]
    weeks: tuple[Week, ...]
    post_run: tuple[PostRunItem, ...]
    running: RunningAdvice
    cards: tuple[Card, ...]
    notes: tuple[str, ...]
    changes: tuple[Change, ...] = ()
    advice: tuple[str, ...] = ()
    revision: int = 0
    library: RulesVersion
    rules: RulesVersion
    inputs: InputSummary
    disclaimer: str = DISCLAIMER

    def sessions(self) -> tuple[Session, ...]:
        """Every session in date order."""
        return tuple(s for w in self.weeks for s in w.sessions)

    def exercise_ids(self) -> frozenset[str]:
        """Every exercise the program can show: slot paths, sessions and the post-run routine."""
        ids = {step.exercise_id for slot in self.slots for step in slot.steps}
        ids |= {item.exercise_id for s in self.sessions() for item in s.items}
        ids |= {p.exercise_id for p in self.post_run}
        return frozenset(ids)
