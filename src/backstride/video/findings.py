"""Gait findings from measured metrics, by versioned thresholds (``thresholds.yaml``).

A rule names a metric, a direction and three band edges (low / moderate / high). The file is
validated once when loaded; its version and a content hash go into every finding.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from backstride.findings import Capacity, Confidence, Evidence, EvidenceLevel, Finding, Severity
from backstride.findings import Source as FindingSource
from backstride.validation import load_packaged
from backstride.video.sagittal import expected_cadence_spm

Direction = Literal["above", "below", "abs_above", "below_expected"]


class Bands(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    low: float
    moderate: float
    high: float


class Condition(BaseModel):
    """A second metric that must also be above a value for the rule to fire."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: str
    above: float


class Rule(BaseModel):
    """One finding's rule, as written in the thresholds file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    metric: str
    direction: Direction
    bands: Bands
    units: str
    capacities: tuple[Capacity, ...]
    evidence: EvidenceLevel
    modifiability: float
    reference: str
    explanation: str
    view: Literal["side", "rear"] = "side"
    also: Condition | None = None


class Thresholds(BaseModel):
    """The whole thresholds file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    findings: dict[str, Rule]


@lru_cache(maxsize=1)
def load_thresholds() -> tuple[Thresholds, str]:
    """The packaged thresholds and their content hash (first 12 hex digits of SHA-256)."""
    return load_packaged(Thresholds, "backstride.video", "thresholds.yaml")


def score(rule: Rule, value: float, speed_mps: float | None = None) -> tuple[float, Bands] | None:
    """The value on the rule's scale (bigger is worse) and the ascending band edges.

    ``below`` rules list their edges descending (e.g. 160 / 155 / 150); they are negated so every
    rule compares the same way. ``below_expected`` scores the gap to the typical value for the
    running speed. None when the value cannot be judged (not measured, or no speed).
    """
    b = rule.bands
    if value != value:
        return None
    if rule.direction == "above":
        return value, b
    if rule.direction == "abs_above":
        return abs(value), b
    if rule.direction == "below":
        return -value, Bands(low=-b.low, moderate=-b.moderate, high=-b.high)
    if speed_mps is None or speed_mps != speed_mps:
        return None
    return expected_cadence_spm(speed_mps) - value, b


def severity_of(x: float, edges: Bands) -> Severity | None:
    """HIGH / MODERATE / LOW by the first edge reached, None below the low edge."""
    if x >= edges.high:
        return Severity.HIGH
    if x >= edges.moderate:
        return Severity.MODERATE
    if x >= edges.low:
        return Severity.LOW
    return None


def evaluate(
    code: str,
    rule: Rule,
    value: float,
    *,
    source: FindingSource,
    ruleset: str,
    confidence: Confidence = Confidence.HIGH,
    speed_mps: float | None = None,
    evidence: tuple[Evidence, ...] = (),
) -> Finding | None:
    """Apply one rule to a measured value; None when it does not fire or cannot be judged."""
    scored = score(rule, value, speed_mps)
    if scored is None:
        return None
    x, edges = scored
    severity = severity_of(x, edges)
    if severity is None:
        return None
    gap = x if rule.direction == "below_expected" else 0.0
    shown = abs(value) if rule.direction == "abs_above" else value
    text = rule.explanation.format(value=shown, threshold=abs(edges.low), gap=gap)
    return Finding(
        code=code,
        source=source,
        title=rule.title,
        severity=severity,
        value=round(float(value), 2),
        threshold=round(float(rule.bands.low), 2),
        units=rule.units,
        explanation=" ".join(text.split()),
        reference=" ".join(rule.reference.split()),
        evidence=evidence,
        capacities=rule.capacities,
        evidence_level=rule.evidence,
        confidence=confidence,
        modifiability=rule.modifiability,
        ruleset=ruleset,
    )


def side_view_findings(
    values: dict[str, float],
    *,
    confidence: dict[str, Confidence] | None = None,
    speed_mps: float | None = None,
) -> list[Finding]:
    """Every side-view rule applied to the measured values (name -> value).

    ``values`` holds the metric medians plus ``step_time_si_pct`` and ``contact_time_si_pct``.
    """
    thresholds, digest = load_thresholds()
    ruleset = f"{thresholds.version}+{digest}"
    out = []
    for code, rule in thresholds.findings.items():
        if rule.view != "side" or rule.metric not in values:
            continue
        if (
            rule.also is not None
            and not values.get(rule.also.metric, float("nan")) > rule.also.above
        ):
            continue
        conf = (confidence or {}).get(rule.metric, Confidence.HIGH)
        evidence = (
            Evidence(
                label=rule.metric,
                ref=f"metrics.json#{rule.metric}",
                value=round(values[rule.metric], 2),
            ),
        )
        finding = evaluate(
            code,
            rule,
            values[rule.metric],
            source=FindingSource.VIDEO_SIDE,
            ruleset=ruleset,
            confidence=conf,
            speed_mps=speed_mps,
            evidence=evidence,
        )
        if finding is not None:
            out.append(finding)
    return out
