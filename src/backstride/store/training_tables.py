"""Training-stage tables: imported files, activities, which file gave which activity, shoes.

- ``training_files``: every file a runner imported, by content hash (what makes re-imports
  incremental). A failed file is not recorded, so it is tried again next time.
- ``training_activities``: one row per activity (after duplicates are merged), the columns of
  `backstride.training.activity.Activity` plus its shoe and the key of its cached streams.
- ``training_activity_sources``: which session of which file gave an activity; several rows when
  duplicates were merged, one of them primary (the copy whose values the activity shows).
- ``training_shoes``: pairs of shoes with their initial km, wear limit, surface and dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column

from backstride.store.base import Base, utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite drops the zone; this restores it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class TrainingFile(Base):
    """A file a runner imported, known by the SHA-256 of its (decompressed) content."""

    __tablename__ = "training_files"
    __table_args__ = (UniqueConstraint("runner_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    runner_id: Mapped[int] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(8))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Shoe(Base):
    """A pair of shoes: km before tracking, wear limit, default surface, in use from/until."""

    __tablename__ = "training_shoes"
    __table_args__ = (UniqueConstraint("runner_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    runner_id: Mapped[int] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    surface: Mapped[str | None] = mapped_column(String(16))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    initial_km: Mapped[float] = mapped_column(Float, default=0.0)
    limit_km: Mapped[float] = mapped_column(Float)
    since: Mapped[date | None] = mapped_column(Date)
    retired_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class TrainingActivity(Base):
    """One activity (duplicates merged); columns mirror `Activity`."""

    __tablename__ = "training_activities"
    __table_args__ = (Index("ix_training_activities_runner_start", "runner_id", "start_utc"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    runner_id: Mapped[int] = mapped_column(ForeignKey("runners.id", ondelete="CASCADE"), index=True)
    start_utc: Mapped[datetime] = mapped_column(UTCDateTime())
    utc_offset_s: Mapped[int] = mapped_column(Integer)
    offset_source: Mapped[str] = mapped_column(String(16))
    local_date: Mapped[date] = mapped_column(Date)
    sport: Mapped[str] = mapped_column(String(16))
    sport_source: Mapped[str] = mapped_column(String(16))
    sub_sport: Mapped[str | None] = mapped_column(String(40))
    surface: Mapped[str] = mapped_column(String(16))
    distance_m: Mapped[float] = mapped_column(Float)
    elapsed_s: Mapped[float] = mapped_column(Float)
    moving_s: Mapped[float] = mapped_column(Float)
    ascent_m: Mapped[float | None] = mapped_column(Float)
    descent_m: Mapped[float | None] = mapped_column(Float)
    elevation_method: Mapped[str] = mapped_column(String(16))
    descent_below_5pct_km: Mapped[float | None] = mapped_column(Float)
    descent_below_10pct_km: Mapped[float | None] = mapped_column(Float)
    cadence_spm: Mapped[float | None] = mapped_column(Float)
    cadence_method: Mapped[str | None] = mapped_column(String(24))
    stance_ms: Mapped[float | None] = mapped_column(Float)
    stance_balance_pct_left: Mapped[float | None] = mapped_column(Float)
    vertical_oscillation_mm: Mapped[float | None] = mapped_column(Float)
    vertical_ratio_pct: Mapped[float | None] = mapped_column(Float)
    step_length_mm: Mapped[float | None] = mapped_column(Float)
    avg_heart_rate_bpm: Mapped[float | None] = mapped_column(Float)
    has_positions: Mapped[bool] = mapped_column(Boolean)
    device: Mapped[str | None] = mapped_column(String(80))
    name: Mapped[str | None] = mapped_column(String(200))
    gear: Mapped[str | None] = mapped_column(String(120))
    source_format: Mapped[str] = mapped_column(String(8))
    samples: Mapped[int] = mapped_column(Integer)
    stream_key: Mapped[str | None] = mapped_column(String(80))
    shoe_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_shoes.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ActivitySource(Base):
    """Which session of which file gave an activity (several when duplicates were merged)."""

    __tablename__ = "training_activity_sources"
    __table_args__ = (UniqueConstraint("file_id", "session_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("training_activities.id", ondelete="CASCADE"), index=True
    )
    file_id: Mapped[int] = mapped_column(
        ForeignKey("training_files.id", ondelete="CASCADE"), index=True
    )
    session_index: Mapped[int] = mapped_column(Integer)
    source_format: Mapped[str] = mapped_column(String(8))
    is_primary: Mapped[bool] = mapped_column(Boolean)
    stream_key: Mapped[str | None] = mapped_column(String(80))
