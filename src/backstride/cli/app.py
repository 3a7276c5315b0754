"""The root ``backstride`` command: global options and the sub-commands of each stage."""

from __future__ import annotations

import typer

from backstride import __version__
from backstride.cli import assess as assess_cmd
from backstride.cli import batch as batch_cmd
from backstride.cli import db as db_cmd
from backstride.cli import demo as demo_cmd
from backstride.cli import plan as plan_cmd
from backstride.cli import runner as runner_cmd
from backstride.cli import serve as serve_cmd
from backstride.cli import session as session_cmd
from backstride.cli import shoes as shoes_cmd
from backstride.cli import symptoms as symptoms_cmd
from backstride.cli import training as training_cmd
from backstride.cli import video as video_cmd
from backstride.cli.state import AppState, console

app = typer.Typer(
    name="backstride",
    help=(
        "Running gait, training load, symptom triage and an individual program for runners with "
        "low back pain. Fitness and education guidance, not a diagnosis."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        console.print(f"backstride {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(
        None,
        "--db",
        envvar="BACKSTRIDE_DB",
        help="Database URL (SQLAlchemy form). Default: SQLite in the data directory.",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show the full traceback of an error."),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """backstride: from a phone video, watch files and a check-in to an explained program."""
    ctx.obj = AppState(db_url=db, debug=debug)


app.add_typer(runner_cmd.app, name="runner")
app.add_typer(db_cmd.app, name="db")
app.command("demo")(demo_cmd.demo)
app.command("checkin")(symptoms_cmd.checkin)
app.add_typer(symptoms_cmd.triage_app, name="triage")
app.add_typer(symptoms_cmd.pain_app, name="pain")
app.add_typer(video_cmd.app, name="video")
app.command("plan")(plan_cmd.plan)
app.command("assess")(assess_cmd.assess)
app.add_typer(batch_cmd.app, name="batch")
app.add_typer(session_cmd.app, name="session")
app.add_typer(training_cmd.app, name="training")
app.add_typer(shoes_cmd.app, name="shoes")
app.command("serve")(serve_cmd.serve)
app.command("worker")(serve_cmd.worker)
