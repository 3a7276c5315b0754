"""A runner's data as one ZIP: every stored row about them as JSON, and their files.

Which rows: every table with a ``runner_id`` column, and every table that points (by foreign
key) at rows already taken, found from the schema itself, so a table a later stage adds is
exported without a change here. Secrets are never exported: password hashes, session and invite
token hashes, CSRF tokens (and the tables holding only those). Files are copied out of the
content-addressed store once per content, under their original names.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

import backstride.store.models  # noqa: F401  (every table on the metadata)
from backstride.store import BlobStore
from backstride.store.base import Base
from backstride.store.tables import Artifact, Runner

SECRET_COLUMNS = frozenset({"password_hash", "token_sha256", "csrf_token"})
SKIPPED_TABLES = frozenset({"web_sessions", "invites", "login_attempts"})
STORED_AS_IS = (".mp4", ".mov", ".zip", ".gz", ".png", ".jpg")
README = """backstride data export
======================

runner.json        the runner's profile
tables/<name>.json every stored row about the runner, one file per table (check-ins, triage
                   decisions, assessments, programs and session logs, activities, jobs...)
files/             the runner's files (videos, activity files, frames, reports), named
                   <first 12 characters of the SHA-256>-<original name>; tables/artifacts.json
                   says which row is which file.

Exported {when} UTC. Password hashes and session tokens are never exported.
"""


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _row(table: Table, row: Any) -> dict[str, Any]:
    return {
        c.name: _json(getattr(row, c.name)) for c in table.columns if c.name not in SECRET_COLUMNS
    }


def runner_rows(session: Session, runner_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row about the runner, by table (see the module notes)."""
    taken: dict[str, set[Any]] = {"runners": {runner_id}}
    out: dict[str, list[dict[str, Any]]] = {}
    for table in Base.metadata.sorted_tables:
        if table.name in SKIPPED_TABLES or table.name == "runners":
            continue
        condition = None
        if "runner_id" in table.columns:
            condition = table.c.runner_id == runner_id
        else:
            for fk in table.foreign_keys:
                parent = fk.column.table.name
                if parent in taken and parent != "runners" and taken[parent]:
                    condition = fk.parent.in_(sorted(taken[parent]))
                    break
        if condition is None:
            continue
        rows = session.execute(select(table).where(condition)).all()
        if not rows:
            continue
        out[table.name] = [_row(table, r) for r in rows]
        if "id" in table.columns:
            taken[table.name] = {r.id for r in rows}
    return out


def write_export(session: Session, blobs: BlobStore, runner_id: int, folder: Path) -> Path:
    """Write the runner's ZIP into ``folder`` (a temporary name) and return its path."""
    runner = session.get_one(Runner, runner_id)
    fd, name = tempfile.mkstemp(dir=folder, prefix=".export-", suffix=".zip")
    os.close(fd)
    path = Path(name)
    runners = Base.metadata.tables["runners"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("README.txt", README.format(when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M")))
        zf.writestr("runner.json", json.dumps(_row(runners, runner), indent=2))
        for table, rows in runner_rows(session, runner_id).items():
            zf.writestr(f"tables/{table}.json", json.dumps(rows, indent=2, default=str))
        written: set[str] = set()
        artifacts = session.scalars(select(Artifact).where(Artifact.runner_id == runner_id))
        for artifact in artifacts:
            blob = blobs.path_for(artifact.sha256)
            if artifact.sha256 in written or not blob.exists():
                continue
            written.add(artifact.sha256)
            safe = Path(artifact.original_name).name or "file"
            packed = zipfile.ZIP_STORED if safe.lower().endswith(STORED_AS_IS) else None
            zf.write(blob, f"files/{artifact.sha256[:12]}-{safe}", compress_type=packed)
    return path
