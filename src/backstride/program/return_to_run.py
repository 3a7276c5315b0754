"""The return-to-run plan: walk-run phases with the pain-monitoring rules.

Adapted from a published walk-run protocol (Trials 2023, doi:10.1186/s13063-023-07502-x): entry
after 30 minutes of pain-free brisk walking, no red flags and resting pain <= 3/10; six phases
from 2 min walk / 3 min run over 1 mile to 2 miles continuous; each phase at least twice, a rest
day between runs, flat ground, no progress if pain or stiffness rises within 24 h. For trail
runners: climbs first, technical ground next, descents last.

When: the RADICULAR tier, or the seed's acute and subacute phases (up to 6 weeks since onset:
"gradual return to activity", seed 003). Beyond that the runner gets technique and load cues.
"""

from __future__ import annotations

from backstride.program.models import ReturnToRun, RtrPhase
from backstride.program.rules import ReturnToRunRule
from backstride.symptoms.models import Triage

KM_PER_MILE = 1.609344


def return_to_run_reason(triage: Triage, rule: ReturnToRunRule) -> str | None:
    """Why this runner gets a walk-run plan instead of normal training advice, or None.

    Examples
    --------
    >>> from backstride.program.rules import load_rules
    >>> from backstride.symptoms.models import Tier
    >>> rule = load_rules()[0].return_to_run
    >>> t = Triage(tier=Tier.RADICULAR, action="...", ruleset_version="1", ruleset_hash="x")
    >>> return_to_run_reason(t, rule)
    'your check-in shows leg symptoms: build running back gradually'
    """
    if triage.tier in rule.tiers:
        return "your check-in shows leg symptoms: build running back gradually"
    if triage.phase is not None and triage.phase.seed in rule.seed_phases:
        days = triage.phase.days_since_onset
        return (
            f"your back pain started {days} day{'s' if days != 1 else ''} ago "
            f"({triage.phase.seed.value} phase): build running back gradually"
        )
    return None


def return_to_run_plan(reason: str, *, trail_runner: bool, rule: ReturnToRunRule) -> ReturnToRun:
    """The walk-run plan with its rules; trail stages only for trail runners."""
    phases = tuple(
        RtrPhase(
            phase=p.phase,
            walk_min=p.walk_min,
            run_min=p.run_min,
            total_mi=p.total_mi,
            total_km=round(p.total_mi * KM_PER_MILE, 1),
            effort=p.effort,
        )
        for p in rule.phases
    )
    return ReturnToRun(
        reason=reason,
        entry=rule.entry,
        phases=phases,
        rules=rule.rules,
        trail_stages=rule.trail_stages if trail_runner else (),
        meanwhile=rule.meanwhile,
        source=rule.source,
    )
