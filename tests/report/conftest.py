"""Stage rows made by the real commands, built once and shared by every report test.

``report_home`` runs ``runner add``, ``video analyze`` (the demo's side and rear clips),
``training import`` + ``training report`` (a synthetic 16-week history), ``checkin --from`` and
``plan`` for a self-managing runner, and ``checkin`` + ``plan`` for a runner with a red flag.
The result is cached under ``.cache/report/<code hash>`` (a file lock lets parallel workers
share it); each test gets its own copy, so tests can add and delete rows freely.
"""

from __future__ import annotations

import fcntl
import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from backstride.store import BlobStore, Database
from backstride.synth.checkins import RED_FLAG, SUBACUTE_FLEXION, write_checkins
from backstride.synth.demo import DEMO_HEIGHT_CM, demo_clips
from backstride.synth.render import ClipSpec, RenderedClip
from tests.report.stages import Home

REPO = Path(__file__).resolve().parents[2]
RUNNER = "Ana <K> & co"
RED = "Red Flag"
BROWSER_ARTIFACTS = REPO / "test-artifacts" / "report"


def _code_hash() -> str:
    """Hash of the stage code that made the cached rows (every module but the report's)."""
    digest = hashlib.sha256()
    src = REPO / "src" / "backstride"
    for path in sorted(src.rglob("*")):
        if path.is_file() and "report" not in path.parts and path.suffix in (".py", ".yaml"):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _build(home: Home, clips: dict[str, RenderedClip], inputs: Path) -> None:
    from backstride.synth.history import write_history

    home.path.mkdir(parents=True)
    home.run("runner", "add", RUNNER, "--height-cm", f"{DEMO_HEIGHT_CM:g}")
    home.run(
        "video",
        "analyze",
        str(clips["side"].path),
        str(clips["rear"].path),
        "--runner",
        RUNNER,
        "--out",
        str(inputs / "video"),
    )
    write_history(inputs / "history")
    home.run("training", "import", str(inputs / "history"), "--runner", RUNNER)
    home.run("training", "report", "--runner", RUNNER)
    checkins = write_checkins(inputs / "checkins")
    home.run("checkin", "--runner", RUNNER, "--from", str(checkins[SUBACUTE_FLEXION].path))
    home.run("plan", "--runner", RUNNER)
    home.run("runner", "add", RED)
    home.run("checkin", "--runner", RED, "--from", str(checkins[RED_FLAG].path))
    home.run("plan", "--runner", RED)


@pytest.fixture(scope="session")
def report_home_cached(synth_clip: Callable[[ClipSpec], RenderedClip]) -> Path:
    """The built data directory, shared (read-only) by all workers."""
    cache = REPO / ".cache" / "report" / _code_hash()
    cache.mkdir(parents=True, exist_ok=True)
    home = cache / "home"
    with (cache / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cache / "done").exists():
            shutil.rmtree(home, ignore_errors=True)
            shutil.rmtree(cache / "inputs", ignore_errors=True)
            clips = {view: synth_clip(spec) for view, spec in demo_clips().items()}
            _build(Home(home), clips, cache / "inputs")
            (cache / "done").touch()
    return home


@pytest.fixture
def stage_home(report_home_cached: Path, tmp_path: Path) -> Home:
    """A private copy of the built data directory."""
    dest = tmp_path / "stages"
    shutil.copytree(report_home_cached, dest)
    return Home(dest)


@pytest.fixture
def stage_db(stage_home: Home, monkeypatch: pytest.MonkeyPatch) -> Database:
    """The copy's database; BACKSTRIDE_HOME points at the copy so blobs are found."""
    monkeypatch.setenv("BACKSTRIDE_HOME", str(stage_home.path))
    db = Database.open(stage_home.db_url)
    return db


@pytest.fixture
def blobs(stage_home: Home) -> BlobStore:
    """The copy's content-addressed files."""
    return BlobStore(stage_home.path / "artifacts")
