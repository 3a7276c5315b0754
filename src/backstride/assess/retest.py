"""Re-test noise of each compared gait measure, with its source, and the verdict of a change.

The figures live in ``retest.yaml`` beside this module (validated at load, with its content
hash). A change is judged against the smallest difference larger than re-test noise: at most
that much is ``within_noise``; more is ``improved`` or ``worse`` by the direction that is better
for the back, or ``changed`` where no direction is better.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from backstride.assess.models import Verdict
from backstride.validation import load_packaged

Better = Literal["lower", "higher", "either"]


class Measure(BaseModel):
    """One compared measure: its label, units, noise figure and where the figure comes from."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    units: str
    noise: float = Field(gt=0)
    better: Better
    source: str = Field(min_length=20)


class RetestNoise(BaseModel):
    """The whole file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    measures: dict[str, Measure]


@lru_cache(maxsize=1)
def load_retest() -> tuple[RetestNoise, str]:
    """The packaged noise figures and their content hash (first 12 hex digits of SHA-256)."""
    return load_packaged(RetestNoise, "backstride.assess", "retest.yaml")


def verdict(delta: float, noise: float, better: Better) -> Verdict:
    """Judge a change (after minus before) against re-test noise.

    Examples
    --------
    >>> verdict(-2.0, 3.0, "lower"), verdict(-5.0, 3.0, "lower"), verdict(5.0, 3.0, "lower")
    ('within_noise', 'improved', 'worse')
    >>> verdict(5.0, 3.0, "higher"), verdict(-5.0, 3.0, "either")
    ('improved', 'changed')
    """
    if abs(delta) <= noise:
        return "within_noise"
    if better == "either":
        return "changed"
    up_is_better = better == "higher"
    return "improved" if (delta > 0) == up_is_better else "worse"
