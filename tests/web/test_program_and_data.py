"""The program through the pages is the one ``plan`` makes from the same stored results, logging a
session makes the same decisions as ``session log``; the calendar, the data export (everything,
no secrets) and the confirmed deletion (everything, files too)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, timedelta

import sqlalchemy as sa
from icalendar import Calendar
from markupsafe import escape

from backstride.program.library import load_library
from backstride.program.models import LogEntry, Preferences, Program, ProgramInput
from backstride.program.plan import generate
from backstride.program.progression import replay
from backstride.program.rules import load_rules
from backstride.store import Database
from backstride.store.program import latest_program, load_inputs
from backstride.store.symptoms import pain_entries
from backstride.store.tables import Artifact, Assessment, Runner
from backstride.store.web_tables import Intake, Job, User, WebSession
from backstride.symptoms.painlog import MorningResponse
from backstride.synth.checkins import RADICULAR, RED_FLAG
from tests.web.conftest import PASSWORD, Clinic, stock, store_sample_checkin, upload

MONDAY = date.today() + timedelta(days=(7 - date.today().weekday()) % 7 or 7)


def make_program(clinic: Clinic, runner_id: int, **extra: object):
    form = {
        "start": MONDAY.isoformat(),
        "strength_days": "2",
        "minutes": "35",
        "experience": "novice",
        "equipment": ["mat", "band"],
        **extra,
    }
    return clinic.clinician.post(
        f"/runners/{runner_id}/program",
        form,
        page=f"/runners/{runner_id}/program",
        follow_redirects=False,
    )


def stored_program(db: Database, runner_id: int) -> Program:
    with db.session() as s:
        return Program.model_validate(latest_program(s, s.get_one(Runner, runner_id)).plan)


def test_the_program_is_the_one_plan_makes(clinic: Clinic, db: Database) -> None:
    ana = clinic.runners["Ana K"]
    store_sample_checkin(db, ana)
    assert make_program(clinic, ana).status_code == 303
    web = stored_program(db, ana)
    prefs = Preferences(
        start=MONDAY,
        strength_days=2,
        minutes_per_session=35,
        equipment=("mat", "band"),
        experience="novice",
    )
    with db.session() as s:
        inputs = load_inputs(s, s.get_one(Runner, ana))
    direct = generate(
        ProgramInput(
            runner="Ana K",
            triage=inputs.triage,
            findings=inputs.findings,
            metrics=inputs.metrics,
            trail_runner=inputs.trail_runner,
            preferences=prefs,
        )
    )
    assert web.model_dump() == direct.model_dump()
    page = clinic.clinician.get(f"/runners/{ana}/program").text
    first = web.sessions()[0]
    assert f"Next: session {first.key} on {first.on}" in page
    assert all(item.name in page for item in first.items)


def test_logging_a_session_decides_as_session_log_does(clinic: Clinic, db: Database) -> None:
    ana = clinic.runners["Ana K"]
    store_sample_checkin(db, ana)
    make_program(clinic, ana)
    base = stored_program(db, ana)
    keys = [s.key for s in base.sessions()[:2]]
    logs = {}
    for key, (effort, pain, morning) in zip(keys, ((4, 1, "same"), (5, 2, "better")), strict=True):
        response = clinic.clinician.post(
            f"/runners/{ana}/program/sessions",
            {
                "session_key": key,
                "done": "yes",
                "effort": str(effort),
                "pain": str(pain),
                "morning": morning,
            },
            page=f"/runners/{ana}/program",
        )
        assert response.status_code == 200 and f"Logged {key}" in response.text
        logs[key] = LogEntry(done=True, effort=effort, pain=pain, morning=morning)
    rules, version = load_rules()
    expected = replay(base, logs, library=load_library(), rules=rules, rules_version=version)
    assert any(c.action == "progress" for c in expected.changes)  # two good sessions: progress
    page = response.text
    for change in expected.changes:
        if change.session == keys[-1]:
            assert str(escape(change.reason)) in page
    with db.session() as s:
        record = latest_program(s, s.get_one(Runner, ana))
        assert [(log.session_key, log.effort, log.pain) for log in record.logs] == [
            (keys[0], 4, 1),
            (keys[1], 5, 2),
        ]
        program_row = s.get_one(Assessment, record.assessment_id)
        assert program_row.summary["changes"] == [
            c.model_dump(mode="json") for c in expected.changes
        ]


def test_a_done_session_without_scores_is_refused(clinic: Clinic, db: Database) -> None:
    ana = clinic.runners["Ana K"]
    store_sample_checkin(db, ana)
    make_program(clinic, ana)
    response = clinic.clinician.post(
        f"/runners/{ana}/program/sessions", {"done": "yes"}, page=f"/runners/{ana}/program"
    )
    assert response.status_code == 400
    assert "a done session needs effort and pain (0-10)" in response.text
    with db.session() as s:
        assert latest_program(s, s.get_one(Runner, ana)).logs == []


def test_no_program_without_a_check_in_and_none_after_a_red_flag(
    clinic: Clinic, db: Database
) -> None:
    ana = clinic.runners["Ana K"]
    response = make_program(clinic, ana)
    assert response.status_code == 400 and "no check-in for" in response.text
    store_sample_checkin(db, ana, RED_FLAG)
    assert make_program(clinic, ana).status_code == 303
    page = clinic.clinician.get(f"/runners/{ana}/program").text
    assert "See a clinician first" in page and "Log the session" not in page
    assert clinic.clinician.get(f"/runners/{ana}/program.ics").status_code == 404


def test_calendar_download(clinic: Clinic, db: Database) -> None:
    ana = clinic.runners["Ana K"]
    store_sample_checkin(db, ana)
    make_program(clinic, ana)
    response = clinic.clinician.get(f"/runners/{ana}/program.ics")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="ana-k.ics"'
    events = Calendar.from_ical(response.content).walk("VEVENT")
    program = stored_program(db, ana)
    assert [e.decoded("DTSTART") for e in events] == [s.on for s in program.sessions()]


def test_export_holds_everything_and_no_secrets(clinic: Clinic, db: Database, app) -> None:
    ana = clinic.runners["Ana K"]
    stocked = stock(db, clinic.clinician, ana)
    response = clinic.clinician.get(f"/runners/{ana}/export.zip")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="backstride-ana-k.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {
        "README.txt",
        "runner.json",
        "tables/assessments.json",
        "tables/checkins.json",
        "tables/triage_decisions.json",
        "tables/programs.json",
        "tables/intakes.json",
        "tables/intake_files.json",
        "tables/jobs.json",
        "tables/artifacts.json",
    } <= names
    assert json.loads(archive.read("runner.json"))["name"] == "north-physio/Ana K"
    with db.session() as s:
        artifact = s.get_one(Artifact, stocked.artifact_id)
        blob = app.state.blobs.path_for(artifact.sha256).read_bytes()
    assert archive.read(f"files/{artifact.sha256[:12]}-{artifact.original_name}") == blob
    everything = b"".join(archive.read(n) for n in names)
    assert b"$argon2" not in everything and b"token_sha256" not in everything


def test_delete_needs_the_name_then_removes_everything(
    clinic: Clinic, db: Database, browser, home
) -> None:
    ana, ben = clinic.runners["Ana K"], clinic.runners["Ben"]
    stock(db, clinic.clinician, ana)
    gpx = b'<?xml version="1.0"?><gpx version="1.1"><trk/></gpx>'
    for runner in (ana, ben):  # the same content for both: one blob, two owners
        assert (
            upload(clinic.clinician, runner, [("activities", ("t.gpx", gpx, "x"))]).status_code
            == 303
        )
    wrong = clinic.clinician.post(
        f"/runners/{ana}/delete", {"confirm_name": "ana k"}, page=f"/runners/{ana}/data"
    )
    assert wrong.status_code == 400 and "type the name exactly as shown (Ana K)" in wrong.text
    with db.session() as s:
        assert s.get(Runner, ana) is not None
        own_blobs = set(s.scalars(sa.select(Artifact.sha256).where(Artifact.runner_id == ana)))
    shared = next(
        sha for sha in own_blobs if (home / "artifacts" / sha[:2] / sha).read_bytes() == gpx
    )
    done = clinic.clinician.post(
        f"/runners/{ana}/delete",
        {"confirm_name": "Ana K"},
        page=f"/runners/{ana}/data",
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/runners"
    with db.session() as s:
        assert s.get(Runner, ana) is None
        for table in (Assessment, Artifact, Intake, Job):
            count = s.scalar(
                sa.select(sa.func.count()).select_from(table).where(table.runner_id == ana)
            )
            assert count == 0, table
    for sha in own_blobs - {shared}:
        assert not (home / "artifacts" / sha[:2] / sha).exists()
    assert (home / "artifacts" / shared[:2] / shared).exists()  # Ben still owns it
    assert "Deleted Ana K" in clinic.clinician.get("/runners").text


def test_a_runner_deleting_themself_is_logged_out(clinic: Clinic, db: Database, browser) -> None:
    b = browser()
    made = b.post(
        "/register",
        {"name": "Cleo", "email": "cleo@example.org", "password": PASSWORD},
        page="/register",
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text[-1500:]
    own = int(made.headers["location"].rsplit("/", 1)[1])
    done = b.post(
        f"/runners/{own}/delete",
        {"confirm_name": "Cleo"},
        page=f"/runners/{own}/data",
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text[-1500:]
    assert done.headers["location"] == "/login"
    with db.session() as s:
        assert s.scalar(sa.select(User).where(User.email == "cleo@example.org")) is None
        assert (
            s.scalar(
                sa.select(sa.func.count())
                .select_from(WebSession)
                .where(WebSession.user_id.is_not(None))
            )
            == 1
        )  # only the clinician's session is left
    assert b.get(f"/runners/{own}", follow_redirects=False).headers["location"].startswith("/login")


def test_walk_runs_logged_on_the_program_page(clinic: Clinic, db: Database) -> None:
    """A return-to-run program shows the walk-run plan; runs logged there say the next phase
    (as ``pain log --walk-run-phase`` does) and are the same pain log entries."""
    ana = clinic.runners["Ana K"]
    store_sample_checkin(db, ana, RADICULAR)
    make_program(clinic, ana)
    url = f"/runners/{ana}/program"
    page = clinic.clinician.get(url).text
    assert "Return to running" in page and "Start with phase 1 once you meet" in page

    def log(**form: str) -> str:
        response = clinic.clinician.post(f"{url}/walk-runs", form, page=url)
        assert response.status_code == 200, response.text
        return response.text

    first, second = (date.today() - timedelta(days=n) for n in (4, 2))
    page = log(day=first.isoformat(), phase="1", pain_during="2")
    assert f"Logged the walk-run of {first}" in page
    assert "Log how your back feels the morning after" in page  # it does not count yet
    page = log(day=first.isoformat(), morning="same")  # the next morning, filled in later
    assert "Phase 1: 1 of 2 runs went well" in page
    page = log(day=second.isoformat(), phase="1", pain_during="3", morning="better")
    assert "Phase 1 went well 2 times: move up to phase 2." in page
    with db.session() as s:
        entries = pain_entries(s, ana)
    assert [(e.entry_date, e.walk_run_phase, e.next_morning) for e in entries] == [
        (first, 1, MorningResponse.SAME),
        (second, 1, MorningResponse.BETTER),
    ]
    for form, message in (
        (
            {"phase": "7", "pain_during": "1"},
            "walk_run_phase: the walk-run plan has phases 1 to 6, got 7",
        ),
        ({"day": "soon", "phase": "1"}, "day: &#39;soon&#39; is not a date"),
        ({"day": (date.today() + timedelta(days=1)).isoformat(), "phase": "1"}, "is in the future"),
        ({"phase": "2", "pain_during": "11"}, "pain_during: Input should be less than"),
    ):
        response = clinic.clinician.post(f"{url}/walk-runs", form, page=url)
        assert response.status_code == 400, response.text
        assert message in response.text, response.text[response.text.find("<main") :][:800]
    with db.session() as s:
        assert len(pain_entries(s, ana)) == 2  # nothing stored by a refused form
