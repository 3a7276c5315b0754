"""Program tables: generated programs, the runner's session logs, and every progression decision.

``programs.plan`` keeps the program exactly as generated (revision 0); the current program is that
plan replayed with the logs (`backstride.program.progression.replay`) and is what the program's
``assessments`` row (``kind="program"``) holds for the other stages. ``program_changes`` records
each decision with its reason and the rules version that made it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backstride.store.base import Base, utcnow


class ProgramRecord(Base):
    """A generated program (or referral) for a runner."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    runner_id: Mapped[int] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessments.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(16))
    start_date: Mapped[date] = mapped_column(Date)
    weeks: Mapped[int] = mapped_column(Integer)
    library_version: Mapped[str] = mapped_column(String(32))
    library_hash: Mapped[str] = mapped_column(String(64))
    rules_version: Mapped[str] = mapped_column(String(32))
    rules_hash: Mapped[str] = mapped_column(String(64))
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)

    logs: Mapped[list[ProgramLog]] = relationship(
        back_populates="program",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ProgramLog.id",
    )


class ProgramLog(Base):
    """The runner's feedback on one session (one row per session, in order)."""

    __tablename__ = "program_logs"
    __table_args__ = (UniqueConstraint("program_id", "session_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    session_key: Mapped[str] = mapped_column(String(16))
    logged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done: Mapped[bool] = mapped_column(Boolean)
    effort: Mapped[int | None] = mapped_column(Integer)
    pain: Mapped[int | None] = mapped_column(Integer)
    morning: Mapped[str] = mapped_column(String(16))
    leg_symptoms: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)

    program: Mapped[ProgramRecord] = relationship(back_populates="logs")
    changes: Mapped[list[ProgramChange]] = relationship(
        back_populates="log", cascade="all, delete-orphan", passive_deletes=True
    )


class ProgramChange(Base):
    """One progression decision (progress / hold / regress) for one slot, with its reason."""

    __tablename__ = "program_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(
        ForeignKey("programs.id", ondelete="CASCADE"), index=True
    )
    log_id: Mapped[int] = mapped_column(
        ForeignKey("program_logs.id", ondelete="CASCADE"), index=True
    )
    session_key: Mapped[str] = mapped_column(String(16))
    slot: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(16))
    from_step: Mapped[int] = mapped_column(Integer)
    to_step: Mapped[int] = mapped_column(Integer)
    from_exercise: Mapped[str] = mapped_column(String(64))
    to_exercise: Mapped[str] = mapped_column(String(64))
    variable: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    move: Mapped[str] = mapped_column(String(255))
    rules_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    log: Mapped[ProgramLog] = relationship(back_populates="changes")
