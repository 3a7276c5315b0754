"""Repository functions of the check-in and triage stage.

* Drafts: a partial check-in is saved with ``status="draft"`` and resumed later; a draft is never
  a decision.
* Decisions: `record_decision` writes, in the caller's transaction, the complete check-in, the
  ``triage_decisions`` row (rule-set version, hash, date, fired rules) and the
  ``Assessment(kind="triage")`` row whose summary is ``Triage.model_dump(mode="json")`` plus the
  answers under ``"checkin"`` (the contract the program and assessment stages read).
* The pain log: one entry per runner and day; later answers fill in an entry, and changing an
  answer already given needs ``replace=True`` so nothing logged is lost by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.errors import InputError, NotFoundError
from backstride.store.symptoms_tables import CheckinRecord, PainLogRecord, TriageDecision
from backstride.store.tables import Assessment
from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.models import Triage
from backstride.symptoms.painlog import PainEntry

TRIAGE_KIND = "triage"


def save_draft(
    session: Session,
    runner_id: int,
    checkin: CheckIn,
    *,
    source: str,
    draft_id: int | None = None,
) -> CheckinRecord:
    """Save a partial check-in as a draft (a new one, or over the draft ``draft_id``)."""
    record = _checkin_record(session, runner_id, checkin, "draft", source, draft_id)
    session.flush()
    return record


def latest_draft(session: Session, runner_id: int) -> CheckinRecord | None:
    """The runner's newest draft check-in, if any."""
    return session.scalar(
        select(CheckinRecord)
        .where(CheckinRecord.runner_id == runner_id, CheckinRecord.status == "draft")
        .order_by(CheckinRecord.updated_at.desc(), CheckinRecord.id.desc())
        .limit(1)
    )


def _draft(session: Session, runner_id: int, draft_id: int) -> CheckinRecord:
    record = session.get(CheckinRecord, draft_id)
    if record is None or record.runner_id != runner_id or record.status != "draft":
        raise NotFoundError(f"no draft check-in #{draft_id} for this runner")
    return record


def _checkin_record(
    session: Session,
    runner_id: int,
    checkin: CheckIn,
    status: str,
    source: str,
    draft_id: int | None,
) -> CheckinRecord:
    """The draft ``draft_id`` (or a new row) holding ``checkin`` with ``status``."""
    record = _draft(session, runner_id, draft_id) if draft_id else None
    if record is None:
        record = CheckinRecord(runner_id=runner_id, source=source[:255])
        session.add(record)
    record.status = status
    record.answers = checkin.answered()
    return record


def draft_checkin(record: CheckinRecord) -> CheckIn:
    """The answers of a stored check-in as a `CheckIn`."""
    return CheckIn.model_validate(record.answers)


def record_decision(
    session: Session,
    runner_id: int,
    checkin: CheckIn,
    triage: Triage,
    *,
    source: str,
    draft_id: int | None = None,
) -> TriageDecision:
    """Store a decision: the complete check-in, the decision row and the triage assessment."""
    record = _checkin_record(session, runner_id, checkin, "complete", source, draft_id)
    result = triage.model_dump(mode="json")
    assessment = Assessment(
        runner_id=runner_id, kind=TRIAGE_KIND, summary={**result, "checkin": record.answers}
    )
    session.add(assessment)
    session.flush()
    decision = TriageDecision(
        runner_id=runner_id,
        checkin_id=record.id,
        assessment_id=assessment.id,
        decided_on=triage.decided_on or date.today(),
        tier=triage.tier.value,
        ruleset_version=triage.ruleset_version,
        ruleset_hash=triage.ruleset_hash,
        fired=[rule.id for rule in triage.fired],
        result=result,
    )
    session.add(decision)
    session.flush()
    return decision


def latest_triage(session: Session, runner_id: int) -> Triage | None:
    """The runner's newest triage (from the ``assessments`` contract row), or None.

    Examples
    --------
    >>> from backstride.store import Database
    >>> with Database.open("sqlite://").session() as s:
    ...     latest_triage(s, runner_id=1) is None
    True
    """
    row = session.scalar(
        select(Assessment)
        .where(Assessment.runner_id == runner_id, Assessment.kind == TRIAGE_KIND)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        .limit(1)
    )
    return None if row is None else Triage.model_validate(row.summary)


@dataclass(frozen=True)
class StoredDecision:
    """A stored decision with the answers behind it."""

    id: int
    checkin_id: int
    triage: Triage
    checkin: CheckIn
    created_at: datetime


def decisions(session: Session, runner_id: int) -> list[StoredDecision]:
    """Every decision for the runner, newest first."""
    rows = session.execute(
        select(TriageDecision, CheckinRecord)
        .join(CheckinRecord, CheckinRecord.id == TriageDecision.checkin_id)
        .where(TriageDecision.runner_id == runner_id)
        .order_by(TriageDecision.created_at.desc(), TriageDecision.id.desc())
    )
    return [
        StoredDecision(
            id=decision.id,
            checkin_id=record.id,
            triage=Triage.model_validate(decision.result),
            checkin=CheckIn.model_validate(record.answers),
            created_at=decision.created_at,
        )
        for decision, record in rows
    ]


def _merge(record: PainLogRecord, entry: PainEntry, replace: bool) -> None:
    for name in ("pain_during", "pain_after", "next_morning", "walk_run_phase", "note"):
        new = getattr(entry, name)
        if new is None:
            continue
        new = getattr(new, "value", new)
        old = getattr(record, name)
        if old is not None and old != new and not replace:
            raise InputError(
                f"{name} for {entry.entry_date} is already {old!r}; "
                f"pass --replace to change it to {new!r}"
            )
        setattr(record, name, new)


def log_pain(
    session: Session, runner_id: int, entry: PainEntry, *, replace: bool = False
) -> PainEntry:
    """Add the day's entry or fill in the existing one; return the entry as stored."""
    record = session.scalar(
        select(PainLogRecord).where(
            PainLogRecord.runner_id == runner_id, PainLogRecord.entry_date == entry.entry_date
        )
    )
    if record is None:
        record = PainLogRecord(runner_id=runner_id, entry_date=entry.entry_date)
        session.add(record)
    _merge(record, entry, replace)
    session.flush()
    return _entry(record)


def _entry(record: PainLogRecord) -> PainEntry:
    return PainEntry(
        entry_date=record.entry_date,
        pain_during=record.pain_during,
        pain_after=record.pain_after,
        next_morning=record.next_morning,
        walk_run_phase=record.walk_run_phase,
        note=record.note,
    )


def pain_entries(session: Session, runner_id: int, since: date | None = None) -> list[PainEntry]:
    """The runner's pain log, oldest first, from ``since`` (inclusive) when given."""
    query = select(PainLogRecord).where(PainLogRecord.runner_id == runner_id)
    if since is not None:
        query = query.where(PainLogRecord.entry_date >= since)
    return [_entry(r) for r in session.scalars(query.order_by(PainLogRecord.entry_date))]
