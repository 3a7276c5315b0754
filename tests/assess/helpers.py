"""Counting what is stored, to check that a failed assessment leaves nothing new behind."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from backstride.store import Database
from backstride.store.base import Base
from backstride.store.tables import Assessment


def row_counts(db: Database) -> dict[str, int]:
    """Rows in every table of the schema."""
    with db.session() as s:
        return {
            t.name: int(s.scalar(sa.select(sa.func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
        }


def kinds(db: Database) -> list[str]:
    """The kinds of the stored assessments rows, in id order."""
    with db.session() as s:
        return list(s.scalars(sa.select(Assessment.kind).order_by(Assessment.id)))


def blob_files(home: Path) -> list[Path]:
    """Content-addressed files on disk under the data directory."""
    root = home / "artifacts"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
