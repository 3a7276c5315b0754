"""Test helpers: run the real command on a data directory; find a runner's stage rows."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from backstride.assess.models import Assessment
from backstride.store import Database
from backstride.store.runners import get_runner
from backstride.store.tables import Assessment as Row


@dataclass(frozen=True)
class Home:
    """A data directory with its database, and how to run the real command on it."""

    path: Path

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.path / 'backstride.db'}"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {"BACKSTRIDE_HOME": str(self.path), "COLUMNS": "200", "NO_COLOR": "1"}
        env.pop("BACKSTRIDE_DB", None)
        r = subprocess.run(
            [sys.executable, "-m", "backstride", *args],
            capture_output=True,
            text=True,
            env={**{k: v for k, v in os.environ.items() if k != "BACKSTRIDE_DB"}, **env},
            timeout=900,
            cwd=self.path,
        )
        assert r.returncode == 0, f"backstride {' '.join(args)} failed: {r.stderr}"
        return r


def latest_ids(db: Database, runner: str) -> dict[str, int]:
    """kind -> id of the runner's newest row of each kind."""
    with db.session() as s:
        r = get_runner(s, runner)
        rows = s.scalars(select(Row).where(Row.runner_id == r.id).order_by(Row.id)).all()
        return {row.kind: row.id for row in rows}


def stored_assessment(db: Database, assessment_id: int) -> Assessment:
    """The stored assessment model."""
    with db.session() as s:
        row = s.get(Row, assessment_id)
        assert row is not None and row.kind == "assessment"
        return Assessment.model_validate(row.summary)
