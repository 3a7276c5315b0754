"""``backstride session log|list``: feedback on strength sessions drives the progression.

``log`` asks (or takes as options) whether the session was done, the effort and pain during it
(0-10) and the next-morning response, then progresses, holds or regresses each exercise by the
pain-monitoring rules and re-plans the coming sessions. Every decision is stored with its reason.
"""

from __future__ import annotations

import typer
from rich.prompt import Confirm, IntPrompt, Prompt

from backstride.cli.state import console, state
from backstride.errors import InputError
from backstride.store.runners import get_runner
from backstride.validation import validate_input

app = typer.Typer(help="Log strength sessions and see what comes next.", no_args_is_help=True)

MORNINGS = ("better", "same", "worse", "unknown")


def _score(question: str) -> int:
    """Ask for a 0-10 score until the answer is one."""
    while True:
        value = IntPrompt.ask(question, console=console)
        if 0 <= value <= 10:
            return value
        console.print("[red]Please answer with a whole number from 0 to 10.[/]")


def _ask(
    key: str,
    done: bool | None,
    effort: int | None,
    pain: int | None,
    morning: str | None,
    leg: bool | None,
) -> dict[str, object]:
    """Prompt for every answer not given as an option (reads stdin, so it is scriptable)."""
    try:
        if done is None:
            done = Confirm.ask(f"Did you do session {key}?", default=True, console=console)
        if not done:
            return {"done": False, "morning": morning or "unknown", "leg_symptoms": bool(leg)}
        if effort is None:
            effort = _score("How hard did it feel, 0 (nothing) to 10 (maximal)?")
        if pain is None:
            pain = _score("Pain during the session, 0 (none) to 10 (worst imaginable)?")
        if morning is None:
            morning = Prompt.ask(
                "The next morning, compared with before the session (unknown if it is not the "
                "next morning yet)",
                choices=list(MORNINGS),
                default="unknown",
                console=console,
            )
        if leg is None:
            leg = Confirm.ask(
                "New pain, tingling or numbness in a leg?", default=False, console=console
            )
    except EOFError:
        raise InputError(
            f"the answers for session {key} ended before every question was answered"
        ) from None
    return {"done": True, "effort": effort, "pain": pain, "morning": morning, "leg_symptoms": leg}


@app.command("log")
def log(
    ctx: typer.Context,
    runner: str = typer.Option(..., "--runner", help="The runner's name."),
    session_key: str | None = typer.Option(
        None, "--session", help="Session key such as w2s1 (default: the next one)."
    ),
    done: bool | None = typer.Option(None, "--done/--not-done", help="Was the session done?"),
    effort: int | None = typer.Option(None, "--effort", help="Effort 0-10."),
    pain: int | None = typer.Option(None, "--pain", help="Pain during the session 0-10."),
    morning: str | None = typer.Option(
        None, "--morning", help="Next morning vs before: better, same, worse or unknown."
    ),
    leg_symptoms: bool | None = typer.Option(
        None, "--leg-symptoms/--no-leg-symptoms", help="New leg pain, tingling or numbness?"
    ),
    note: str | None = typer.Option(None, "--note", help="Free text."),
) -> None:
    """Log a session; progress, hold or regress each exercise and re-plan what comes."""
    from backstride.cli.program_view import show_decisions, show_session
    from backstride.program.library import load_library
    from backstride.program.models import LogEntry, Program
    from backstride.program.progression import keys_to_log
    from backstride.program.rules import load_rules
    from backstride.store.program import latest_program, log_session, stored_logs

    library = load_library()
    rules, version = load_rules()
    db = state(ctx).database()
    with db.session() as session:
        record = latest_program(session, get_runner(session, runner))
        keys = keys_to_log(Program.model_validate(record.plan), stored_logs(record), session_key)
    if len(keys) > 1:
        console.print(f"{', '.join(keys[:-1])} not logged before: recorded as not done.")
    answers = _ask(keys[-1], done, effort, pain, morning, leg_symptoms)
    entry = validate_input(LogEntry, {**answers, "note": note})
    with db.session() as session:
        record = latest_program(session, get_runner(session, runner))
        program, keys = log_session(
            session, record, entry, key=session_key, library=library, rules=rules, version=version
        )
    show_decisions(console, [c for c in program.changes if c.session in keys], program)
    upcoming = [s for s in program.sessions() if s.status == "planned"]
    if upcoming:
        show_session(console, upcoming[0], title="Next")
    else:
        console.print("That was the last session: re-test and make a new program with `plan`.")


@app.command("list")
def list_(
    ctx: typer.Context, runner: str = typer.Option(..., "--runner", help="The runner's name.")
) -> None:
    """List the sessions of the runner's latest program with their status."""
    from backstride.cli.program_view import show_session
    from backstride.program.library import load_library
    from backstride.program.rules import load_rules
    from backstride.store.program import current_program, latest_program

    library = load_library()
    rules, version = load_rules()
    with state(ctx).database().session() as session:
        record = latest_program(session, get_runner(session, runner))
        program = current_program(record, library=library, rules=rules, version=version)
    if not program.sessions():
        console.print(f"program #{record.id} has no sessions ({program.status}): {program.action}")
        return
    for s in program.sessions():
        mark = {"done": "[green]done[/]", "skipped": "[yellow]skipped[/]"}.get(s.status, "planned")
        detail = (
            "" if s.log is None or not s.log.done else f" effort {s.log.effort} pain {s.log.pain}"
        )
        console.print(f"{s.key:6} {s.on} {mark}{detail}")
    upcoming = [s for s in program.sessions() if s.status == "planned"]
    if upcoming:
        show_session(console, upcoming[0], title="Next")
