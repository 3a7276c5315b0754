"""Tables of the check-in and triage stage: check-ins (drafts too), decisions, pain log entries.

Every decision is also written as an ``assessments`` row of kind ``triage`` (the contract other
stages read); ``triage_decisions`` keeps what makes it reproducible: the rule-set version and
content hash, the date it was counted from, the fired rule ids, and the check-in behind it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from backstride.store.base import Base, utcnow


class CheckinRecord(Base):
    """One check-in's answers; ``status`` is ``draft`` until a decision is made from it."""

    __tablename__ = "checkins"
    __table_args__ = (CheckConstraint("status IN ('draft', 'complete')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    runner_id: Mapped[int] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(255))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class TriageDecision(Base):
    """A decision made from a complete check-in, with everything needed to reproduce it."""

    __tablename__ = "triage_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    runner_id: Mapped[int] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    checkin_id: Mapped[int] = mapped_column(
        ForeignKey("checkins.id", ondelete="CASCADE"), unique=True
    )
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_on: Mapped[date] = mapped_column(Date)
    tier: Mapped[str] = mapped_column(String(16))
    ruleset_version: Mapped[str] = mapped_column(String(16))
    ruleset_hash: Mapped[str] = mapped_column(String(64))
    fired: Mapped[list[str]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)


class PainLogRecord(Base):
    """One day of the pain log (one row per runner and day; later answers fill it in)."""

    __tablename__ = "pain_entries"
    __table_args__ = (
        UniqueConstraint("runner_id", "entry_date"),
        CheckConstraint("pain_during BETWEEN 0 AND 10", name="pain_during"),
        CheckConstraint("pain_after BETWEEN 0 AND 10", name="pain_after"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    runner_id: Mapped[int] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    entry_date: Mapped[date] = mapped_column(Date)
    pain_during: Mapped[int | None] = mapped_column(Integer)
    pain_after: Mapped[int | None] = mapped_column(Integer)
    next_morning: Mapped[str | None] = mapped_column(String(8))
    walk_run_phase: Mapped[int | None] = mapped_column(Integer)  # 1-12, checked by PainEntry
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
