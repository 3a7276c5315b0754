"""Test helpers: the stage rows made by the real commands, and an `Assessment` built from them.

Until the assessment stage (``backstride.assess``) builds one, the tests assemble the
`Assessment` here from what the real commands stored: the findings of the gait and training
rows ranked by severity, the triage tier, and the ids of the rows.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from backstride.assess.models import (
    Assessment,
    InputKind,
    MissingInput,
    NotMeasured,
    RankedFinding,
    StageRefs,
)
from backstride.findings import Finding
from backstride.program.models import DISCLAIMER
from backstride.store import Database
from backstride.store.runners import get_runner
from backstride.store.tables import Assessment as Row

REFERRAL_TIERS = ("EMERGENCY", "URGENT")


@dataclass(frozen=True)
class Home:
    """A data directory with its database, and how to run the real command on it."""

    path: Path

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.path / 'backstride.db'}"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {"BACKSTRIDE_HOME": str(self.path), "COLUMNS": "200", "NO_COLOR": "1"}
        import os

        r = subprocess.run(
            [sys.executable, "-m", "backstride", *args],
            capture_output=True,
            text=True,
            env={**os.environ, **env},
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


def _findings(db: Database, ids: list[int]) -> list[Finding]:
    with db.session() as s:
        out = []
        for i in ids:
            out += [Finding.model_validate(f) for f in s.get(Row, i).summary.get("findings", [])]  # type: ignore[union-attr]
    return out


def build_assessment(
    db: Database,
    runner: str,
    *,
    gait: bool = True,
    training: bool = True,
    triage: bool = True,
    program: bool = True,
) -> int:
    """Store an `Assessment` of ``runner`` from its newest stage rows; return its id."""
    ids = latest_ids(db, runner)
    refs = StageRefs(
        gait=ids.get("gait") if gait else None,
        training=ids.get("training") if training else None,
        triage=ids.get("triage") if triage else None,
        program=ids.get("program") if program else None,
    )
    with db.session() as s:
        tri = s.get(Row, refs.triage).summary if refs.triage else None  # type: ignore[union-attr]
    tier = None if tri is None else tri["tier"]
    referral = tier in REFERRAL_TIERS
    found = [] if referral else _findings(db, [i for i in (refs.gait, refs.training) if i])
    found = [f for f in found if f.severity.value != "info"]
    found.sort(key=lambda f: -f.severity.rank)
    ranked = tuple(
        RankedFinding(
            rank=k,
            finding=f,
            score=float(f.severity.rank),
            why=f.explanation,
            numbers=f"{f.value} {f.units or ''} (flagged from {f.threshold})",
            evidence_says=f"Level of evidence: {f.evidence_level.value}.",
            evidence_limits="An association, not a cause we can name.",
        )
        for k, f in enumerate(found, 1)
    )
    inputs, missing = [], []
    for kind, given in (
        (InputKind.SIDE_VIDEO, refs.gait),
        (InputKind.REAR_VIDEO, refs.gait),
        (InputKind.ACTIVITIES, refs.training),
        (InputKind.CHECKIN, refs.triage),
    ):
        if given:
            inputs.append(kind)
        else:
            missing.append(
                MissingInput(input=kind, cost=f"without the {kind.value}, less is known")
            )
    model = Assessment(
        runner=runner,
        created_at=datetime.now(UTC),
        inputs=tuple(inputs),
        missing=tuple(missing),
        referral=referral,
        tier=tier,
        triage_ruleset=None
        if tri is None
        else f"{tri['ruleset_version']} ({tri['ruleset_hash'][:12]})",
        headline=("Referral first." if referral else "Overstriding and pelvic drop stand out.",),
        findings=ranked,
        not_measured=(
            NotMeasured(
                what="lumbar lordosis", why="pose models find joint centres, not the spine"
            ),
        ),
        stages=refs,
        sources=tuple(dict.fromkeys(f.reference for f in found if f.reference)),
        disclaimer=DISCLAIMER,
    )
    with db.session() as s:
        runner_id = get_runner(s, runner).id
        row = Row(runner_id=runner_id, kind="assessment", summary=model.model_dump(mode="json"))
        s.add(row)
        s.flush()
        return row.id
