"""Builders for the program tests: triage, findings, preferences and inputs as the contracts say."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from backstride.findings import Capacity, Finding, Severity, Source
from backstride.program.models import Preferences, ProgramInput
from backstride.store import Database
from backstride.store.runners import RunnerProfile, add_runner
from backstride.store.tables import Assessment
from backstride.symptoms.models import GuidelinePhase, Phase, SeedPhase, SymptomTag, Tier, Triage

START = date(2026, 3, 2)  # a Monday

SOURCES = {
    "overstride": Source.VIDEO_SIDE,
    "low_cadence": Source.VIDEO_SIDE,
    "waist_lean": Source.VIDEO_SIDE,
    "high_vertical_oscillation": Source.VIDEO_SIDE,
    "long_contact_time": Source.VIDEO_SIDE,
    "step_time_asymmetry": Source.VIDEO_SIDE,
    "contact_time_asymmetry": Source.VIDEO_SIDE,
    "pelvic_drop": Source.VIDEO_REAR,
    "lateral_trunk_lean": Source.VIDEO_REAR,
    "crossover_gait": Source.VIDEO_REAR,
    "arm_crossing": Source.VIDEO_REAR,
    "frontal_asymmetry": Source.VIDEO_REAR,
}


def phase(days: int) -> Phase:
    """The phase the triage stage would derive from days since onset (seed and guideline bands)."""
    seed = SeedPhase.ACUTE if days <= 3 else SeedPhase.SUBACUTE if days <= 42 else SeedPhase.CHRONIC
    guideline = (
        GuidelinePhase.ACUTE
        if days < 42
        else GuidelinePhase.SUBACUTE
        if days < 84
        else GuidelinePhase.CHRONIC
    )
    return Phase(days_since_onset=days, flare=days <= 3, seed=seed, guideline=guideline)


def triage(tier: str = "SELF_MANAGE", *, days: int | None = 70, tags: Iterable[str] = ()) -> Triage:
    """A triage as the symptoms stage stores it."""
    return Triage(
        tier=Tier(tier),
        action={
            "EMERGENCY": "Stop and get emergency care now.",
            "URGENT": "See a clinician today.",
            "SOON": "Pause the program and see a GP or physio soon.",
            "RADICULAR": "Low-load work only; review in 1-2 weeks.",
            "SELF_MANAGE": "Guidance and a program are appropriate.",
        }[tier],
        phase=None if days is None else phase(days),
        tags=frozenset(SymptomTag(t) for t in tags),
        ruleset_version="test",
        ruleset_hash="0" * 64,
    )


def finding(
    code: str,
    severity: str = "moderate",
    *,
    capacities: Iterable[str] | None = None,
    value: float | None = None,
) -> Finding:
    """A finding as the other stages emit it (``capacities=None``: the stage gave none)."""
    return Finding(
        code=code,
        source=SOURCES.get(code, Source.TRAINING),
        title=f"{code.replace('_', ' ')} ({severity})",
        severity=Severity(severity),
        value=value,
        explanation="test finding",
        capacities=tuple(Capacity(c) for c in capacities or ()),
    )


def make_input(
    *,
    tri: Triage | None = None,
    findings: Iterable[Finding] = (),
    metrics: dict[str, float] | None = None,
    trail: bool = False,
    **prefs: Any,
) -> ProgramInput:
    """A complete generator input; ``prefs`` go to `Preferences` (start defaults to START)."""
    return ProgramInput(
        runner="Test Runner",
        triage=tri or triage(),
        findings=tuple(findings),
        metrics=metrics or {},
        trail_runner=trail,
        preferences=Preferences(**{"start": START, **prefs}),
    )


def store_runner_with_results(
    db_url: str,
    name: str,
    *,
    tri: Triage | None,
    gait: Iterable[Finding] = (),
    metrics: dict[str, float] | None = None,
    training: Iterable[Finding] = (),
    trail: bool = False,
) -> None:
    """Add a runner and the other stages' rows exactly as the assessments contract says."""
    db = Database.open(db_url)
    with db.session() as s:
        runner = add_runner(s, RunnerProfile(name=name))
        if tri is not None:
            summary = tri.model_dump(mode="json") | {"checkin": {"pain_now": 3}}
            s.add(Assessment(runner_id=runner.id, kind="triage", summary=summary))
        extra: dict[str, tuple[Iterable[Finding], dict[str, Any]]] = {
            "gait": (gait, {"metrics": metrics or {}}),
            "training": (training, {"trail_runner": trail}),
        }
        for kind, (found, rest) in extra.items():
            summary = {"findings": [f.model_dump(mode="json") for f in found], **rest}
            s.add(Assessment(runner_id=runner.id, kind=kind, summary=summary))
    db.dispose()


Main = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run_main(capsys: pytest.CaptureFixture[str], home: Path) -> Main:
    """The real entry point, in this process: ``run_main("plan", ..., db=url)`` returns
    (exit code, stdout, stderr). Cheaper than a subprocess for the many bad-input cases."""
    from backstride.cli import main

    def run(*args: str, db: str | None = None) -> tuple[int, str, str]:
        argv = [*(["--db", db] if db else []), *args]
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
