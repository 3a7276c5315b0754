"""Tables of the web app: clinics, accounts, sessions, login attempts, invites, the job queue and
assessment intakes (uploads and check-in answers before a job runs).

- ``clinics``: a clinic; clinicians belong to one and see only its runners.
- ``users``: an account. ``role`` is ``clinician`` (with a clinic) or ``runner`` (with exactly one
  runner row); ``is_admin`` lets a clinician manage clinics, clinicians and unassigned runners.
  Passwords are argon2 hashes, never the password.
- ``runner_clinics``: which clinic a runner belongs to (none for a self-registered runner, and
  none for a runner made on the command line until an admin adds it to a clinic).
- ``web_sessions``: server-side sessions. The cookie holds a random token; only its SHA-256 is
  stored, so a copy of the database does not hold live sessions. Anonymous sessions (no user)
  carry the CSRF token of the login and sign-up forms.
- ``login_attempts``: failed and successful logins per account and per client address, so the
  rate limit survives a restart.
- ``invites``: one-time links (SHA-256 of the token) that let a runner create their account.
- ``jobs``: the durable queue (kind, payload, status, attempts, progress, lease and heartbeat).
- ``intakes`` / ``intake_files``: a new assessment being put together: the uploaded files (as
  artifacts of the runner) and the check-in answers, until it is submitted as a job.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backstride.store.base import Base, utcnow
from backstride.store.training_tables import UTCDateTime

JOB_STATUSES = ("queued", "running", "done", "failed")


class Clinic(Base):
    """A clinic: clinicians belong to one; runners may."""

    __tablename__ = "clinics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class User(Base):
    """An account: a clinician of a clinic, or a runner who sees only themselves."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('clinician', 'runner')", name="role"),
        CheckConstraint(
            "(role = 'clinician' AND clinic_id IS NOT NULL AND runner_id IS NULL) OR "
            "(role = 'runner' AND runner_id IS NOT NULL AND NOT is_admin)",
            name="role_links",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    clinic_id: Mapped[int | None] = mapped_column(
        ForeignKey("clinics.id", ondelete="RESTRICT"), index=True
    )
    runner_id: Mapped[int | None] = mapped_column(
        ForeignKey("runners.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class RunnerClinic(Base):
    """The clinic a runner belongs to, and the name the clinic knows them by."""

    __tablename__ = "runner_clinics"

    runner_id: Mapped[int] = mapped_column(
        ForeignKey("runners.id", ondelete="CASCADE"), primary_key=True
    )
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id", ondelete="CASCADE"), index=True)
    display_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WebSession(Base):
    """A browser session; ``user_id`` is None before login (it then only carries a CSRF token)."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    flash: Mapped[str | None] = mapped_column(Text)


class LoginAttempt(Base):
    """One login (or sign-up) attempt, counted by the rate limit per account and per address."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_scope_key_at", "scope", "key", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    succeeded: Mapped[bool] = mapped_column(Boolean)


class Invite(Base):
    """A one-time link for a runner of a clinic to create their account."""

    __tablename__ = "invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    runner_id: Mapped[int] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Job(Base):
    """One unit of background work in the durable queue."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed')",
            name="status",
        ),
        Index("ix_jobs_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    progress_stage: Mapped[str | None] = mapped_column(String(80))
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    runner_id: Mapped[int | None] = mapped_column(
        ForeignKey("runners.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Intake(Base):
    """A new assessment being put together: files uploaded, check-in answered, then submitted."""

    __tablename__ = "intakes"
    __table_args__ = (CheckConstraint("status IN ('draft', 'submitted')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    runner_id: Mapped[int] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    height_cm: Mapped[float | None] = mapped_column(Float)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    shown: Mapped[list[str]] = mapped_column(JSON, default=list)
    checkin_skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class IntakeFile(Base):
    """An uploaded file of an intake: the artifact and what it is for."""

    __tablename__ = "intake_files"
    __table_args__ = (
        CheckConstraint("role IN ('side_video', 'rear_video', 'activity')", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    intake_id: Mapped[int] = mapped_column(ForeignKey("intakes.id", ondelete="CASCADE"), index=True)
    artifact_id: Mapped[int] = mapped_column(
        ForeignKey("artifacts.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(16))
