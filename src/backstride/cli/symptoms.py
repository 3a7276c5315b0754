"""``backstride checkin``, ``backstride triage show`` and ``backstride pain log/list``.

``checkin`` asks the questions (or reads them from ``--from FILE``), decides the tier with the
newest packaged rule set, stores the decision (and its ``triage`` assessment), and prints what to
do first. A check-in that stops early, or a file that leaves a needed question unanswered, is kept
as a draft, never as a decision: ``--resume`` asks exactly the questions still open.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.prompt import Prompt
from rich.table import Table

from backstride.cli.checkin_input import (
    ask_questions,
    checkin_from_mapping,
    parse_choice,
    parse_day,
    parse_number,
    read_answers_file,
)
from backstride.cli.checkin_view import pain_table, print_walk_run, show_triage
from backstride.cli.state import console, state
from backstride.errors import InputError, NotFoundError, ValidationError
from backstride.store.db import Database
from backstride.store.runners import get_runner
from backstride.store.symptoms import (
    decisions,
    draft_checkin,
    latest_draft,
    log_pain,
    pain_entries,
    record_decision,
    save_draft,
)
from backstride.symptoms.checkin import CheckIn, with_birth_year
from backstride.symptoms.painlog import (
    MorningResponse,
    PainEntry,
    check_entry_date,
    entry_verdicts,
)
from backstride.symptoms.questions import load_questions
from backstride.symptoms.ruleset import (
    RULES_DIR,
    load_ruleset,
    load_ruleset_file,
    packaged_versions,
    released_hashes,
)
from backstride.symptoms.summary import clinician_summary
from backstride.symptoms.triage import IncompleteCheckInError, triage
from backstride.validation import validate_input

triage_app = typer.Typer(
    help="Stored triage decisions and the rule sets behind them.", no_args_is_help=True
)
pain_app = typer.Typer(help="The daily pain log used by progression.", no_args_is_help=True)

MORNING = [m.value for m in MorningResponse]
RUNNER = typer.Option(..., "--runner", help="The runner's name (see `backstride runner list`).")


def _runner(db: Database, name: str) -> tuple[int, str, int | None]:
    with db.session() as session:
        runner = get_runner(session, name)
        return runner.id, runner.name, runner.birth_year


def _resume_hint(name: str) -> str:
    return f"run `backstride checkin --runner {name!r} --resume` to finish it"


def _interactive(
    db: Database, runner: tuple[int, str, int | None], resume: bool, today: date
) -> tuple[CheckIn, int | None]:
    """Ask the questions; on end of input or Ctrl-C keep the answers as a draft."""
    runner_id, name, birth_year = runner
    with db.session() as session:
        draft = latest_draft(session, runner_id)
        start = draft_checkin(draft) if draft and resume else CheckIn()
        draft_id = draft.id if draft and resume else None
    answers = with_birth_year(start, birth_year, today).answered()
    initial = dict(answers)
    if resume and draft is None:
        raise NotFoundError(f"no draft check-in for {name!r} to resume")
    if draft is not None and not resume:
        console.print(f"[dim]A draft check-in is waiting (#{draft.id}); --resume continues it.[/]")
    console.print(
        f"[bold]backstride check-in for {name}[/]: running fitness and education guidance, not a "
        "diagnosis. Ctrl-C keeps your answers as a draft.",
        highlight=False,
    )
    try:
        ask_questions(
            console, answers, questions=load_questions(), rules=load_ruleset(), today=today
        )
    except (EOFError, KeyboardInterrupt) as exc:
        _keep_draft(
            db,
            runner_id,
            name,
            answers,
            draft_id,
            changed=answers != initial,
            interrupted=isinstance(exc, KeyboardInterrupt),
        )
    return CheckIn.model_validate(answers), draft_id


def _keep_draft(
    db: Database,
    runner_id: int,
    name: str,
    answers: dict[str, Any],
    draft_id: int | None,
    *,
    changed: bool,
    interrupted: bool,
) -> None:
    if not changed:
        kept = f"draft #{draft_id} is kept as it was: {_resume_hint(name)}" if draft_id else ""
        raise InputError(
            "input ended before any question was answered; " + (kept or "nothing was saved")
        )
    with db.session() as session:
        record = save_draft(
            session,
            runner_id,
            CheckIn.model_validate(answers),
            source="interactive",
            draft_id=draft_id,
        )
        saved = record.id
    message = f"your answers are saved as draft #{saved}: {_resume_hint(name)}"
    if interrupted:
        console.print(f"\ncheck-in not finished; {message}", highlight=False)
        raise typer.Exit(130)
    raise InputError(f"input ended before the check-in was complete; {message}")


def checkin(
    ctx: typer.Context,
    runner: str = RUNNER,
    from_file: Path | None = typer.Option(
        None, "--from", help="Read the answers from a .yaml/.yml/.json file instead of asking."
    ),
    resume: bool = typer.Option(False, "--resume", help="Continue the newest draft check-in."),
    clinician: bool = typer.Option(
        False, "--clinician", help="Also print the clinician summary (the answers behind the tier)."
    ),
) -> None:
    """Check in: answer the questions, get the tier and what to do first."""
    if from_file is not None and resume:
        raise InputError("use either --from FILE or --resume, not both")
    today = date.today()
    rules, questions = load_ruleset(), load_questions()
    answers = None if from_file is None else read_answers_file(from_file)
    file_checkin = None if answers is None else checkin_from_mapping(answers, today, path=from_file)
    db = state(ctx).database()
    runner_id, name, birth_year = who = _runner(db, runner)
    if from_file is not None and file_checkin is not None:
        answered, draft_id, source = file_checkin, None, f"file:{from_file.name}"
    else:
        answered, draft_id = _interactive(db, who, resume, today)
        source = "interactive"
    answered = with_birth_year(answered, birth_year, today)
    try:
        result = triage(answered, rules, today, questions)
    except IncompleteCheckInError as exc:
        with db.session() as session:
            saved = save_draft(session, runner_id, answered, source=source, draft_id=draft_id).id
        raise InputError(
            f"{exc.message}. Saved as draft #{saved}, not as a decision: {_resume_hint(name)}",
            path=from_file,
        ) from None
    with db.session() as session:
        record_decision(session, runner_id, answered, result, source=source, draft_id=draft_id)
    show_triage(console, result, runner=name)
    if clinician:
        console.print(clinician_summary(result, answered, questions, runner=name), highlight=False)


@triage_app.command("show")
def show(
    ctx: typer.Context,
    runner: str = RUNNER,
    clinician: bool = typer.Option(False, "--clinician", help="The clinician summary instead."),
    as_json: bool = typer.Option(False, "--json", help="The decision and answers as JSON."),
) -> None:
    """Show the runner's newest triage decision."""
    db = state(ctx).database()
    runner_id, name, _ = _runner(db, runner)
    with db.session() as session:
        stored = decisions(session, runner_id)
    if not stored:
        raise NotFoundError(f"no check-in decision for {name!r} yet; run `backstride checkin`")
    latest = stored[0]
    if as_json:
        payload = latest.triage.model_dump(mode="json") | {"checkin": latest.checkin.answered()}
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    elif clinician:
        text = clinician_summary(latest.triage, latest.checkin, load_questions(), runner=name)
        console.print(text, highlight=False)
    else:
        show_triage(console, latest.triage, runner=name)


