"""Repository functions of the program stage: read the other stages' results, store programs,
session logs and progression decisions.

Inputs follow the assessments contract: the latest row of each kind for the runner
(``ORDER BY created_at DESC, id DESC``). ``triage`` is required (no advice without triage);
``gait`` and ``training`` may be missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pydantic
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backstride.errors import InputError, NotFoundError
from backstride.findings import Finding
from backstride.program.library import Library
from backstride.program.models import LogEntry, Preferences, Program, ProgramInput
from backstride.program.plan import generate
from backstride.program.progression import keys_to_log, replay
from backstride.program.rules import ProgramRules, RulesVersion
from backstride.store.program_tables import ProgramChange, ProgramLog, ProgramRecord
from backstride.store.tables import Assessment, Runner
from backstride.symptoms.models import CHECKIN_MAX_AGE_DAYS, Triage, checkin_too_old
from backstride.validation import describe


@dataclass(frozen=True)
class StoredInputs:
    """What the other stages stored for a runner, validated, and which rows it came from."""

    triage: Triage
    findings: tuple[Finding, ...] = ()
    metrics: dict[str, float] = field(default_factory=dict)
    trail_runner: bool = False
    sources: dict[str, int] = field(default_factory=dict)


def latest_assessment(session: Session, runner_id: int, kind: str) -> Assessment | None:
    """The newest assessment of ``kind`` for the runner, or None."""
    return session.scalars(
        select(Assessment)
        .where(Assessment.runner_id == runner_id, Assessment.kind == kind)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        .limit(1)
    ).first()


def _unreadable(row: Assessment, runner: Runner, exc: pydantic.ValidationError) -> InputError:
    where, problem = describe(exc)
    redo = {
        "triage": f"re-do the check-in with `backstride checkin --runner {runner.name!r}`",
        "gait": "re-run the video analysis",
        "training": "re-import the training history",
    }.get(row.kind, "re-run that stage")
    return InputError(
        f"the stored {row.kind} result #{row.id} for {runner.name!r} cannot be read "
        f"({where}: {problem}); {redo}"
    )


def _findings(row: Assessment, runner: Runner) -> tuple[Finding, ...]:
    raw = row.summary.get("findings", [])
    try:
        return tuple(Finding.model_validate(f) for f in raw)
    except pydantic.ValidationError as exc:
        raise _unreadable(row, runner, exc) from None


def _metrics(summary: Mapping[str, Any]) -> dict[str, float]:
    raw = summary.get("metrics") or {}
    return {
        str(k): float(v)
        for k, v in sorted(raw.items())
        if isinstance(v, int | float) and not isinstance(v, bool)
    }


def load_inputs(session: Session, runner: Runner, *, today: date | None = None) -> StoredInputs:
    """The latest triage (required), gait and training results of ``runner``.

    A runner with no check-in, or only one older than `CHECKIN_MAX_AGE_DAYS` on ``today``
    (default: the real date), gets a `NotFoundError` telling them to do one first.
    """
    triage_row = latest_assessment(session, runner.id, "triage")
    if triage_row is None:
        raise NotFoundError(
            f"no check-in for {runner.name!r} yet: do `backstride checkin --runner "
            f"{runner.name!r}` first (no program or running advice without triage)"
        )
    try:
        triage = Triage.model_validate(triage_row.summary)
    except pydantic.ValidationError as exc:
        raise _unreadable(triage_row, runner, exc) from None
    decided_on = triage.decided_on or triage_row.created_at.date()
    if checkin_too_old(decided_on, today or date.today()):
        raise NotFoundError(
            f"the last check-in for {runner.name!r} was on {decided_on.isoformat()}, more than "
            f"{CHECKIN_MAX_AGE_DAYS} days ago: symptoms change, so do `backstride checkin "
            f"--runner {runner.name!r}` again first"
        )
    findings: list[Finding] = []
    metrics: dict[str, float] = {}
    trail = False
    sources = {"triage": triage_row.id}
    for kind in ("gait", "training"):
        row = latest_assessment(session, runner.id, kind)
        if row is None:
            continue
        sources[kind] = row.id
        findings += _findings(row, runner)
        if kind == "gait":
            metrics = _metrics(row.summary)
        else:
            trail = row.summary.get("trail_runner") is True
    return StoredInputs(triage, tuple(findings), metrics, trail, sources)


def program_from_store(
    session: Session, runner: Runner, preferences: Preferences, *, shown_name: str | None = None
) -> Program:
    """The program generated from the runner's stored results (what ``backstride plan`` and the
    web app make); ``shown_name`` is the name printed on it (default: the stored name)."""
    inputs = load_inputs(session, runner)
    return generate(
        ProgramInput(
            runner=shown_name or runner.name,
            triage=inputs.triage,
            findings=inputs.findings,
            metrics=inputs.metrics,
            trail_runner=inputs.trail_runner,
            preferences=preferences,
        )
    )


def save_program(session: Session, runner: Runner, program: Program) -> ProgramRecord:
    """Store a generated program: the ``assessments`` row other stages read, and our record."""
    data = program.model_dump(mode="json")
    assessment = Assessment(runner_id=runner.id, kind="program", summary=data)
    session.add(assessment)
    session.flush()
    record = ProgramRecord(
        runner_id=runner.id,
        assessment_id=assessment.id,
        status=program.status,
        start_date=program.start,
        weeks=program.weeks_count,
        library_version=program.library.version,
        library_hash=program.library.content_hash,
        rules_version=program.rules.version,
        rules_hash=program.rules.content_hash,
        plan=data,
    )
    session.add(record)
    session.flush()
    return record


def latest_program(session: Session, runner: Runner) -> ProgramRecord:
    """The runner's newest program; none yet is a `NotFoundError` saying how to make one."""
    record = session.scalars(
        select(ProgramRecord)
        .where(ProgramRecord.runner_id == runner.id)
        .order_by(ProgramRecord.created_at.desc(), ProgramRecord.id.desc())
        .limit(1)
    ).first()
    if record is None:
        raise NotFoundError(
            f"no program for {runner.name!r} yet: make one with "
            f"`backstride plan --runner {runner.name!r}`"
        )
    return record


