"""`build_assessment`: the stages' results tied into one explained `Assessment` (pure, no I/O).

Triage comes first: EMERGENCY or URGENT is a referral, and then nothing else is ranked or
planned: the referral is the headline. Otherwise the findings of every source are ranked and
explained, what could not be measured is listed, and the headline says in plain words what
matters most, what is missing and what changed since last time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from backstride.assess.models import (
    Assessment,
    InputKind,
    NotMeasured,
    ProgressReport,
    RankedFinding,
    StageRefs,
)
from backstride.assess.not_measured import INPUT_NAMES, missing_inputs, not_measured
from backstride.assess.progress import progress_lines
from backstride.assess.rank import rank_findings
from backstride.findings import Finding, Severity
from backstride.symptoms.models import Triage

DISCLAIMER = (
    "backstride gives running fitness and education guidance, not a diagnosis, and does not "
    "replace a clinician. Findings are associations seen in studies or in practice, not causes of "
    "your pain. If you have numbness in the saddle or genital area, new trouble passing or "
    "holding urine or stool, symptoms in both legs, or leg weakness that is getting worse, get "
    "emergency care now."
)

#: How many findings the headline names.
HEADLINE_FINDINGS = 3

_SOURCE_WORDS = {
    "video_side": "side video",
    "video_rear": "rear video",
    "training": "training history",
    "symptoms": "check-in",
}


@dataclass(frozen=True)
class AssessmentParts:
    """Everything `build_assessment` combines, already analysed by the stages.

    ``inputs`` are the inputs this assessment used (including a stored check-in or training
    history used again, which ``notes`` then say), ``missing`` the ones it had to do without.
    ``stage_limits`` are the gait stage's own ``cannot_measure`` lines per view; ``missing_why``
    words the cost of a missing input where the usual words do not fit (a stored check-in too
    old to use).
    """

    runner: str
    created_at: datetime
    inputs: tuple[InputKind, ...]
    assessed_on: date | None = None
    missing: tuple[InputKind, ...] = ()
    triage: Triage | None = None
    findings: tuple[Finding, ...] = ()
    stage_limits: tuple[tuple[InputKind | None, tuple[str, ...]], ...] = ()
    progress: ProgressReport | None = None
    stages: StageRefs = field(default_factory=StageRefs)
    notes: tuple[str, ...] = ()
    missing_why: tuple[tuple[InputKind, str], ...] = ()


def is_referral(triage: Triage | None) -> bool:
    """EMERGENCY and URGENT send the runner to a clinician: referral only."""
    return triage is not None and not triage.tier.allows_program


def ruleset_label(triage: Triage) -> str:
    """``"version (sha256 prefix)"`` of the rule set that decided."""
    return f"{triage.ruleset_version} ({triage.ruleset_hash[:12]})"


def _referral_headline(triage: Triage) -> tuple[str, ...]:
    first = triage.headline or triage.action
    return (
        f"Referral: {first}",
        triage.action if triage.headline else "",
        "Nothing else was analysed and no program was made: the safety screen comes first.",
    )


def _safety_line(triage: Triage | None) -> str:
    if triage is None:
        return "No check-in: no safety screen, so no program or running advice (do a check-in)."
    return f"Safety screen: {triage.headline or triage.tier.words}"


def _finding_lines(ranked: Sequence[RankedFinding]) -> list[str]:
    top = [r for r in ranked if r.finding.severity is not Severity.INFO][:HEADLINE_FINDINGS]
    if not top:
        return ["No finding outside its usual range in what was measured."]
    return [
        f"Finding {r.rank}: {r.finding.title} ({r.finding.severity.value}, from the "
        f"{_SOURCE_WORDS[r.finding.source.value]})"
        for r in top
    ]


def _missing_line(missing: Sequence[InputKind]) -> list[str]:
    if not missing:
        return []
    names = ", ".join(INPUT_NAMES[k] for k in missing)
    return [f"Not given this time: {names} (see what that costs below)."]


def sources_of(
    triage: Triage | None, ranked: Iterable[RankedFinding], progress: ProgressReport | None
) -> tuple[str, ...]:
    """Every reference cited, de-duplicated, in order of first use.

    Examples
    --------
    >>> sources_of(None, [], None)
    ()
    """
    out: list[str] = []
    if triage is not None:
        out += [rule.source for rule in triage.fired]
    out += [r.finding.reference for r in ranked]
    if progress is not None:
        out += [c.noise_source for c in progress.changes]
    cleaned = (" ".join(s.split()) for s in out)
    return tuple(dict.fromkeys(s for s in cleaned if s))


def build_assessment(parts: AssessmentParts) -> Assessment:
    """The explained assessment of one runner from the stages' results."""
    triage = parts.triage
    missing = missing_inputs(parts.missing, dict(parts.missing_why))
    if triage is not None and is_referral(triage):
        skipped = NotMeasured(
            what="gait, training load and the program",
            why="the safety screen sends you to a clinician first; nothing else was analysed",
        )
        return Assessment(
            runner=parts.runner,
            created_at=parts.created_at,
            assessed_on=parts.assessed_on,
            inputs=parts.inputs,
            missing=missing,
            referral=True,
            tier=triage.tier.value,
            triage_ruleset=ruleset_label(triage),
            headline=tuple(line for line in _referral_headline(triage) if line),
            not_measured=(skipped,),
            stages=parts.stages,
            sources=sources_of(triage, (), None),
            disclaimer=DISCLAIMER,
        )
    ranked = rank_findings(parts.findings)
    headline = [_safety_line(triage), *_finding_lines(ranked), *_missing_line(parts.missing)]
    if parts.progress is not None:
        headline += progress_lines(parts.progress)
    headline += parts.notes
    return Assessment(
        runner=parts.runner,
        created_at=parts.created_at,
        assessed_on=parts.assessed_on,
        inputs=parts.inputs,
        missing=missing,
        referral=False,
        tier=None if triage is None else triage.tier.value,
        triage_ruleset=None if triage is None else ruleset_label(triage),
        headline=tuple(headline),
        findings=ranked,
        not_measured=not_measured(missing=parts.missing, stage_limits=parts.stage_limits),
        progress=parts.progress,
        stages=parts.stages,
        sources=sources_of(triage, ranked, parts.progress),
        disclaimer=DISCLAIMER,
    )
