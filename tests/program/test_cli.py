"""The real ``backstride plan`` and ``backstride session`` commands, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from backstride.program.models import Program
from backstride.store import Database
from backstride.store.program_tables import ProgramChange, ProgramLog, ProgramRecord
from backstride.store.tables import Assessment
from tests.cli.conftest import Run
from tests.program.conftest import Main, finding, store_runner_with_results, triage


def _count(db_url: str, table: type) -> int:
    db = Database.open(db_url)
    with db.session() as s:
        n = s.scalar(sa.select(sa.func.count()).select_from(table)) or 0
    db.dispose()
    return n


def _stored_program(db_url: str) -> Program:
    db = Database.open(db_url)
    with db.session() as s:
        row = s.scalars(sa.select(Assessment).where(Assessment.kind == "program")).one()
        program = Program.model_validate(row.summary)
    db.dispose()
    return program


def test_plan_needs_a_check_in_first(cli: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    store_runner_with_results(url, "Ana", tri=None)
    r = cli("plan", "--runner", "Ana", "--out", str(tmp_path / "out"), db=url)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "error: no check-in for 'Ana' yet: do `backstride checkin --runner 'Ana'` first "
        "(no program or running advice without triage)"
    ]
    assert not (tmp_path / "out").exists()


def test_plan_end_to_end(cli: Run, db_url: str, tmp_path: Path) -> None:
    store_runner_with_results(
        db_url,
        "Ana K",
        tri=triage(tags=["extension_intolerant"]),
        gait=[finding("overstride", "high", value=19), finding("pelvic_drop", "moderate")],
        metrics={"cadence_spm": 160.0},
        training=[finding("descent_exposure", "moderate")],
        trail=True,
    )
    out = tmp_path / "out"
    r = cli(
        "plan", "--runner", "Ana K", "--out", str(out), "--start", "2026-03-02",
        "--equipment", "mat,step", "--race-date", "2026-04-26", "--weekdays", "tue,fri",
        db=db_url,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    for text in (
        "Your exercises", "Week by week", "from 160 to 168-176 steps per minute",
        "Poles on steep climbs", "After each run", "Left out for you", "not a diagnosis",
        f"wrote {out / 'program.json'}", f"wrote {out / 'program.ics'}",
    ):  # fmt: skip
        assert text in r.stdout, text
    program = Program.model_validate(json.loads((out / "program.json").read_text()))
    assert program == _stored_program(db_url)
    assert program.runner == "Ana K" and program.weeks_count == 8
    assert {s.on.weekday() for s in program.sessions()} == {1, 4}
    assert "superman" not in program.exercise_ids()
    events = Calendar.from_ical((out / "program.ics").read_bytes()).events
    assert [e.start for e in events] == [s.on for s in program.sessions()]
    assert _count(db_url, ProgramRecord) == 1


def test_a_bad_option_exits_2_with_one_line(cli: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    store_runner_with_results(url, "Ana", tri=triage())
    out = tmp_path / "out"
    r = cli("plan", "--runner", "Ana", "--out", str(out), "--minutes", "5", db=url)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "error: minutes_per_session: Input should be greater than or equal to 15, got 5"
    ]
    assert not out.exists() and _count(url, ProgramRecord) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--equipment", "mat,rope"], "error: equipment[1]: Input should be"),
        (["--start", "tomorrow"], "error: start: must be a date as YYYY-MM-DD, got 'tomorrow'"),
        (["--weekdays", "mon"], "give 2 weekdays for 2 strength days, got 1"),
        (["--weekdays", "mon,funday"], "error: weekdays: 'funday' is not a day"),
        (["--race-date", "2026-01-01"], "goal_race 2026-01-01 must be after the start"),
        (["--experience", "guru"], "error: experience: Input should be"),
        (["--strength-days", "5"], "error: strength_days: Input should be less than or equal to 3"),
        (["--weeks", "3"], "error: weeks: Input should be greater than or equal to 6"),
    ],
)  # fmt: skip
def test_bad_options_exit_2_and_store_nothing(
    run_main: Main, tmp_path: Path, args: list[str], message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    store_runner_with_results(url, "Ana", tri=triage())
    out = tmp_path / "out"
    code, _, err = run_main(
        "plan", "--runner", "Ana", "--out", str(out), "--start", "2026-03-02", *args, db=url
    )
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists() and _count(url, ProgramRecord) == 0


def test_out_that_is_a_file_stores_nothing(cli: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    store_runner_with_results(url, "Ana", tri=triage())
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me")
    r = cli("plan", "--runner", "Ana", "--out", str(blocker), db=url)
    assert r.returncode == 2 and "--out must be a folder, not a file" in r.stderr
    assert blocker.read_text() == "keep me" and _count(url, ProgramRecord) == 0


def test_emergency_prints_the_referral_only(cli: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    gait = [finding("overstride")]
    store_runner_with_results(
        url, "Ana", tri=triage("EMERGENCY"), gait=gait, metrics={"cadence_spm": 150}
    )
    out = tmp_path / "out"
    r = cli("plan", "--runner", "Ana", "--out", str(out), db=url)
    assert r.returncode == 0, r.stderr
    assert "See a clinician first" in r.stdout and "Stop and get emergency care now." in r.stdout
    assert "No program and no running advice." in r.stdout
    assert "Week by week" not in r.stdout and "steps per minute" not in r.stdout
    assert (out / "program.json").exists() and not (out / "program.ics").exists()
    assert _stored_program(url).status == "referral"
    r = cli("session", "log", "--runner", "Ana", "--done", "--effort", "3", "--pain", "1", db=url)
    assert r.returncode == 2 and "has no sessions to log (status: referral)" in r.stderr


def test_session_log_flags_prompts_and_list(cli: Run, db_url: str, tmp_path: Path) -> None:
    store_runner_with_results(db_url, "Ana", tri=triage(), gait=[finding("pelvic_drop", "high")])
    r = cli("plan", "--runner", "Ana", "--out", str(tmp_path), "--start", "2026-03-02", db=db_url)
    assert r.returncode == 0, r.stderr
    slots = len(_stored_program(db_url).slots)
    r = cli(
        "session", "log", "--runner", "Ana", "--done", "--effort", "5", "--pain", "7",
        "--morning", "same", "--no-leg-symptoms", db=db_url,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "regress" in r.stdout and "pain 7/10 during the session is above 5/10" in r.stdout
    assert "Next: w1s2" in r.stdout
    # interactive: an out-of-range effort is asked again, then the rest
    r = cli("session", "log", "--runner", "Ana", input="y\n12\n5\n2\nsame\nn\n", db=db_url)
    assert r.returncode == 0, r.stderr
    assert "whole number from 0 to 10" in r.stdout and "good session (1 of 2" in r.stdout
    r = cli("session", "list", "--runner", "Ana", db=db_url)
    assert "w1s1" in r.stdout and "effort 5 pain 7" in r.stdout and "Next: w2s1" in r.stdout
    program = _stored_program(db_url)
    assert program.revision == 2 and [s.status for s in program.sessions()[:3]] == [
        "done",
        "done",
        "planned",
    ]
    assert _count(db_url, ProgramLog) == 2 and _count(db_url, ProgramChange) == 2 * slots


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--done", "--effort", "11", "--pain", "1", "--morning", "same", "--no-leg-symptoms"],
         "error: effort: Input should be less than or equal to 10"),
        (["--done", "--effort", "3", "--pain", "1", "--morning", "maybe", "--no-leg-symptoms"],
         "error: morning: Input should be 'better', 'same', 'worse' or 'unknown'"),
        (["--session", "w9s9", "--not-done"], "error: session: 'w9s9' is not a session"),
    ],
)  # fmt: skip
def test_session_log_bad_input(
    run_main: Main, tmp_path: Path, args: list[str], message: str
) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    store_runner_with_results(url, "Ana", tri=triage())
    assert run_main("plan", "--runner", "Ana", "--out", str(tmp_path), db=url)[0] == 0
    code, _, err = run_main("session", "log", "--runner", "Ana", *args, db=url)
    assert code == 2
    assert err.startswith(message)
    assert _count(url, ProgramLog) == 0


def test_session_log_without_a_program(run_main: Main, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'b.db'}"
    store_runner_with_results(url, "Ana", tri=triage())
    code, _, err = run_main("session", "log", "--runner", "Ana", "--not-done", db=url)
    assert code == 2
    assert "no program for 'Ana' yet: make one with `backstride plan --runner 'Ana'`" in err