@triage_app.command("rules")
def rules() -> None:
    """List the packaged triage rule sets: version, content hash, and whether it is released."""
    locked = released_hashes()
    table = Table("version", "sha256", "rules", "status")
    for version in packaged_versions():
        rule_set = load_ruleset_file(RULES_DIR / f"{version}.yaml")
        status = "not released (add it to released.yaml)"
        if version in locked:
            status = "released" if locked[version] == rule_set.sha256 else "CHANGED after release"
        table.add_row(version, rule_set.sha256, str(len(rule_set.rules)), status)
    console.print(table)
    console.print(f"decisions use the newest released version, {packaged_versions()[-1]}")


def _day(text: str, field: str, today: date) -> date:
    try:
        return parse_day(text, today)
    except ValueError as exc:
        raise ValidationError(field, str(exc)) from None


def _ask_pain_entry(today_entry: dict[str, Any]) -> dict[str, Any]:
    """Ask the three pain-log questions; Enter skips one."""
    prompts = (
        ("pain_during", "Pain during the run, 0-10 (Enter to skip)"),
        ("pain_after", "Pain after the run, 0-10 (Enter to skip)"),
        (
            "next_morning",
            "Next morning, compared with before: better, same or worse (Enter to skip)",
        ),
    )
    for field, text in prompts:
        while True:
            raw = Prompt.ask(text, console=console, default="", show_default=False).strip()
            if not raw:
                break
            try:
                today_entry[field] = (
                    parse_choice(raw, MORNING)
                    if field == "next_morning"
                    else parse_number(raw, 0, 10)
                )
                break
            except ValueError as exc:
                console.print(f"  [yellow]{exc}[/]")
    return today_entry


