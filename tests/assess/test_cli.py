"""``backstride assess`` through the real command: a run without video, and bad input (exit 2,
one line naming the file, nothing stored)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from backstride.report.html import sentence
from backstride.store import Database
from backstride.store.tables import Assessment as Row
from backstride.synth.checkins import RADICULAR, RED_FLAG, SUBACUTE_FLEXION, CheckinSample
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
    assert "tier self-management with guidance" in done.stdout
    assert "A run" in done.stdout  # the spike, in the findings table
    assert "missing: no side-view video" in done.stdout
    reports = list(out.glob("*.html"))
    assert len(reports) == 1 and f"report: {reports[0]}" in done.stdout.replace("\n", "")


def test_the_program_follows_the_preferences_given(
    cli: Run, checkins: dict[str, CheckinSample], tmp_path: Path
) -> None:
    """The program options are plan's: the assessment's program uses them."""
    assert cli("runner", "add", "Ana K").returncode == 0
    done = cli(
        "assess",
        "--runner",
        "Ana K",
        "--checkin",
        str(checkins[SUBACUTE_FLEXION].path),
        "--out",
        str(tmp_path),
        *("--start", "2026-12-01", "--strength-days", "3", "--minutes", "40"),
        *("--equipment", "mat,band", "--weeks", "10", "--weekdays", "tue,thu,sat"),
    )
    assert done.returncode == 0, done.stderr
    with Database.open().session() as s:
        program = s.scalars(select(Row.summary).where(Row.kind == "program")).one()
    prefs = program["preferences"]
    assert prefs["start"] == "2026-12-01" and prefs["strength_days"] == 3
    assert prefs["minutes_per_session"] == 40 and "band" in prefs["equipment"]
    assert prefs["weeks"] == 10 and prefs["weekdays"] == [1, 3, 5]
    assert program["weeks_count"] == 10 and program["start"] == "2026-12-01"


@pytest.mark.parametrize("sample", [SUBACUTE_FLEXION, RADICULAR, RED_FLAG])
def test_tier_is_shown_in_words_not_as_its_code(
    cli: Run, checkins: dict[str, CheckinSample], tmp_path: Path, sample: str
) -> None:
    """Regression: the summary headline showed tier codes such as ``SELF_MANAGE``."""
    tier = checkins[sample].expected_tier
    assert cli("runner", "add", "Ana K").returncode == 0
    out = tmp_path / "report"
    done = cli(
        "assess", "--runner", "Ana K", "--checkin", str(checkins[sample].path), "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert f"tier {tier.words}" in done.stdout
    assert tier.value not in done.stdout
    html = next(out.glob("*.html")).read_text(encoding="utf-8")
    assert f"<strong>{sentence(tier.words)}</strong>" in html  # the safety section
    # a rule's source may cite the reference table by its tier name ("... (RADICULAR tier)")
    citations = r'<span class="source">.*?</span>|<section id="sources".*?</section>'
    assert tier.value not in re.sub(citations, "", html, flags=re.DOTALL)
    with Database.open().session() as s:  # the code stays in the stored JSON
        stored = s.scalars(select(Row.summary).where(Row.kind == "assessment")).one()
    assert stored["tier"] == tier.value


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--side", "{tmp}/gone.mp4"], "gone.mp4: file not found"),
        (["--rear", "{tmp}/clip.mp4"], "clip.mp4: "),
        (["--checkin", "{tmp}/answers.yaml"], "answers.yaml: "),
        (["--activities", "{tmp}/nothing-here"], "nothing-here: file or folder not found"),
        (["--height-cm", "20"], "--height-cm"),
        (["--weekdays", "mon,funday"], "weekdays: 'funday' is not a day"),
        (["--minutes", "5"], "minutes_per_session"),
        (["--start", "next week"], "start: must be a date"),
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
