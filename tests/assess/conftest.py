"""Shared inputs of the assessment tests: the demo runner's clips (rendered once, cached), a
synthetic training history written once per session, sample check-ins, a stored runner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from backstride.store import Database
from backstride.store.runners import RunnerProfile, add_runner
from backstride.synth.checkins import CheckinSample, write_checkins
from backstride.synth.demo import DEMO_GAIT, DEMO_HEIGHT_CM, demo_clips
from backstride.synth.gait import plausible_speed_mps
from backstride.synth.history import HistorySpec, write_history
from backstride.synth.render import ClipSpec, RenderedClip

RUNNER = "Ana K"

#: A short history (6 weeks, a spike in week 6) for the tests that do not need all 16 weeks.
SHORT_HISTORY = HistorySpec.without_events(weeks=6, trail_from_week=2, spike_week=6)


def side_spec(seed: int = 1, **gait: float) -> ClipSpec:
    """The demo runner's side clip, smaller and shorter (what the re-test tests compare), with
    gait changes and noise."""
    base = demo_clips()["side"]
    return base.model_copy(
        update={
            "gait": DEMO_GAIT.model_copy(update=gait),
            "width": 960,
            "height": 540,
            "duration_s": 3.0,
            "noise_sigma": 4.0,
            "seed": seed,
        }
    )


@pytest.fixture(scope="session")
def demo_videos(synth_clip: Callable[[ClipSpec], RenderedClip]) -> dict[str, Path]:
    """The demo's side and rear clips (the runner overstrides and shows pelvic drop)."""
    return {view: synth_clip(spec).path for view, spec in demo_clips().items()}


@pytest.fixture(scope="session")
def demo_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's 16-week history (spikes, big descents) as real FIT/GPX/TCX files."""
    folder = tmp_path_factory.mktemp("history16")
    write_history(folder)
    return folder


@pytest.fixture(scope="session")
def short_history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 6-week history with a long-run spike in week 6."""
    folder = tmp_path_factory.mktemp("history4")
    write_history(folder, SHORT_HISTORY)
    return folder


@pytest.fixture
def checkins(tmp_path: Path) -> dict[str, CheckinSample]:
    """The sample check-ins, written relative to today."""
    return write_checkins(tmp_path / "checkins", today=date.today())


@pytest.fixture
def db(db_url: str) -> Database:
    """A migrated database (SQLite, then PostgreSQL) with the runner Ana K."""
    database = Database.open(db_url)
    with database.session() as s:
        add_runner(s, RunnerProfile(name=RUNNER, height_cm=DEMO_HEIGHT_CM, birth_year=1985))
    return database


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Database:
    """SQLite only, for the slow video tests (run once, not per database)."""
    database = Database.open(f"sqlite:///{tmp_path / 'video.db'}")
    with database.session() as s:
        add_runner(s, RunnerProfile(name=RUNNER, height_cm=DEMO_HEIGHT_CM, birth_year=1985))
    return database


__all__ = ["RUNNER", "plausible_speed_mps", "side_spec"]
