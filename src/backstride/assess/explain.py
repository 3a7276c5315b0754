"""Plain-language explanation of a finding: why it loads this runner's back, which numbers show
it, and what the evidence does and does not say.

The texts are our own, one entry per finding code in ``explain.yaml`` beside this module
(validated at load, with its content hash); the numbers come from the `Finding` itself (value,
threshold, units) and its `Evidence`; what the evidence says comes from the finding's
``evidence_level`` and ``reference``, always worded as an association.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field

from backstride.findings import Evidence, EvidenceLevel, Finding
from backstride.training.findings import monotony_text
from backstride.validation import load_packaged

#: At most this many pieces of evidence are listed under a finding's numbers.
MAX_EVIDENCE_SHOWN = 3

#: Codes whose raw number misleads when read: how to show their value and evidence values
#: (``{shown}`` in a ``numbers`` template). The finding and its JSON keep the raw number.
SHOWN: dict[str, Callable[[float | None], str]] = {"monotony": monotony_text}

_LEVEL_SAYS = {
    EvidenceLevel.ASSOCIATION: (
        "Published studies associate this measure with injury or with load on the back or "
        "legs; an association, not proof that it causes your pain."
    ),
    EvidenceLevel.EXPERT: (
        "Clinical practice and expert consensus point to it; there is little direct data."
    ),
    EvidenceLevel.HEURISTIC: (
        "A reasoned extrapolation from related evidence, not a tested rule; read it as a prompt "
        "to look."
    ),
}


class CodeText(BaseModel):
    """Our texts for one finding code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    why: str = Field(min_length=20)
    limits: str = Field(min_length=20)
    numbers: str | None = None


class Texts(BaseModel):
    """The whole texts file: a version and one entry per code."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str
    codes: dict[str, CodeText]


@lru_cache(maxsize=1)
def load_texts() -> tuple[Texts, str]:
    """The packaged texts and their content hash (first 12 hex digits of SHA-256)."""
    return load_packaged(Texts, "backstride.assess", "explain.yaml")


def _clean(text: str) -> str:
    return " ".join(text.split())


def _fmt(x: float) -> str:
    return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"


def _repeats(e: Evidence, finding: Finding) -> bool:
    """An evidence item that only restates the finding's own value under a metric key."""
    return isinstance(e.value, float | int) and e.value == finding.value and "_" in e.label


def short_citation(reference: str) -> str:
    """The first source of a reference, without its notes.

    Examples
    --------
    >>> short_citation("Bramah et al. 2018 Am J Sports Med 46:3023 (injured runners ...); Hensley")
    'Bramah et al. 2018 Am J Sports Med 46:3023'
    """
    first = _clean(reference).split(";")[0]
    return first.split(" (")[0].strip().rstrip(".")


def _evidence_value(e: Evidence, show: Callable[[float | None], str] | None) -> str:
    if show is not None and (e.value is None or isinstance(e.value, float | int)):
        return f": {show(e.value)}"  # None is a value for these codes (monotony: infinite)
    return "" if e.value is None else f": {e.value}"


def numbers_text(finding: Finding, template: str | None = None) -> str:
    """Which values show the finding: value against threshold with units, then the evidence.

    Examples
    --------
    >>> from backstride.findings import Finding, Severity, Source, Evidence
    >>> f = Finding(code="overstride", source=Source.VIDEO_SIDE, title="t", explanation="e",
    ...             severity=Severity.HIGH, value=28.4, threshold=20, units="% leg length",
    ...             evidence=(Evidence(label="median of 6 strides", value=28.4),))
    >>> numbers_text(f)
    '28.4 % leg length (flagged from 20). median of 6 strides: 28.4'
    """
    parts: list[str] = []
    show = SHOWN.get(finding.code)
    if finding.value is not None:
        threshold = finding.threshold if finding.threshold is not None else float("nan")
        if template is not None:
            as_read = (show or _fmt)(finding.value)
            values = {"value": finding.value, "threshold": threshold, "shown": as_read}
            parts.append(_clean(template.format(**values, units=finding.units or "")))
        else:
            head = f"{_fmt(finding.value)} {finding.units or ''}".strip()
            if finding.threshold is not None:
                head += f" (flagged from {_fmt(finding.threshold)})"
            parts.append(head)
    listed = [e for e in finding.evidence if e.label and not _repeats(e, finding)]
    shown = listed[:MAX_EVIDENCE_SHOWN]
    for e in shown:
        parts.append(f"{e.label}{_evidence_value(e, show)}")
    more = len(listed) - len(shown)
    if more > 0:
        parts.append(f"and {more} more")
    return ". ".join(parts) if parts else "no single number: see the explanation"


def evidence_says(finding: Finding) -> str:
    """What the published evidence supports, from the finding's evidence level and reference."""
    says = _LEVEL_SAYS[finding.evidence_level]
    if finding.reference:
        says += f" Main source: {short_citation(finding.reference)}."
    return says


def explain(finding: Finding) -> dict[str, str]:
    """``why``, ``numbers``, ``evidence_says``, ``evidence_limits`` for one finding.

    A code without our own text (a newer stage) falls back on the stage's explanation.
    """
    texts, _ = load_texts()
    text = texts.codes.get(finding.code)
    if text is None:
        return {
            "why": _clean(finding.explanation),
            "numbers": numbers_text(finding),
            "evidence_says": evidence_says(finding),
            "evidence_limits": "An association at most; it does not show a cause.",
        }
    return {
        "why": _clean(text.why),
        "numbers": numbers_text(finding, text.numbers),
        "evidence_says": evidence_says(finding),
        "evidence_limits": _clean(text.limits),
    }
