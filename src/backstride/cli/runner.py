"""``backstride runner add/list/show/delete``: the people the loop is about."""

from __future__ import annotations

import typer
from rich.table import Table

from backstride.cli.state import console, state
from backstride.paths import training_streams_dir
from backstride.store import BlobStore
from backstride.store.erase import erase_runner
from backstride.store.runners import (
    RunnerProfile,
    add_runner,
    get_runner,
    list_runners,
)
from backstride.validation import validate_input

app = typer.Typer(help="Add, list, show and delete runners.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="A unique name, e.g. 'Ana K'."),
    height_cm: float | None = typer.Option(
        None, help="Standing height, cm (scales video metrics)."
    ),
    birth_year: int | None = typer.Option(None, help="Year of birth (age matters for triage)."),
    sex: str | None = typer.Option(None, help="female, male or other (optional)."),
    notes: str | None = typer.Option(None, help="Free text."),
) -> None:
    """Add a runner."""
    profile = validate_input(
        RunnerProfile,
        {
            "name": name,
            "height_cm": height_cm,
            "birth_year": birth_year,
            "sex": sex,
            "notes": notes,
        },
    )
    with state(ctx).database().session() as session:
        runner = add_runner(session, profile)
        console.print(f"added runner [bold]{runner.name}[/] (id {runner.id})")


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """List runners."""
    with state(ctx).database().session() as session:
        runners = list_runners(session)
        if not runners:
            console.print("no runners yet: add one with `backstride runner add NAME`")
            return
        table = Table("name", "height cm", "born", "assessments", "added")
        for r in runners:
            table.add_row(
                r.name,
                f"{r.height_cm:g}" if r.height_cm else "-",
                str(r.birth_year or "-"),
                str(len(r.assessments)),
                r.created_at.strftime("%Y-%m-%d"),
            )
        console.print(table)


@app.command("show")
def show(ctx: typer.Context, name: str = typer.Argument(..., help="The runner's name.")) -> None:
    """Show a runner and their assessments."""
    with state(ctx).database().session() as session:
        r = get_runner(session, name)
        console.print(f"[bold]{r.name}[/] (id {r.id})")
        console.print(
            f"height: {r.height_cm or '-'} cm · born: {r.birth_year or '-'} · sex: {r.sex or '-'}"
        )
        if r.notes:
            console.print(f"notes: {r.notes}")
        if not r.assessments:
            console.print("no assessments yet")
        for a in sorted(r.assessments, key=lambda a: a.created_at):
            console.print(f"- #{a.id} {a.kind} {a.created_at:%Y-%m-%d %H:%M}")
        console.print(f"{len(r.artifacts)} stored file(s)")


@app.command("delete")
def delete(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The runner's name."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
) -> None:
    """Delete a runner with all their assessments and files."""
    db = state(ctx).database()
    with db.session() as session:
        get_runner(session, name)  # fail early on an unknown name, before asking
    if not yes:
        typer.confirm(f"Delete {name!r} and all their assessments and files?", abort=True)
    erased = erase_runner(db, name, BlobStore(), training_streams_dir())
    console.print(
        f"deleted runner {name!r} ({erased.files} file(s) and {erased.streams} cached "
        "activity stream(s) removed)"
    )
