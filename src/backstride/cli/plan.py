"""``backstride plan --runner NAME``: the individual program from the stored triage and findings.

Reads the runner's latest triage (required), gait and training results, generates the program,
writes ``program.json`` and ``program.ics`` to ``--out`` (default: the data directory), stores it
(``Assessment(kind="program")`` and the program tables) and prints it. Files are written to a
temporary name and renamed, inside the database transaction: a failure leaves neither.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from backstride.cli.state import console, state
from backstride.errors import InputError, ValidationError
from backstride.paths import data_dir
from backstride.store.runners import get_runner
from backstride.validation import validate_input

if TYPE_CHECKING:  # the program modules load when the command runs, not with every command
    from backstride.program.models import Program

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_date(field: str, value: str | None) -> date | None:
    """``YYYY-MM-DD`` -> date; anything else is a `ValidationError` naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(field, f"must be a date as YYYY-MM-DD, got {value!r}") from None


def parse_weekdays(value: str | None) -> list[int] | None:
    """``"mon,thu"`` -> ``[0, 3]``."""
    if value is None:
        return None
    days = []
    for part in value.split(","):
        name = part.strip().lower()[:3]
        if name not in WEEKDAYS:
            raise ValidationError("weekdays", f"{part.strip()!r} is not a day (use mon..sun)")
        days.append(WEEKDAYS.index(name))
    return days


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def program_json(program: Program) -> bytes:
    """The program as pretty, stable JSON."""
    text = json.dumps(program.model_dump(mode="json"), indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def write_outputs(program: Program, out: Path) -> list[Path]:
    """Write ``program.json`` and, when there are sessions, ``program.ics``."""
    from backstride.program.calendar import to_ics

    if out.exists() and not out.is_dir():
        raise InputError("--out must be a folder, not a file", path=out)
    written = [out / "program.json"]
    write_atomic(written[0], program_json(program))
    if program.sessions():
        written.append(out / "program.ics")
        write_atomic(written[1], to_ics(program, stamp=datetime.now(UTC).replace(microsecond=0)))
    return written


def plan(
    ctx: typer.Context,
    runner: str = typer.Option(..., "--runner", help="The runner's name."),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for program.json and program.ics (default: the data folder)."
    ),
    start: str | None = typer.Option(
        None, "--start", help="First day, YYYY-MM-DD (default: today)."
    ),
    strength_days: int = typer.Option(
        2, "--strength-days", help="Strength sessions a week: 2 or 3."
    ),
    minutes: int = typer.Option(
        30, "--minutes", help="Minutes per session, warm-up included (15-90)."
    ),
    equipment: str = typer.Option(
        "mat",
        "--equipment",
        help="What you have, comma-separated: mat, band, ball, weights, step, lacrosse_ball "
        "(or none).",
    ),
    experience: str = typer.Option(
        "novice",
        "--experience",
        help="Strength-training experience: novice, intermediate, experienced.",
    ),
    race_date: str | None = typer.Option(None, "--race-date", help="Goal race, YYYY-MM-DD."),
    weeks: int | None = typer.Option(None, "--weeks", help="Program length, 6-12 weeks."),
    weekdays: str | None = typer.Option(
        None, "--weekdays", help="Session days, e.g. 'tue,fri' (one per strength day)."
    ),
) -> None:
    """Make the individual program from the latest check-in, video and training results."""
    from backstride.cli.program_view import show_program
    from backstride.program.calendar import slug
    from backstride.program.models import Preferences, ProgramInput
    from backstride.program.plan import generate
    from backstride.store.program import load_inputs, save_program

    prefs = validate_input(
        Preferences,
        {
            "start": parse_date("start", start) or date.today(),
            "strength_days": strength_days,
            "minutes_per_session": minutes,
            "equipment": [e.strip() for e in equipment.split(",") if e.strip()],
            "experience": experience,
            "goal_race": parse_date("race_date", race_date),
            "weeks": weeks,
            "weekdays": parse_weekdays(weekdays),
        },
    )
    with state(ctx).database().session() as session:
        person = get_runner(session, runner)
        inputs = load_inputs(session, person)
        program = generate(
            ProgramInput(
                runner=person.name,
                triage=inputs.triage,
                findings=inputs.findings,
                metrics=inputs.metrics,
                trail_runner=inputs.trail_runner,
                preferences=prefs,
            )
        )
        folder = out or data_dir() / "programs" / slug(person.name)
        written = write_outputs(program, folder)
        record = save_program(session, person, program)
        record_id = record.id
    show_program(console, program)
    for path in written:
        console.print(f"wrote {path}")
    console.print(f"stored as program #{record_id}")
