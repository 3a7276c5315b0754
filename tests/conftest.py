"""Fixtures every test can use: an isolated data directory, and databases to run against.

``db_url`` runs a test twice: on SQLite (always) and on PostgreSQL (the clinic set-up) when the
server at 127.0.0.1:5432 answers; each PostgreSQL test gets its own schema, dropped afterwards.
Set ``BACKSTRIDE_TEST_PG`` to point at another server.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa

if TYPE_CHECKING:
    from backstride.synth.render import ClipSpec, RenderedClip

PG_URL = os.environ.get("BACKSTRIDE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FIXTURES = SHARED / "fixtures" / "activities"


def _pg_reason() -> str | None:
    """None when PostgreSQL answers, else why the PostgreSQL variants are skipped."""
    try:
        engine = sa.create_engine(PG_URL, connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "skip PostgreSQL"
        return f"PostgreSQL not reachable at {PG_URL} ({type(exc).__name__}); SQLite still tested"


_PG_SKIP = _pg_reason()


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data directory (BACKSTRIDE_HOME)."""
    path = tmp_path / "home"
    monkeypatch.setenv("BACKSTRIDE_HOME", str(path))
    monkeypatch.delenv("BACKSTRIDE_DB", raising=False)
    return path


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped after the test."""
    if _PG_SKIP:
        pytest.skip(_PG_SKIP)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: SQLite file, then PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def fixtures_dir() -> Path:
    """The real device files in ../shared/fixtures/activities (skips when absent)."""
    if not FIXTURES.is_dir():
        pytest.skip(
            f"real device fixtures not found at {FIXTURES} (a fresh clone has no ../shared)"
        )
    return FIXTURES


# ---------------------------------------------------------------- synthetic clips
REPO = Path(__file__).resolve().parents[1]
SYNTH_CACHE = REPO / ".cache" / "synth"


def _synth_code_hash() -> str:
    """Rendered clips are cached per version of the generator's source code."""
    import hashlib

    import backstride.synth as synth_pkg

    digest = hashlib.sha256()
    for source in sorted(Path(synth_pkg.__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:10]


@pytest.fixture(scope="session")
def synth_clip() -> Callable[..., RenderedClip]:
    """``synth_clip(spec)`` renders a clip once and reuses it from .cache/synth afterwards."""
    from backstride.synth.render import RenderedClip as Clip
    from backstride.synth.render import render_clip

    code = _synth_code_hash()

    def get(spec: ClipSpec) -> Clip:
        path = SYNTH_CACHE / code / f"{spec.key()}.mp4"
        if path.exists() and path.with_suffix(".truth.json").exists():
            return Clip.load(path)
        return render_clip(spec, path)

    return get


# ---------------------------------------------------------------- the real command
Run = Callable[..., "subprocess.CompletedProcess[str]"]


@pytest.fixture
def cli(home: Path) -> Run:
    """``cli("runner", "list")`` runs ``python -m backstride runner list`` and returns it."""

    def run(
        *args: str, input: str | None = None, db: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "BACKSTRIDE_HOME": str(home), "COLUMNS": "200", "NO_COLOR": "1"}
        if db:
            env["BACKSTRIDE_DB"] = db
        return subprocess.run(
            [sys.executable, "-m", "backstride", *args],
            capture_output=True,
            text=True,
            env=env,
            input=input,
            timeout=900,
        )

    return run
