"""Ordering the findings of every source: which matters most for this runner's back.

A finding's score adds four visible terms (``score_parts``):

- ``severity``: 3 points per level above ``info`` (``low`` 3, ``moderate`` 6, ``high`` 9), so
  severity leads;
- ``evidence``: 1.5 points per level of published evidence (heuristic 0, expert 1.5,
  association 3);
- ``confidence``: how sure the measurement is (low 0, moderate 1, high 2);
- ``modifiability``: 2 points times how changeable it is by training or technique (0..1), so
  among equals the one the runner can act on comes first.

``info`` findings are context, never ranked above any other, whatever their score. Ties are
broken by source (side video, rear video, training, symptoms) and then code, so the order is
stable.
"""

from __future__ import annotations

from collections.abc import Iterable

from backstride.assess.explain import explain
from backstride.assess.models import RankedFinding
from backstride.findings import Confidence, Finding, Severity, Source

SEVERITY_POINTS = 3.0
EVIDENCE_POINTS = 1.5
CONFIDENCE_POINTS = {Confidence.LOW: 0.0, Confidence.MODERATE: 1.0, Confidence.HIGH: 2.0}
MODIFIABILITY_POINTS = 2.0
SOURCE_ORDER = {s: i for i, s in enumerate(Source)}


def score_parts(finding: Finding) -> dict[str, float]:
    """Each term of the score.

    Examples
    --------
    >>> from backstride.findings import EvidenceLevel
    >>> f = Finding(code="pelvic_drop", source=Source.VIDEO_REAR, title="t", explanation="e",
    ...             severity=Severity.HIGH, evidence_level=EvidenceLevel.ASSOCIATION,
    ...             confidence=Confidence.MODERATE, modifiability=0.7)
    >>> score_parts(f)
    {'severity': 9.0, 'evidence': 3.0, 'confidence': 1.0, 'modifiability': 1.4}
    """
    return {
        "severity": SEVERITY_POINTS * finding.severity.rank,
        "evidence": EVIDENCE_POINTS * finding.evidence_level.rank,
        "confidence": CONFIDENCE_POINTS[finding.confidence],
        "modifiability": round(MODIFIABILITY_POINTS * finding.modifiability, 3),
    }


def score(finding: Finding) -> float:
    """The sum of `score_parts` (higher first)."""
    return round(sum(score_parts(finding).values()), 3)


def order_key(finding: Finding) -> tuple[bool, float, int, str]:
    """Sort key: non-``info`` first, then higher score, then source, then code."""
    return (
        finding.severity is Severity.INFO,
        -score(finding),
        SOURCE_ORDER[finding.source],
        finding.code,
    )


def dedupe(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per (source, code): the stages emit one per code, but a finding read twice
    (e.g. a stored result and a fresh one) must not be counted twice; the worse one is kept."""
    best: dict[tuple[Source, str], Finding] = {}
    for f in findings:
        key = (f.source, f.code)
        if key not in best or f.severity.rank > best[key].severity.rank:
            best[key] = f
    return list(best.values())


def rank_findings(findings: Iterable[Finding]) -> tuple[RankedFinding, ...]:
    """Every finding scored, ordered and explained (rank 1 first)."""
    ordered = sorted(dedupe(findings), key=order_key)
    out = []
    for i, f in enumerate(ordered, start=1):
        texts = explain(f)
        out.append(
            RankedFinding(rank=i, finding=f, score=score(f), score_parts=score_parts(f), **texts)
        )
    return tuple(out)
