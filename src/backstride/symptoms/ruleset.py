"""The versioned triage rule set: schema, loading, the content hash and the release lock.

A rule set is a YAML file ``rules/<version>.yaml`` (see ``rules/README.md``): the action text of
each tier, the rules (id, tier, condition, explanation, advice, source), the symptom-response tag
rules, and the soreness and pain-monitoring thresholds. It is validated once at load; every field
a condition names must exist on `Facts` and every value must be one that field can take.

Every decision records the version and the content hash (`content_hash` of the parsed YAML, so
comments do not count). ``rules/released.yaml`` locks the hash of every released version: editing
a released file without making a new version fails at load, so an old decision can always be
reproduced with the rules that made it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from backstride.errors import DataError, NotFoundError
from backstride.symptoms.conditions import Cond, Condition, check_condition
from backstride.symptoms.facts import Facts
from backstride.symptoms.models import SymptomTag, Tier
from backstride.symptoms.packaged import PACKAGE_DIR, content_hash, read_yaml
from backstride.validation import validate_packaged

RULES_DIR = PACKAGE_DIR / "rules"
LOCK_PATH = RULES_DIR / "released.yaml"


class TierText(BaseModel):
    """What a tier tells the runner to do: a headline and the action."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    headline: str = Field(min_length=1)
    action: str = Field(min_length=1)


class Rule(BaseModel):
    """One triage rule: when its condition is true, the check-in is at least ``tier``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    tier: Tier
    when: Condition
    explanation: str = Field(min_length=1)
    source: str = Field(min_length=1)
    advice: str = ""


class TagRule(BaseModel):
    """When ``when`` is true the runner gets ``tag`` (a contraindication for the program)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tag: SymptomTag
    when: Condition
    explanation: str = Field(min_length=1)
    source: str = Field(min_length=1)


class SorenessRules(BaseModel):
    """Thresholds separating normal soreness from concerning pain (see `soreness`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mild_max_nrs: int = Field(ge=0, le=10)
    settles_within_days: int = Field(ge=0)
    concerning_after_days: int = Field(ge=0)
    source: str = Field(min_length=1)


class PainMonitoring(BaseModel):
    """The pain-monitoring zones for pain during and after activity (0-10)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    safe_max_nrs: int = Field(ge=0, le=10)
    acceptable_max_nrs: int = Field(ge=0, le=10)
    source: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> PainMonitoring:
        if self.safe_max_nrs > self.acceptable_max_nrs:
            raise ValueError("safe_max_nrs must not exceed acceptable_max_nrs")
        return self


class RuleSet(BaseModel):
    """A validated rule set; ``sha256`` is filled in at load from the file's content."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(pattern=r"^\d+\.\d+$")
    title: str
    tiers: dict[Tier, TierText]
    rules: tuple[Rule, ...] = Field(min_length=1)
    tags: tuple[TagRule, ...]
    soreness: SorenessRules
    pain_monitoring: PainMonitoring
    sha256: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        missing = [t.value for t in Tier if t not in self.tiers]
        if missing:
            raise ValueError(f"tiers: no action text for {missing}")
        ids = [r.id for r in self.rules]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"rules: duplicate ids {duplicates}")
        return self


def _checked(condition: Cond, where: str, path: Path) -> Cond:
    try:
        return check_condition(condition, Facts)
    except ValueError as exc:
        raise DataError(f"{where}: {exc}", path=path) from None


def parse_ruleset(data: dict[str, Any], *, path: Path) -> RuleSet:
    """Validate parsed rule-set YAML, check every condition against `Facts`, attach the hash.

    Any problem is a `DataError` naming the file, the rule and the field.
    """
    if "sha256" in data:
        raise DataError("sha256 is computed at load and must not be written in the file", path=path)
    raw = validate_packaged(RuleSet, data, path=path)
    rules = tuple(
        r.model_copy(update={"when": _checked(r.when, f"rules[{r.id}]", path)}) for r in raw.rules
    )
    tags = tuple(
        t.model_copy(update={"when": _checked(t.when, f"tags[{t.tag.value}]", path)})
        for t in raw.tags
    )
    return raw.model_copy(update={"rules": rules, "tags": tags, "sha256": content_hash(data)})


def load_ruleset_file(path: Path) -> RuleSet:
    """Load a rule set from any file (not checked against the release lock)."""
    return parse_ruleset(read_yaml(path), path=path)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def packaged_versions() -> list[str]:
    """The rule-set versions shipped in the package, oldest first."""
    names = [p.stem for p in RULES_DIR.glob("*.yaml") if p.name != LOCK_PATH.name]
    return sorted(names, key=_version_key)


def released_hashes() -> dict[str, str]:
    """Version -> locked content hash, from ``rules/released.yaml``."""
    return {str(k): str(v) for k, v in read_yaml(LOCK_PATH).items()}


@cache
def load_ruleset(version: str | None = None) -> RuleSet:
    """A packaged rule set (the newest by default), verified against the release lock.

    Raises
    ------
    NotFoundError
        ``version`` is not shipped.
    DataError
        The file is invalid, unreleased, or changed since it was released.
    """
    versions = packaged_versions()
    chosen = version or versions[-1]
    if chosen not in versions:
        raise NotFoundError(
            f"no triage rule set version {chosen!r}; shipped: {', '.join(versions)}"
        )
    path = RULES_DIR / f"{chosen}.yaml"
    rules = load_ruleset_file(path)
    if rules.version != chosen:
        raise DataError(f"says version {rules.version!r} but is named {chosen}.yaml", path=path)
    locked = released_hashes().get(chosen)
    if locked is None:
        raise DataError(
            f"version {chosen} is not in {LOCK_PATH.name}; lock it with its hash {rules.sha256}",
            path=path,
        )
    if locked != rules.sha256:
        raise DataError(
            f"version {chosen} changed after release (hash {rules.sha256[:12]}, locked "
            f"{locked[:12]}); put changes in a new version instead",
            path=path,
        )
    return rules
