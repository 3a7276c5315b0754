"""``backstride assess``: the whole loop for one runner, one stored assessment and its report."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from backstride.assess.models import Assessment
from backstride.cli import preferences as opt
from backstride.cli.progress import stage_progress
from backstride.cli.state import console, state
from backstride.store import Database
from backstride.symptoms.models import Tier


def print_assessment(assessment: Assessment, assessment_id: int) -> None:
    """The short summary: tier, headline, top findings, what is missing."""
    a = assessment
    tier = "no check-in" if a.tier is None else Tier(a.tier).words
    style = "bold red" if a.referral else "bold"
    console.print(
        f"[bold]{escape(a.runner)}[/]: assessment #{assessment_id}, tier [{style}]{tier}[/]",
        highlight=False,
    )
    for line in a.headline:
        console.print(f"  {escape(line)}", highlight=False, soft_wrap=True)
    if a.findings:
        table = Table("#", "finding", "severity", "source", "score")
        for r in a.findings[:8]:
            f = r.finding
            table.add_row(
                str(r.rank), escape(f.title), f.severity.value, f.source.value, f"{r.score:.1f}"
            )
        console.print(table)
    for m in a.missing:
        console.print(f"[yellow]missing:[/] {escape(m.cost)}", highlight=False, soft_wrap=True)
    if a.progress is not None:
        p = a.progress
        console.print(
            f"compared with assessment #{p.previous_id} ({p.days_between} days before): "
            + (", ".join(f"{c.metric} {c.verdict}" for c in p.changes) or "no shared measures"),
            highlight=False,
            soft_wrap=True,
        )


def write_and_say(db: Database, assessment_id: int, out: Path, pdf: bool) -> None:
    """Write the report and print where it is."""
    from backstride.report import write_report

    files = write_report(db, assessment_id, out, pdf=pdf)
    console.print(f"report: {files.html}", highlight=False, soft_wrap=True)
    if files.pdf is not None:
        console.print(f"pdf: {files.pdf}", highlight=False, soft_wrap=True)


def assess(
    ctx: typer.Context,
    runner: str = typer.Option(..., "--runner", help="The runner's name."),
    side: Path | None = typer.Option(None, "--side", help="Side-view video of today's run."),
    rear: Path | None = typer.Option(None, "--rear", help="Rear-view video of today's run."),
    activities: list[Path] = typer.Option(
        [],
        "--activities",
        help="Activity files, folders or exports (repeat the option for several).",
    ),
    checkin: Path | None = typer.Option(
        None, "--checkin", help="Check-in answers (.yaml/.yml/.json, as `checkin --from`)."
    ),
    height_cm: float | None = typer.Option(
        None, "--height-cm", help="Height in cm (default: the runner's stored height)."
    ),
    out: Path = typer.Option(Path("out/assessment"), "--out", help="Folder for the report."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write a PDF of the report."),
    start: opt.Start = None,
    strength_days: opt.StrengthDays = 2,
    minutes: opt.Minutes = 30,
    equipment: opt.EquipmentList = "mat",
    experience: opt.ExperienceLevel = "novice",
    race_date: opt.RaceDate = None,
    weeks: opt.Weeks = None,
    weekdays: opt.Weekdays = None,
) -> None:
    """Assess a runner from any subset of side video, rear video, training files and check-in:
    triage first, findings ranked and explained, progress since last time, the program, the
    report. The program options are those of `plan`. Fitness and education guidance, not a
    diagnosis."""
    from backstride.assess.service import AssessmentRequest, run_assessment

    prefs = opt.preferences(ctx.params)
    db = state(ctx).database()
    request = AssessmentRequest(
        runner=runner,
        side_video=side,
        rear_video=rear,
        activities=tuple(activities),
        checkin_file=checkin,
        height_cm=height_cm,
        preferences=prefs,
    )
    with stage_progress() as progress:
        outcome = run_assessment(db, request, progress=progress)
    print_assessment(outcome.assessment, outcome.assessment_id)
    write_and_say(db, outcome.assessment_id, out, pdf)
