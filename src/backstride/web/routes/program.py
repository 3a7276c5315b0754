"""The program: the page, making one from the stored results, logging sessions, downloads.

The same functions as the command line: `load_inputs` + `generate` + `save_program` make it
(``backstride plan``); `log_session` logs a session and progresses, holds or regresses each
exercise (``backstride session log``); `log_pain` + `walk_run_status` log a walk-run and say
the next phase (``backstride pain log --walk-run-phase``); `to_ics` is the calendar
(``program.ics``).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from backstride.errors import InputError, NotFoundError
from backstride.program.calendar import slug, to_ics
from backstride.program.library import load_library
from backstride.program.models import LogEntry, Preferences
from backstride.program.rules import load_rules
from backstride.program.walk_run import check_phase, current_status
from backstride.store.program import (
    latest_program,
    log_session,
    program_from_store,
    save_program,
)
from backstride.store.symptoms import log_pain, pain_entries
from backstride.store.tables import Runner
from backstride.symptoms.painlog import PainEntry, check_entry_date
from backstride.validation import validate_input
from backstride.web.guard import RunnerRef, check_csrf, database, form_values, runner_scope
from backstride.web.render import page, redirect
from backstride.web.runner_view import program_now

router = APIRouter(dependencies=[Depends(check_csrf)])

EQUIPMENT = ("mat", "band", "ball", "weights", "step", "lacrosse_ball")
MORNINGS = ("unknown", "better", "same", "worse")


def _program_page(request: Request, runner: RunnerRef, **extra: object) -> Response:
    with database(request).session() as s:
        current = program_now(s, s.get_one(Runner, runner.id))
        runs = pain_entries(s, runner.id)
    program = None if current is None else current[1]
    walk_run = None
    if program is not None and program.running.return_to_run is not None:
        walk_run = current_status(runs)
    upcoming = [] if program is None else [x for x in program.sessions() if x.status == "planned"]
    context = {
        "runner": runner,
        "program": program,
        "names": {} if program is None else {c.exercise_id: c.name for c in program.cards},
        "next_session": upcoming[0] if upcoming else None,
        "equipment": EQUIPMENT,
        "mornings": MORNINGS,
        "walk_run": walk_run,
        "walk_run_runs": [e for e in runs if e.walk_run_phase is not None][-6:],
        "today": date.today().isoformat(),
        **extra,
    }
    return page(request, "program.html", context, status=400 if extra.get("error") else 200)


@router.get("/runners/{runner_id}/program")
def program_page(request: Request, runner: RunnerRef = Depends(runner_scope)) -> Response:
    """The current program with its sessions, exercise cards and running advice."""
    return _program_page(request, runner)


def preferences_from(values: dict[str, list[str]]) -> Preferences:
    """Validated preferences from the make-a-program form."""

    def one(name: str) -> str:
        return (values.get(name) or [""])[0].strip()

    def day(name: str) -> date | None:
        text = one(name)
        try:
            return date.fromisoformat(text) if text else None
        except ValueError:
            raise InputError(f"{name}: {text!r} is not a date like 2026-03-14") from None

    return validate_input(
        Preferences,
        {
            "start": day("start") or date.today(),
            "strength_days": one("strength_days") or 2,
            "minutes_per_session": one("minutes") or 30,
            "equipment": values.get("equipment", []),
            "experience": one("experience") or "novice",
            "goal_race": day("race_date"),
        },
    )


@router.post("/runners/{runner_id}/program")
def make_program(
    request: Request,
    runner: RunnerRef = Depends(runner_scope),
    values: dict[str, list[str]] = Depends(form_values),
) -> Response:
    """Make a program from the stored check-in, video and training results (as ``plan``)."""
    try:
        prefs = preferences_from(values)
        with database(request).session() as s:
            person = s.get_one(Runner, runner.id)
            program = program_from_store(s, person, prefs, shown_name=runner.display)
            save_program(s, person, program)
    except InputError as exc:
        return _program_page(request, runner, error=str(exc))
    return redirect(f"/runners/{runner.id}/program")


@router.post("/runners/{runner_id}/program/sessions")
def log(
    request: Request,
    runner: RunnerRef = Depends(runner_scope),
    session_key: str = Form(""),
    done: str = Form(""),
    effort: str = Form(""),
    pain: str = Form(""),
    morning: str = Form("unknown"),
    leg_symptoms: str = Form(""),
    note: str = Form(""),
) -> Response:
    """Log a session; each exercise progresses, holds or regresses (as ``session log``)."""
    library = load_library()
    rules, version = load_rules()
    try:
        entry = validate_input(
            LogEntry,
            {
                "done": done == "yes",
                "effort": effort.strip() or None,
                "pain": pain.strip() or None,
                "morning": morning,
                "leg_symptoms": leg_symptoms == "yes",
                "note": note.strip() or None,
            },
        )
        with database(request).session() as s:
            record = latest_program(s, s.get_one(Runner, runner.id))
            program, keys = log_session(
                s,
                record,
                entry,
                key=session_key or None,
                library=library,
                rules=rules,
                version=version,
            )
    except InputError as exc:
        return _program_page(request, runner, error=str(exc))
    changes = [c for c in program.changes if c.session in keys]
    return _program_page(request, runner, logged=keys, changes=changes, advice=program.advice)


@router.post("/runners/{runner_id}/program/walk-runs")
def log_walk_run(
    request: Request,
    runner: RunnerRef = Depends(runner_scope),
    day: str = Form(""),
    phase: str = Form(""),
    pain_during: str = Form(""),
    pain_after: str = Form(""),
    morning: str = Form(""),
) -> Response:
    """Log a walk-run (or its next morning) in the pain log, as ``pain log --walk-run-phase``;
    answers given for a day already logged replace the earlier ones."""
    today = date.today()
    try:
        try:
            entry_date = date.fromisoformat(day.strip()) if day.strip() else today
        except ValueError:
            raise InputError(f"day: {day!r} is not a date like 2026-03-14") from None
        entry = validate_input(
            PainEntry,
            {
                "entry_date": entry_date,
                "walk_run_phase": phase.strip() or None,
                "pain_during": pain_during.strip() or None,
                "pain_after": pain_after.strip() or None,
                "next_morning": morning.strip() or None,
            },
        )
        check_entry_date(entry, today)
        check_phase(entry)
        with database(request).session() as s:
            log_pain(s, runner.id, entry, replace=True)
    except InputError as exc:
        return _program_page(request, runner, error=str(exc))
    return _program_page(request, runner, walk_run_logged=entry.entry_date)


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def _current(request: Request, runner: RunnerRef) -> object:
    with database(request).session() as s:
        current = program_now(s, s.get_one(Runner, runner.id))
    if current is None:
        raise NotFoundError("no program yet: make one from the program page")
    return current[1]


@router.get("/runners/{runner_id}/program.ics")
def program_ics(request: Request, runner: RunnerRef = Depends(runner_scope)) -> Response:
    """The sessions as an iCalendar file (stable UIDs: a re-import updates)."""
    from backstride.program.models import Program

    program = _current(request, runner)
    assert isinstance(program, Program)
    if not program.sessions():
        raise NotFoundError("this program has no sessions to put in a calendar")
    stamp = datetime.now(UTC).replace(microsecond=0)
    return _download(to_ics(program, stamp=stamp), "text/calendar", f"{slug(runner.display)}.ics")


@router.get("/runners/{runner_id}/program.json")
def program_json(request: Request, runner: RunnerRef = Depends(runner_scope)) -> Response:
    """The program as it stands, as JSON (the `Program` model)."""
    from backstride.program.models import Program

    program = _current(request, runner)
    assert isinstance(program, Program)
    text = json.dumps(program.model_dump(mode="json"), indent=2, ensure_ascii=False)
    return _download(text.encode(), "application/json", f"{slug(runner.display)}-program.json")
