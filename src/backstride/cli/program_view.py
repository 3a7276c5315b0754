"""How a program looks in the terminal (rich): the referral, the weekly table, the routine after
runs, the running advice, what was left out, and the decisions after a logged session."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from backstride.program.dosage import short_text

if TYPE_CHECKING:
    from backstride.program.models import Change, Program, ReturnToRun, Session

ACTION_STYLE = {"progress": "green", "hold": "yellow", "regress": "red"}


def exercise_table(program: Program) -> Table:
    """Every slot, numbered, with its first exercise and dose, the weeks it runs and why."""
    table = Table(title="Your exercises", show_lines=True)
    for col, width in (("#", 3), ("exercise", 26), ("first dose", 20), ("weeks", 7), ("why", 36)):
        table.add_column(col, max_width=width)
    for n, slot in enumerate(program.slots, start=1):
        item = next((i for s in program.sessions() for i in s.items if i.slot == slot.key), None)
        why = "; ".join(w.text for w in slot.why[:3])
        name = item.name if item else slot.capacity.value
        dose = item.dose_text if item else ""
        weeks = f"{slot.first_week}-{slot.last_week}"
        table.add_row(str(n), escape(name), escape(dose), weeks, escape(why))
    return table


def week_table(program: Program) -> Table:
    """One row a week: dates and the dose of each numbered exercise (its name when it changes)."""
    table = Table(title="Week by week (first session of the week)")
    for col, width in (("week", 8), ("days", 14), ("doses: exercise number: dose", 60)):
        table.add_column(col, max_width=width)
    numbers = {s.key: n for n, s in enumerate(program.slots, start=1)}
    previous: dict[str, str] = {}
    for week in program.weeks:
        days = ", ".join(f"{s.on:%a %d %b}" for s in week.sessions)
        parts = []
        for item in week.sessions[0].items if week.sessions else ():
            label = str(numbers.get(item.slot, "-"))
            changed = previous.get(item.slot) not in (None, item.exercise_id)
            name = f"{item.name} " if changed else ""
            parts.append(f"{label}: {name}{short_text(item.dose)}")
            previous[item.slot] = item.exercise_id
        kind = "" if week.kind == "build" else f" {week.kind}"
        table.add_row(f"W{week.number}{kind}", days, escape(" · ".join(parts)))
    return table


def _return_to_run(console: Console, rtr: ReturnToRun) -> None:
    table = Table(title=f"Return to running ({escape(rtr.source)})")
    for col in ("phase", "walk", "run", "total", "effort"):
        table.add_column(col)
    for p in rtr.phases:
        table.add_row(
            str(p.phase),
            "-" if p.walk_min is None else f"{p.walk_min:g} min",
            "continuous" if p.run_min is None else f"{p.run_min:g} min",
            f"{p.total_mi:g} mi ({p.total_km:g} km)",
            f"{p.effort}/10",
        )
    console.print(table)
    console.print("[bold]Start when:[/] " + " ".join(escape(e) for e in rtr.entry))
    for rule in rtr.rules:
        console.print(f"  - {escape(rule)}")
    for stage in rtr.trail_stages:
        console.print(f"  - trail: {escape(stage)}")
    console.print(
        "[bold]Log each run:[/] backstride pain log --walk-run-phase N --pain-during ... "
        "(and the next morning); `pain log` and `pain list` then say the next phase.",
        highlight=False,
    )
    console.print("[bold]Meanwhile:[/] " + " ".join(escape(m) for m in rtr.meanwhile))


def running_section(console: Console, program: Program) -> None:
    """Return-to-run plan or cues, with the framing."""
    run = program.running
    console.print(f"\n[bold]Running[/]: {escape(run.note)}")
    if run.return_to_run is not None:
        _return_to_run(console, run.return_to_run)
    if run.cues:
        heading = "Technique cues" + (
            " (for when you run continuously again)" if run.mode == "return_to_run" else ""
        )
        console.print(f"[bold]{heading}[/]")
        for cue in run.cues:
            console.print(f"  - [bold]{escape(cue.title)}[/]: {escape(cue.text)}")
    for cue in run.load_cues:
        console.print(f"  - [bold]{escape(cue.title)}[/]: {escape(cue.text)}")
    if run.framing:
        console.print(f"[dim]{escape(run.framing)}[/]")


def _header(console: Console, program: Program) -> None:
    weeks = f"{program.weeks_count} weeks from {program.start}"
    console.print(
        f"[bold]Program for {escape(program.runner or 'runner')}[/] · {program.tier.words} "
        f"· {escape(program.profile_label)} · {weeks} · effort {escape(program.effort)}"
    )


def show_program(console: Console, program: Program) -> None:
    """Print the whole program (or the referral)."""
    if program.status == "referral":
        console.print(
            Panel(
                f"[bold]{escape(program.action)}[/]\n\nNo program and no running advice.",
                title="See a clinician first",
                border_style="red",
            )
        )
        return
    _header(console, program)
    if program.status == "paused":
        console.print(
            Panel(escape(program.action), title="Paused: see a GP or physio", border_style="yellow")
        )
    for note in program.notes:
        console.print(f"[yellow]note:[/] {escape(note)}")
    if program.warmup:
        console.print(f"[bold]Warm-up[/]: {escape(program.warmup)}")
    if program.slots:
        console.print(exercise_table(program))
    console.print(week_table(program))
    if program.post_run:
        console.print("[bold]After each run[/] (about 5 minutes):")
        for item in program.post_run:
            console.print(f"  - {escape(item.name)}: {escape(item.dose_text)}")
    running_section(console, program)
    _left_out(console, program)
    for line in program.advice:
        console.print(f"[bold red]advice:[/] {escape(line)}")
    console.print(f"\n[dim]{escape(program.disclaimer)}[/]")


def _left_out(console: Console, program: Program) -> None:
    uncovered = [f for f in program.focus if not f.covered_by]
    for f in uncovered:
        console.print(f"[dim]not trained: {f.capacity.value} ({escape(f.note)})[/]")
    if program.excluded:
        names = ", ".join(e.name for e in program.excluded)
        reasons = sorted({e.reason for e in program.excluded})
        console.print(f"[bold]Left out for you[/]: {escape(names)}")
        for reason in reasons:
            console.print(f"  [dim]{escape(reason)}[/]")


def show_decisions(console: Console, changes: Sequence[Change], program: Program) -> None:
    """The decisions of the sessions just logged, then the advice."""
    names = {c.exercise_id: c.name for c in program.cards}
    reasons: list[str] = []
    table = Table(title="What changes")
    for col in ("session", "exercise", "decision", "change", "why"):
        table.add_column(col)
    for c in changes:
        if c.reason not in reasons:
            reasons.append(c.reason)
        table.add_row(
            c.session,
            escape(names.get(c.from_exercise, c.from_exercise)),
            f"[{ACTION_STYLE[c.action]}]{c.action}[/]",
            escape(c.move or "-"),
            f"({reasons.index(c.reason) + 1})",
        )
    console.print(table)
    for n, reason in enumerate(reasons, start=1):
        console.print(f"  ({n}) {escape(reason)}")
    for line in program.advice:
        console.print(f"[bold red]advice:[/] {escape(line)}")


def show_session(console: Console, session: Session, *, title: str) -> None:
    """One session with its exercises."""
    console.print(
        f"[bold]{title}[/]: {session.key} on {session.on:%a %d %b %Y} (about {session.minutes} min)"
    )
    for item in session.items:
        lighter = " [dim](lighter week)[/]" if item.lighter else ""
        console.print(f"  - {escape(item.name)}: {escape(item.dose_text)}{lighter}")