@pain_app.command("log")
def log(
    ctx: typer.Context,
    runner: str = RUNNER,
    day: str = typer.Option("today", "--date", help="The day of the run: 2026-03-14, yesterday..."),
    pain_during: int | None = typer.Option(
        None, "--pain-during", help="Pain during the run, 0-10."
    ),
    pain_after: int | None = typer.Option(None, "--pain-after", help="Pain after the run, 0-10."),
    next_morning: str | None = typer.Option(
        None, "--next-morning", help="The next morning: better, same or worse."
    ),
    walk_run_phase: int | None = typer.Option(
        None,
        "--walk-run-phase",
        help="During a return to running: the walk-run phase the run was (1, 2, ...).",
    ),
    note: str | None = typer.Option(None, "--note", help="A short note."),
    replace: bool = typer.Option(False, "--replace", help="Change answers already logged."),
) -> None:
    """Log a day: pain during and after a run, and the next morning (asks when none is given).
    During a return to running, --walk-run-phase says which phase the run was, and the walk-run
    plan's next step is shown."""
    today = date.today()
    data: dict[str, Any] = {"entry_date": _day(day, "entry_date", today), "note": note}
    given = {
        "pain_during": pain_during,
        "pain_after": pain_after,
        "next_morning": next_morning,
        "walk_run_phase": walk_run_phase,
    }
    data |= {k: v for k, v in given.items() if v is not None}
    if all(v is None for v in given.values()):
        try:
            data = _ask_pain_entry(data)
        except (EOFError, KeyboardInterrupt):
            raise InputError("input ended; nothing was logged") from None
    entry = validate_input(PainEntry, data)
    check_entry_date(entry, today)
    if entry.walk_run_phase is not None:
        from backstride.program.walk_run import check_phase

        check_phase(entry)
    db = state(ctx).database()
    runner_id, name, _ = _runner(db, runner)
    with db.session() as session:
        stored = log_pain(session, runner_id, entry, replace=replace)
        entries = pain_entries(session, runner_id)
    console.print(f"logged {stored.entry_date} for {name}", highlight=False)
    for line in entry_verdicts(stored, load_ruleset().pain_monitoring):
        console.print(f"  - {line}", highlight=False)
    print_walk_run(console, entries)


@pain_app.command("list")
def list_(
    ctx: typer.Context,
    runner: str = RUNNER,
    since: str | None = typer.Option(None, "--since", help="Only from this day on."),
) -> None:
    """List the runner's pain log."""
    today = date.today()
    start = None if since is None else _day(since, "since", today)
    db = state(ctx).database()
    runner_id, name, _ = _runner(db, runner)
    with db.session() as session:
        entries = pain_entries(session, runner_id, since=start)
    if not entries:
        console.print(f"no pain log entries for {name} yet: `backstride pain log --runner ...`")
        return
    console.print(pain_table(entries))
    print_walk_run(console, entries)
