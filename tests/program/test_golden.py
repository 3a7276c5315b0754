"""The golden scenarios in golden.yaml: each profile and its exact expectations, with the reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from backstride.program.library import load_library
from backstride.program.models import LogEntry, Program, ProgramInput
from backstride.program.plan import generate
from backstride.program.progression import replay
from backstride.program.rules import load_rules
from tests.program.conftest import finding, make_input, triage

GOLDEN = yaml.safe_load((Path(__file__).parent / "golden.yaml").read_text())
LIB = load_library()


def build(row: dict[str, Any]) -> ProgramInput:
    tri = dict(row.get("triage", {}))
    return make_input(
        tri=triage(tri.pop("tier", "SELF_MANAGE"), days=tri.pop("days", 70), **tri),
        findings=[finding(**f) for f in row.get("findings", [])],
        metrics=row.get("metrics"),
        trail=row.get("trail", False),
        **row.get("prefs", {}),
    )


def _ids_in_sessions(p: Program) -> set[str]:
    return {i.exercise_id for s in p.sessions() for i in s.items}


def _check_lists(p: Program, exp: dict[str, Any]) -> None:
    first = p.sessions()[0].items if p.sessions() else ()
    checks = {
        "first_items": lambda: [i.exercise_id for i in first],
        "post_run": lambda: [i.exercise_id for i in p.post_run],
        "cues": lambda: [c.id for c in p.running.cues],
        "load_cues": lambda: [c.id for c in p.running.load_cues],
        "week_kinds": lambda: [w.kind for w in p.weeks],
        "excluded": lambda: [e.exercise_id for e in p.excluded],
        "first_dates": lambda: [s.on for s in p.weeks[0].sessions],
        "uncovered": lambda: [f.capacity.value for f in p.focus if not f.covered_by],
    }
    for key, got in checks.items():
        if key in exp:
            want = exp[key]
            if key == "first_dates":
                want = [date.fromisoformat(str(d)) for d in want]
            assert got() == want, key


def _check_scalars(p: Program, exp: dict[str, Any]) -> None:
    scalars = {
        "status": p.status,
        "weeks_count": p.weeks_count,
        "sessions": len(p.sessions()),
        "profile": p.profile,
        "running_mode": p.running.mode,
        "rtr_phases": len(p.running.return_to_run.phases) if p.running.return_to_run else 0,
    }
    for key, got in scalars.items():
        if key in exp:
            assert got == exp[key], key
    if "cadence" in exp:
        cad = p.running.cadence
        want = exp["cadence"]
        assert (None if cad is None else cad.model_dump(exclude={"measured_spm"})) == want
    if "notes_contain" in exp:
        assert any(exp["notes_contain"] in n for n in p.notes), p.notes


def _check_sets(p: Program, exp: dict[str, Any]) -> None:
    everywhere = p.exercise_ids()
    for ex_id in exp.get("absent", []):
        assert ex_id not in everywhere, ex_id
    for ex_id in exp.get("present", []):
        assert ex_id in _ids_in_sessions(p), ex_id
    for tag in exp.get("absent_tags", []):
        assert not [e for e in everywhere if tag in LIB[e].contraindications], tag
    if "max_level" in exp:
        assert max(LIB[e].level for e in everywhere) <= exp["max_level"]
    for eq in exp.get("no_equipment", []):
        assert not [e for e in everywhere if eq in LIB[e].equipment], eq
    if "max_sets" in exp:  # McGill pyramids keep their descending sets (low load by design)
        sets = [i.dose.sets for s in p.sessions() for i in s.items if i.dose.pyramid is None]
        assert max(sets) <= exp["max_sets"]
    for capacity, ids in exp.get("slot_path", {}).items():
        slot = next(s for s in p.slots if s.capacity.value == capacity)
        path = list(dict.fromkeys(step.exercise_id for step in slot.steps))
        assert path == ids, capacity


@pytest.mark.parametrize("row", GOLDEN["profiles"], ids=[r["id"] for r in GOLDEN["profiles"]])
def test_profile(row: dict[str, Any]) -> None:
    assert row["why"].strip(), "every golden row says why"
    program = generate(build(row))
    exp = row["expect"]
    _check_scalars(program, exp)
    _check_lists(program, exp)
    _check_sets(program, exp)


@pytest.mark.parametrize(
    "row", GOLDEN["progressions"], ids=[r["id"] for r in GOLDEN["progressions"]]
)
def test_progression(row: dict[str, Any]) -> None:
    rules, version = load_rules()
    base = generate(build(row))
    logs = {
        r["session"]: LogEntry(**{k: v for k, v in r.items() if k != "session"})
        for r in row["logs"]
    }
    program = replay(base, logs, library=LIB, rules=rules, rules_version=version)
    exp = row["expect"]
    session = next(s for s in program.sessions() if s.key == exp["at"])
    for item in session.items:
        slot = next(s for s in program.slots if s.key == item.slot)
        assert item.step == max(slot.start + exp["step_delta"], 0), item.slot
    for key, action in zip(logs, exp["actions"], strict=True):
        assert {c.action for c in program.changes if c.session == key} == {action}, key
    if "advice_contains" in exp:
        assert any(exp["advice_contains"] in a for a in program.advice), program.advice


def test_there_are_at_least_twenty_golden_profiles() -> None:
    assert len(GOLDEN["profiles"]) + len(GOLDEN["progressions"]) >= 20
    assert len(GOLDEN["profiles"]) >= 20
