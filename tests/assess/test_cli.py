"""``backstride assess`` through the real command: a run without video, and bad input (exit 2,
one line naming the file, nothing stored)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backstride.store import Database
from backstride.synth.checkins import SUBACUTE_FLEXION, CheckinSample
from tests.conftest import Run

from .helpers import row_counts


def test_assess_checkin_and_history_writes_the_report(
    cli: Run, checkins: dict[str, CheckinSample], short_history: Path, tmp_path: Path
) -> None:
    assert cli("runner", "add", "Ana K", "--birth-year", "1985").returncode == 0
    out = tmp_path / "report"
    done = cli(
        "assess",
        "--runner",
        "Ana K",
        "--checkin",
        str(checkins[SUBACUTE_FLEXION].path),
        "--activities",
        str(short_history),
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    assert "tier SELF_MANAGE" in done.stdout
    assert "A run" in done.stdout  # the spike, in the findings table
    assert "missing: no side-view video" in done.stdout
    reports = list(out.glob("*.html"))
    assert len(reports) == 1 and f"report: {reports[0]}" in done.stdout.replace("\n", "")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--side", "{tmp}/gone.mp4"], "gone.mp4: file not found"),
        (["--rear", "{tmp}/clip.mp4"], "clip.mp4: "),
        (["--checkin", "{tmp}/answers.yaml"], "answers.yaml: "),
        (["--activities", "{tmp}/nothing-here"], "nothing-here: file or folder not found"),
        (["--height-cm", "20"], "--height-cm"),
    ],
)
def test_bad_input_is_exit_2_one_line_nothing_stored(
    cli: Run, tmp_path: Path, args: list[str], expected: str
) -> None:
    assert cli("runner", "add", "Ana K").returncode == 0
    (tmp_path / "clip.mp4").write_text("not a video")
    (tmp_path / "answers.yaml").write_text("pain_now: eleven\n")
    before = row_counts(Database.open())
    done = cli("assess", "--runner", "Ana K", *[a.format(tmp=tmp_path) for a in args])
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and expected in lines[0], lines
    assert row_counts(Database.open()) == before
