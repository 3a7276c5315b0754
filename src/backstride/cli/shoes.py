"""``backstride shoes add/list/assign/retire``: pairs of shoes, their wear and rotation."""

from __future__ import annotations

from datetime import date

import typer
from rich.markup import escape

from backstride.cli.state import console, state
from backstride.cli.training import parse_day, print_shoes_table
from backstride.errors import InputError
from backstride.store.runners import get_runner
from backstride.store.training import (
    ShoeInput,
    add_shoe,
    assign_shoe,
    get_shoe,
    list_activities,
    list_shoes,
    make_default,
    retire_shoe,
    to_pair,
)
from backstride.training.activity import Surface
from backstride.training.report import build_report
from backstride.training.thresholds import load_thresholds
from backstride.validation import validate_input

app = typer.Typer(
    help="Pairs of shoes: distance, wear limit, default per surface.", no_args_is_help=True
)

RUNNER = typer.Option(..., "--runner", help="The runner.")


@app.command("add")
def add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="A name for the pair, e.g. 'Pegasus 40 blue'."),
    runner: str = RUNNER,
    initial_km: float = typer.Option(0.0, "--initial-km", help="Km already run in them."),
    limit_km: float | None = typer.Option(
        None, "--limit-km", help="Wear limit in km (default 800, from the thresholds file)."
    ),
    surface: str | None = typer.Option(None, "--surface", help="road or trail."),
    default: bool = typer.Option(False, "--default", help="Default pair for its surface."),
    since: str | None = typer.Option(None, "--since", help="In use from YYYY-MM-DD."),
) -> None:
    """Add a pair of shoes."""
    shoe = validate_input(
        ShoeInput,
        {
            "name": name,
            "surface": surface,
            "is_default": default,
            "initial_km": initial_km,
            "limit_km": limit_km or load_thresholds().shoes.default_limit_km,
            "since": parse_day(since, "--since"),
        },
    )
    with state(ctx).database().session() as session:
        runner_id = get_runner(session, runner).id
        row = add_shoe(session, runner_id, shoe)
        extra = f", default for {row.surface}" if row.is_default else ""
        console.print(
            f"added shoes [bold]{escape(row.name)}[/] ({row.initial_km:g} km, limit "
            f"{row.limit_km:g} km{extra})"
        )


@app.command("list")
def list_(
    ctx: typer.Context,
    runner: str = RUNNER,
    as_of: str | None = typer.Option(None, "--as-of", help="Count runs up to YYYY-MM-DD."),
) -> None:
    """List pairs with their distance against the wear limit."""
    day = parse_day(as_of, "--as-of") or date.today()
    with state(ctx).database().session() as session:
        r = get_runner(session, runner)
        pairs = [to_pair(s) for s in list_shoes(session, r.id)]
        records = list_activities(session, r.id)
        name = r.name
    if not pairs:
        console.print("no shoes yet: add a pair with `backstride shoes add NAME --runner ...`")
        return
    report = build_report(records, pairs, load_thresholds(), runner=name, as_of=day, weeks=1)
    print_shoes_table(report)


@app.command("assign")
def assign(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The pair (or 'none' to clear assignments)."),
    runner: str = RUNNER,
    activity: list[int] | None = typer.Option(
        None, "--activity", help="Run id (see `training activities`); repeatable."
    ),
    start: str | None = typer.Option(None, "--from", help="First day, YYYY-MM-DD."),
    end: str | None = typer.Option(None, "--to", help="Last day, YYYY-MM-DD."),
    surface: str | None = typer.Option(
        None, "--surface", help="Only road, trail or treadmill runs."
    ),
    default: bool = typer.Option(False, "--default", help="Make it the default for its surface."),
) -> None:
    """Assign a pair to runs (by id or dates), or make it the default for its surface."""
    first, last = parse_day(start, "--from"), parse_day(end, "--to")
    which = _surface(surface)
    if not (activity or first or last or default):
        raise InputError("say which runs: --activity ID, --from/--to DATE, or --default")
    with state(ctx).database().session() as session:
        runner_id = get_runner(session, runner).id
        shoe = None if name.strip().lower() == "none" else get_shoe(session, runner_id, name)
        if default:
            if shoe is None:
                raise InputError("--default needs a pair, not 'none'")
            make_default(session, shoe)
            console.print(f"{escape(shoe.name)} is now the default for {shoe.surface} runs")
        if activity or first or last:
            count = assign_shoe(
                session,
                runner_id,
                shoe,
                activity_ids=activity or None,
                start=first,
                end=last,
                surface=which,
            )
            label = "no pair" if shoe is None else escape(shoe.name)
            console.print(f"assigned {label} to {count} run(s)")


def _surface(value: str | None) -> Surface | None:
    if value is None:
        return None
    try:
        return Surface(value.strip().lower())
    except ValueError:
        raise InputError(f"--surface must be road, trail or treadmill, got {value!r}") from None


@app.command("retire")
def retire(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="The pair."),
    runner: str = RUNNER,
    on: str | None = typer.Option(None, "--on", help="Retirement day, YYYY-MM-DD (default today)."),
) -> None:
    """Retire a pair: it stops being a default and stops being flagged."""
    day = parse_day(on, "--on") or date.today()
    with state(ctx).database().session() as session:
        runner_id = get_runner(session, runner).id
        shoe = get_shoe(session, runner_id, name)
        retire_shoe(session, shoe, day)
        console.print(f"retired {escape(shoe.name)} on {day}")
