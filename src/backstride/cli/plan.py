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
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from backstride.cli import preferences as opt
from backstride.cli.state import console, state
from backstride.errors import InputError
from backstride.paths import data_dir
from backstride.store.runners import get_runner

if TYPE_CHECKING:  # the program modules load when the command runs, not with every command
    from backstride.program.models import Program


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
    start: opt.Start = None,
    strength_days: opt.StrengthDays = 2,
    minutes: opt.Minutes = 30,
    equipment: opt.EquipmentList = "mat",
    experience: opt.ExperienceLevel = "novice",
    race_date: opt.RaceDate = None,
    weeks: opt.Weeks = None,
    weekdays: opt.Weekdays = None,
) -> None:
    """Make the individual program from the latest check-in, video and training results."""
    from backstride.cli.program_view import show_program
    from backstride.program.calendar import slug
    from backstride.store.program import program_from_store, save_program

    prefs = opt.preferences(ctx.params)
    with state(ctx).database().session() as session:
        person = get_runner(session, runner)
        program = program_from_store(session, person, prefs)
        folder = out or data_dir() / "programs" / slug(person.name)
        written = write_outputs(program, folder)
        record = save_program(session, person, program)
        record_id = record.id
    show_program(console, program)
    for path in written:
        console.print(f"wrote {path}")
    console.print(f"stored as program #{record_id}")
