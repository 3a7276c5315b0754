"""Running cues from what was measured: a cadence target, technique cues and load cues.

The cadence target is +5% to +10% of the measured median step rate: in Heiderscheit et al. 2011
(Med Sci Sports Exerc 43:296, n=45) +5% lowered knee energy absorption and +10% also lowered hip
absorption and hip adduction; raising step rate usually reduces overstriding (Barton et al. 2016,
Br J Sports Med 50:513). The metronome figure is the +5% value, where a runner starts. No trial
shows a cadence change resolves low back pain: every cue is framed as load management.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from backstride.findings import Finding, Severity
from backstride.program.models import CadenceTarget, Cue
from backstride.program.rules import CadenceRule, CueRule, RunningRule

CADENCE_KEY = "cadence_spm"


def cadence_target(measured_spm: float, rule: CadenceRule) -> CadenceTarget | None:
    """+``low_pct``..+``high_pct`` of the measured step rate, or None if +low would pass
    ``max_spm`` (the runner's step rate is already high; other cues apply).

    Examples
    --------
    >>> from backstride.program.rules import load_rules
    >>> rule = load_rules()[0].running.cadence
    >>> cadence_target(160, rule)
    CadenceTarget(measured_spm=160.0, low_spm=168, high_spm=176, metronome_bpm=168)
    >>> cadence_target(178, rule).high_spm  # capped at max_spm
    190
    >>> cadence_target(185, rule) is None
    True
    """
    low = round(measured_spm * (1 + rule.low_pct / 100))
    if low > rule.max_spm:
        return None
    high = min(round(measured_spm * (1 + rule.high_pct / 100)), rule.max_spm)
    return CadenceTarget(
        measured_spm=float(measured_spm), low_spm=low, high_spm=high, metronome_bpm=low
    )


def active_codes(findings: Iterable[Finding]) -> frozenset[str]:
    """Codes of the findings that drive advice (``info`` findings only inform)."""
    return frozenset(f.code for f in findings if f.severity is not Severity.INFO)


def _cue(rule: CueRule, triggers: Iterable[str], **numbers: str) -> Cue:
    return Cue(
        id=rule.id,
        title=rule.title,
        text=" ".join(rule.text.format(**numbers).split()),
        triggers=tuple(sorted(triggers)),
        source=rule.source,
    )


def technique_cues(
    codes: frozenset[str], metrics: Mapping[str, float], *, trail_runner: bool, rules: RunningRule
) -> tuple[CadenceTarget | None, tuple[Cue, ...]]:
    """The cadence target (when measured and called for) and the technique cues, in rule order."""
    by_id = {c.id: c for c in rules.cues}
    cadence_triggers = codes & set(rules.cadence.triggers)
    target = None
    cues: list[Cue] = []
    if cadence_triggers:
        measured = metrics.get(CADENCE_KEY)
        target = None if measured is None else cadence_target(measured, rules.cadence)
        if target is not None:
            cues.append(
                _cue(
                    by_id["cadence"],
                    cadence_triggers,
                    measured_spm=f"{target.measured_spm:.0f}",
                    low_spm=str(target.low_spm),
                    high_spm=str(target.high_spm),
                    metronome_bpm=str(target.metronome_bpm),
                )
            )
        elif measured is None:
            cues.append(_cue(by_id["cadence_unmeasured"], cadence_triggers))
    for rule in rules.cues:
        if rule.id in ("cadence", "cadence_unmeasured"):
            continue
        hits = codes & set(rule.triggers)
        if hits or (rule.trail_only and trail_runner and not rule.triggers):
            cues.append(_cue(rule, hits))
    return target, tuple(cues)


def load_cues(codes: frozenset[str], rules: RunningRule) -> tuple[Cue, ...]:
    """Training-load cues for the training findings present, in rule order."""
    return tuple(
        _cue(rule, codes & set(rule.triggers))
        for rule in rules.load_cues
        if codes & set(rule.triggers)
    )
