"""Assessments made by the real ``backstride assess`` command, built once and shared by every
report test.

``report_home_cached`` runs, in one data directory: a full assessment of the demo runner (side and
rear clips, a synthetic 16-week history, a subacute check-in); a second one weeks of training
later with a side clip of a higher cadence and less overstride (the same rear clip), which has a
progress section; a red-flag check-in (a referral); a check-in alone (no video, no history); and
a rear clip alone (no check-in, so no program).
The result is cached under ``.cache/report/<code hash>`` (a file lock lets parallel workers share
it); each test gets its own copy, so tests can add and delete rows freely.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from backstride.store import BlobStore, Database
from backstride.synth.checkins import RED_FLAG, SUBACUTE_FLEXION, write_checkins
from backstride.synth.demo import DEMO_GAIT, DEMO_HEIGHT_CM, demo_clips
from backstride.synth.gait import plausible_speed_mps
from backstride.synth.render import ClipSpec, RenderedClip
from tests.report.stages import Home

REPO = Path(__file__).resolve().parents[2]
RUNNER = "Ana <K> & co"
RED = "Red Flag"
CHECKIN_ONLY = "Checkin Only"
REAR_ONLY = "Rear Only"
BROWSER_ARTIFACTS = REPO / "test-artifacts" / "report"

#: The demo runner after some weeks of cadence work: quicker steps, less overstride.
IMPROVED_GAIT = DEMO_GAIT.model_copy(
    update={
        "cadence_spm": 170,
        "overstride_pct_leg": 16,
        "speed_mps": plausible_speed_mps(DEMO_GAIT.contact_ms, 16),
    }
)


def improved_side_clip() -> ClipSpec:
    """The demo's side clip of the improved runner."""
    return demo_clips()["side"].model_copy(update={"gait": IMPROVED_GAIT})


def _code_hash() -> str:
    """Hash of the code that made the cached rows (every module but the report's)."""
    digest = hashlib.sha256()
    src = REPO / "src" / "backstride"
    for path in sorted(src.rglob("*")):
        if path.is_file() and "report" not in path.parts and path.suffix in (".py", ".yaml"):
            digest.update(path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:12]


def _assess(home: Home, runner: str, *args: str) -> int:
    out = home.run("assess", "--runner", runner, *args, "--out", str(home.path / "reports"))
    match = re.search(r"assessment #(\d+)", out.stdout)
    assert match, out.stdout
    return int(match.group(1))


def _build(home: Home, clips: dict[str, RenderedClip], inputs: Path) -> dict[str, int]:
    from backstride.synth.history import write_history

    home.path.mkdir(parents=True)
    write_history(inputs / "history")
    checkins = write_checkins(inputs / "checkins")
    subacute = str(checkins[SUBACUTE_FLEXION].path)
    home.run("runner", "add", RUNNER, "--height-cm", f"{DEMO_HEIGHT_CM:g}")
    first = _assess(
        home,
        RUNNER,
        "--side",
        str(clips["side"].path),
        "--rear",
        str(clips["rear"].path),
        "--activities",
        str(inputs / "history"),
        "--checkin",
        subacute,
    )
    second = _assess(
        home,
        RUNNER,
        "--side",
        str(clips["improved"].path),
        "--rear",
        str(clips["rear"].path),
        "--checkin",
        subacute,
    )
    home.run("runner", "add", RED)
    red = _assess(home, RED, "--checkin", str(checkins[RED_FLAG].path))
    home.run("runner", "add", CHECKIN_ONLY)
    alone = _assess(home, CHECKIN_ONLY, "--checkin", subacute)
    home.run("runner", "add", REAR_ONLY, "--height-cm", f"{DEMO_HEIGHT_CM:g}")
    rear = _assess(home, REAR_ONLY, "--rear", str(clips["rear"].path))
    return {
        "first": first,
        "second": second,
        "referral": red,
        "checkin_only": alone,
        "rear_only": rear,
    }


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
            clips["improved"] = synth_clip(improved_side_clip())
            ids = _build(Home(home), clips, cache / "inputs")
            (home / "ids.json").write_text(json.dumps(ids))
            (cache / "done").touch()
    return home


@pytest.fixture
def stage_home(report_home_cached: Path, tmp_path: Path) -> Home:
    """A private copy of the built data directory."""
    dest = tmp_path / "stages"
    shutil.copytree(report_home_cached, dest)
    return Home(dest)


@pytest.fixture
def stage_db(stage_home: Home, monkeypatch: pytest.MonkeyPatch) -> Iterator[Database]:
    """The copy's database; BACKSTRIDE_HOME points at the copy so blobs are found."""
    monkeypatch.setenv("BACKSTRIDE_HOME", str(stage_home.path))
    db = Database.open(stage_home.db_url)
    yield db
    db.dispose()


@pytest.fixture
def blobs(stage_home: Home) -> BlobStore:
    """The copy's content-addressed files."""
    return BlobStore(stage_home.path / "artifacts")


@pytest.fixture
def ids(stage_home: Home) -> dict[str, int]:
    """Assessment ids: ``first``, ``second`` (with progress), ``referral``, ``checkin_only``,
    ``rear_only``."""
    return {k: int(v) for k, v in json.loads((stage_home.path / "ids.json").read_text()).items()}
