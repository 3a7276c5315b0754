"""The program rules (``rules.yaml``): priorities, dosage profiles, progression thresholds, running
cues and the return-to-run table, validated once at load and hashed.

Every generated program and every progression decision records ``version`` and ``content_hash``
so that it can be reproduced after the rules change.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from backstride.errors import DataError
from backstride.findings import Capacity, Severity
from backstride.symptoms.models import SeedPhase, Tier
from backstride.validation import validate_packaged

RULES_PATH = Path(__file__).parent / "rules.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Priority(_Frozen):
    """A capacity trained for a stated reason, with a weight for ranking."""

    capacity: Capacity
    weight: float = Field(gt=0, le=10)
    code: str
    text: str
    source: str


class ExperienceRule(_Frozen):
    """Where a runner of this experience starts: the highest rung level and the sets."""

    start_level: int = Field(ge=1, le=5)
    sets: int = Field(ge=1, le=5)


class Profile(_Frozen):
    """Dosage for a phase of the episode (or the RADICULAR tier)."""

    label: str
    start_level: int | None = Field(default=None, ge=1, le=5)
    max_level: int | None = Field(default=None, ge=1, le=5)
    sets_max: int | None = Field(default=None, ge=1, le=5)
    effort: str
    weights: bool
    source: str
    note: str = ""


class WeeksRule(_Frozen):
    """Program length in weeks."""

    default: int
    min: int = Field(ge=1)
    max: int

    @model_validator(mode="after")
    def _ordered(self) -> WeeksRule:
        if not self.min <= self.default <= self.max:
            raise ValueError("weeks must satisfy min <= default <= max")
        return self


class PostRunRule(_Frozen):
    """The short stretch routine after each run."""

    max_items: int = Field(ge=1, le=10)
    sets: int = Field(ge=1, le=5)
    hold_s: int = Field(ge=10, le=120)


class ProgressionRule(_Frozen):
    """Thresholds of the pain-monitoring model."""

    sessions_to_progress: int = Field(ge=1, le=5)
    progress_max_effort: int = Field(ge=0, le=10)
    progress_max_pain: int = Field(ge=0, le=10)
    hold_max_pain: int = Field(ge=0, le=10)
    trend_sessions: int = Field(ge=2, le=10)
    repeat_regress_advice: int = Field(ge=1, le=10)
    source: str

    @model_validator(mode="after")
    def _ordered(self) -> ProgressionRule:
        if self.progress_max_pain >= self.hold_max_pain:
            raise ValueError("progress_max_pain must be below hold_max_pain")
        return self


class CadenceRule(_Frozen):
    """The step-rate target: +low_pct to +high_pct of the measured cadence."""

    triggers: tuple[str, ...]
    low_pct: float = Field(gt=0, le=20)
    high_pct: float = Field(gt=0, le=20)
    max_spm: int = Field(ge=150, le=220)
    source: str


class CueRule(_Frozen):
    """A running cue, given when one of its triggers (finding codes) is present."""

    id: str
    triggers: tuple[str, ...] = ()
    trail_only: bool = False
    title: str
    text: str
    source: str


class RunningRule(_Frozen):
    """Technique and load cues with their honest framing."""

    framing: str
    cadence: CadenceRule
    cues: tuple[CueRule, ...]
    load_cues: tuple[CueRule, ...]


class RtrPhaseRule(_Frozen):
    """One walk-run phase; no walk and no run minutes means continuous running."""

    phase: int = Field(ge=1)
    walk_min: float | None = None
    run_min: float | None = None
    total_mi: float = Field(gt=0)
    effort: int = Field(ge=0, le=10)


class ReturnToRunRule(_Frozen):
    """When the return-to-run plan replaces normal training advice, and the plan itself."""

    tiers: tuple[Tier, ...]
    seed_phases: tuple[SeedPhase, ...]
    source: str
    entry: tuple[str, ...]
    phases: tuple[RtrPhaseRule, ...] = Field(min_length=2)
    repeats_per_phase: int = Field(ge=1, le=10)
    rules: tuple[str, ...]
    trail_stages: tuple[str, ...]
    meanwhile: tuple[str, ...]
    meanwhile_source: str


class ProgramRules(_Frozen):
    """The schema of ``rules.yaml``."""

    version: str
    severity_weight: dict[Severity, float]
    baseline: tuple[Priority, ...]
    trail_baseline: tuple[Priority, ...]
    post_run_baseline: tuple[Priority, ...]
    gentle: tuple[Priority, ...]
    finding_capacities: dict[str, tuple[Capacity, ...]]
    experience: dict[str, ExperienceRule]
    profiles: dict[str, Profile]
    weeks: WeeksRule
    lighter_every_weeks: int = Field(ge=2, le=8)
    lighter_sets_minus: int = Field(ge=0, le=2)
    lighter_volume_factor: float = Field(gt=0, lt=1)
    warmup_minutes: int = Field(ge=0, le=20)
    short_session_minutes: int = Field(ge=15, le=90)
    short_session_sets_max: int = Field(ge=1, le=5)
    max_steps: int = Field(ge=2, le=30)
    paused_weeks: int = Field(ge=1, le=6)
    post_run: PostRunRule
    progression: ProgressionRule
    running: RunningRule
    return_to_run: ReturnToRunRule

    @model_validator(mode="after")
    def _complete(self) -> ProgramRules:
        missing = {"subacute", "chronic", "none", "radicular"} - set(self.profiles)
        if missing:
            raise ValueError(f"profiles is missing {sorted(missing)}")
        if set(self.experience) != {"novice", "intermediate", "experienced"}:
            raise ValueError("experience must define novice, intermediate and experienced")
        return self


class RulesVersion(_Frozen):
    """Which version of a data file made a decision."""

    version: str
    content_hash: str


def parse_rules(path: Path) -> tuple[ProgramRules, RulesVersion]:
    """Read and validate a rules file; a broken file is a `DataError` naming it."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"cannot read the program rules: {exc}", path=path) from None
    rules = validate_packaged(ProgramRules, data, path=path)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return rules, RulesVersion(version=rules.version, content_hash=digest)


@lru_cache(maxsize=1)
def load_rules() -> tuple[ProgramRules, RulesVersion]:
    """The packaged rules, validated on first use and cached.

    Examples
    --------
    >>> rules, version = load_rules()
    >>> rules.progression.progress_max_pain, len(version.content_hash)
    (3, 64)
    """
    return parse_rules(RULES_PATH)