def stored_logs(record: ProgramRecord) -> dict[str, LogEntry]:
    """The logs of a program, in the order they were made."""
    return {
        log.session_key: LogEntry(
            done=log.done,
            effort=log.effort,
            pain=log.pain,
            morning=log.morning,
            leg_symptoms=log.leg_symptoms,
            note=log.note,
        )
        for log in record.logs
    }


def current_program(
    record: ProgramRecord, *, library: Library, rules: ProgramRules, version: RulesVersion
) -> Program:
    """The program as it stands: the stored plan replayed with every log."""
    base = Program.model_validate(record.plan)
    return replay(base, stored_logs(record), library=library, rules=rules, rules_version=version)


def log_session(
    session: Session,
    record: ProgramRecord,
    entry: LogEntry,
    *,
    key: str | None,
    library: Library,
    rules: ProgramRules,
    version: RulesVersion,
) -> tuple[Program, list[str]]:
    """Log ``entry`` for session ``key`` (default: the next one), earlier missed sessions as not
    done; store the logs and decisions; update the program's assessment. Returns the updated
    program and the keys logged now."""
    base = Program.model_validate(record.plan)
    logged = stored_logs(record)
    keys = keys_to_log(base, logged, key)
    new = {k: LogEntry(done=False, note="missed (logged later)") for k in keys[:-1]}
    new[keys[-1]] = entry
    program = replay(base, {**logged, **new}, library=library, rules=rules, rules_version=version)
    rows: dict[str, ProgramLog] = {}
    for k, e in new.items():
        rows[k] = ProgramLog(session_key=k, **e.model_dump())
        record.logs.append(rows[k])
    try:
        session.flush()
    except IntegrityError as exc:  # another log of the same session was saved meanwhile
        raise InputError(f"session {keys[-1]} was logged at the same time; try again") from exc
    for change in program.changes:
        if change.session in rows:
            session.add(
                ProgramChange(
                    program_id=record.id,
                    log_id=rows[change.session].id,
                    session_key=change.session,
                    **change.model_dump(exclude={"session"}),
                )
            )
    _update_assessment(session, record, program)
    session.flush()
    return program, keys


def _update_assessment(session: Session, record: ProgramRecord, program: Program) -> None:
    data = program.model_dump(mode="json")
    assessment = (
        None if record.assessment_id is None else session.get(Assessment, record.assessment_id)
    )
    if assessment is None:
        assessment = Assessment(runner_id=record.runner_id, kind="program", summary=data)
        session.add(assessment)
        session.flush()
        record.assessment_id = assessment.id
    else:
        assessment.summary = data


def changes_for(session: Session, record: ProgramRecord) -> list[ProgramChange]:
    """Every stored decision of a program, oldest first."""
    return list(
        session.scalars(
            select(ProgramChange)
            .where(ProgramChange.program_id == record.id)
            .order_by(ProgramChange.id)
        )
    )
