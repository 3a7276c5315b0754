"""The versioned thresholds of the training-load flags, validated once when loaded.

The numbers live in ``thresholds.yaml`` beside this module (sources in ``README.md`` there and in
each section's ``reference``). `load_thresholds` validates the file with pydantic and records its
content hash, so every finding can say which rule set produced it (``Thresholds.ruleset``).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from backstride.errors import DataError
from backstride.validation import validate_packaged

THRESHOLDS_PATH = Path(__file__).with_name("thresholds.yaml")


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SpikeRule(_Section):
    """Single-run spike against the longest run of the previous ``reference_days``."""

    reference_days: int = Field(ge=7, le=90)
    moderate_ratio: float = Field(gt=1.0)
    high_ratio: float = Field(gt=1.0)
    reference: str

    @model_validator(mode="after")
    def _ordered(self) -> SpikeRule:
        if self.high_ratio <= self.moderate_ratio:
            raise ValueError("high_ratio must be above moderate_ratio")
        return self


class RampRule(_Section):
    """Week-over-week and 2-week distance ramps, in percent."""

    min_base_km: float = Field(ge=0)
    moderate_pct: float = Field(gt=0)
    high_pct: float = Field(gt=0)
    reference: str


class AcwrRule(_Section):
    """Uncoupled EWMA acute:chronic ratio, information only."""

    acute_days: int = Field(ge=2)
    chronic_days: int = Field(ge=7)
    min_history_days: int = Field(ge=7)
    reference: str


class MonotonyRule(_Section):
    """Foster's monotony of a Monday-Sunday week."""

    low: float = Field(gt=0)
    moderate: float = Field(gt=0)
    min_week_km: float = Field(ge=0)
    reference: str


class DescentRule(_Section):
    """Descent exposure per run and per week, and what counts as a big descent."""

    reference_days: int = Field(ge=7)
    min_run_descent_m: float = Field(ge=0)
    run_moderate_ratio: float = Field(gt=1.0)
    run_high_ratio: float = Field(gt=1.0)
    min_week_descent_m: float = Field(ge=0)
    reference_weeks: int = Field(ge=1)
    week_moderate_ratio: float = Field(gt=1.0)
    big_descent_m: float = Field(gt=0)
    trail_runner_share: float = Field(gt=0, le=1)
    reference: str


class RestRule(_Section):
    """Consecutive days with a run."""

    low_days: int = Field(ge=2)
    moderate_days: int = Field(ge=2)
    reference: str


class DriftRule(_Section):
    """Cadence and contact-time balance against the runner's own recent median."""

    baseline_days: int = Field(ge=7)
    min_baseline_runs: int = Field(ge=1)
    cadence_low_spm: float = Field(gt=0)
    cadence_moderate_spm: float = Field(gt=0)
    balance_low_pct: float = Field(gt=0)
    balance_moderate_pct: float = Field(gt=0)
    reference: str


class ShoeRule(_Section):
    """Shoe wear limit and rotation window."""

    default_limit_km: float = Field(gt=0)
    low_fraction: float = Field(gt=0, le=1)
    rotation_days: int = Field(ge=1)
    reference: str


class CoverageRule(_Section):
    """How long a stretch without any file must be to count as missing data, not rest."""

    gap_days: int = Field(ge=7)


class Thresholds(_Section):
    """All training-load thresholds; ``version`` and ``sha256`` identify the file."""

    version: str
    single_run_spike: SpikeRule
    weekly_ramp: RampRule
    acwr: AcwrRule
    monotony: MonotonyRule
    descent_exposure: DescentRule
    no_rest: RestRule
    drift: DriftRule
    shoes: ShoeRule
    coverage: CoverageRule
    back_pain_note: str
    sha256: str = ""

    @property
    def ruleset(self) -> str:
        """``"training-thresholds 1.0.0 sha256:abcd1234abcd"``: recorded in every finding."""
        return f"training-thresholds {self.version} sha256:{self.sha256[:12]}"


def parse_thresholds(text: str, *, path: Path) -> Thresholds:
    """Validate the YAML ``text`` of a thresholds file; a broken file is a `DataError`."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"is not valid YAML ({exc})", path=path) from None
    if not isinstance(data, dict):
        raise DataError("must be a mapping of sections", path=path)
    digest = hashlib.sha256(text.encode()).hexdigest()
    return validate_packaged(Thresholds, {**data, "sha256": digest}, path=path)


@lru_cache(maxsize=1)
def load_thresholds() -> Thresholds:
    """The packaged thresholds (read and validated once per process).

    Examples
    --------
    >>> t = load_thresholds()
    >>> t.single_run_spike.high_ratio
    2.0
    >>> t.ruleset.startswith("training-thresholds ")
    True
    """
    return parse_thresholds(THRESHOLDS_PATH.read_text(encoding="utf-8"), path=THRESHOLDS_PATH)
