"""``backstride training import/report/activities``: the runner's own training history."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from backstride.cli.state import console, state
from backstride.errors import InputError, ValidationError
from backstride.paths import training_streams_dir
from backstride.store.runners import get_runner
from backstride.store.training import (
    known_hashes,
    list_activities,
    list_shoes,
    save_file_result,
    source_counts,
    store_training_report,
    to_pair,
)
from backstride.training.ingest.results import FileResult, Saved

if TYPE_CHECKING:
    from backstride.training.ingest.pipeline import ImportReport
from backstride.training.report import TrainingReport, build_report
from backstride.training.thresholds import load_thresholds

app = typer.Typer(
    help="Import watch files and exports; report training load.", no_args_is_help=True
)

MAX_LISTED = 40


def parse_day(value: str | None, option: str) -> date | None:
    """A ``YYYY-MM-DD`` option value as a date; anything else names the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationError(option, f"must be a date like 2025-03-31, got {value!r}") from None


def check_zone(tz: str | None) -> str | None:
    """An IANA time zone name, validated."""
    if tz is None:
        return None
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "--tz", f"unknown time zone {tz!r} (use a name such as Europe/Ljubljana)"
        ) from None
    return tz


@app.command("import")
def import_(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(
        ..., help="Files (.fit .gpx .tcx, also .gz), folders, .zip archives, Strava/Garmin exports."
    ),
    runner: str = typer.Option(..., "--runner", help="The runner the files belong to."),
    tz: str | None = typer.Option(
        None, "--tz", help="Time zone for files with neither a UTC offset nor positions."
    ),
    jobs: int | None = typer.Option(
        None, "--jobs", min=1, help="Parser processes (default: CPUs)."
    ),
) -> None:
    """Import activity files; re-running on the same files is incremental."""
    from backstride.training.ingest.pipeline import run_import

    zone = check_zone(tz)
    db = state(ctx).database()
    with db.session() as session:
        runner_id = get_runner(session, runner).id
        known = known_hashes(session, runner_id)

    def save(result: FileResult) -> Saved:
        with db.session() as session:
            return save_file_result(session, runner_id, result)

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("finding and hashing files", total=None)

        def advance(done: int, total: int, display: str) -> None:
            progress.update(task, completed=done, total=total, description="reading activities")

        report = run_import(
            paths,
            known_hashes=known,
            save=save,
            tz=zone,
            jobs=jobs,
            cache_root=training_streams_dir(),
            progress=advance,
        )
    print_import(report)
    usable = report.imported or report.known or report.merged or report.skipped
    if report.failed and not usable:
        raise InputError(f"none of the {len(report.failed)} file(s) could be imported")


def print_import(report: ImportReport) -> None:
    """The import summary: counts, then every skipped and failed file with its reason."""
    counts = (
        f"imported {len(report.imported)} · already known {len(report.known)} · "
        f"duplicates merged {len(report.merged)} · skipped (not running) {len(report.skipped)} · "
        f"failed {len(report.failed)}"
    )
    if report.ignored:
        counts += f" · ignored {report.ignored} (not activity files)"
    console.print(counts, highlight=False, soft_wrap=True)
    for title, rows in (
        ("skipped", report.skipped),
        ("failed", report.failed),
        ("warnings", report.warnings),
    ):
        if not rows:
            continue
        console.print(f"{title}:", highlight=False)
        for display, reason in rows[:MAX_LISTED]:
            console.print(f"  {escape(display)}: {escape(reason)}", highlight=False, soft_wrap=True)
        if len(rows) > MAX_LISTED:
            console.print(f"  ... and {len(rows) - MAX_LISTED} more", highlight=False)


@app.command("report")
def report_(
    ctx: typer.Context,
    runner: str = typer.Option(..., "--runner", help="The runner."),
    weeks: int = typer.Option(16, "--weeks", min=1, max=520, help="Weeks to show."),
    out: Path | None = typer.Option(
        None, "--out", help="Folder for load.json and charts (default: out/training/<runner>)."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Last day of the report, YYYY-MM-DD (default: the latest run)."
    ),
) -> None:
    """Weekly load, flags, shoes and charts; writes load.json and stores the assessment."""
    day = parse_day(as_of, "--as-of")
    db = state(ctx).database()
    with db.session() as session:
        r = get_runner(session, runner)
        runner_id, name = r.id, r.name
        records = list_activities(session, runner_id)
        pairs = [to_pair(s) for s in list_shoes(session, runner_id)]
    runs = [rec.activity.local_date for rec in records if rec.activity.counts_as_running]
    if not runs:
        raise InputError(
            f"no runs imported for {name!r} yet: import files with "
            f"`backstride training import PATH --runner {name!r}`"
        )
    day = day or max(runs)
    report = build_report(records, pairs, load_thresholds(), runner=name, as_of=day, weeks=weeks)
    folder = out or Path("out") / "training" / _slug(name)
    written = write_report_files(report, folder)
    store_training_report(db, runner_id, report)
    print_report(report, written, as_of_given=as_of is not None)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name.strip().lower()).strip("-") or "runner"


def write_report_files(report: TrainingReport, folder: Path) -> list[Path]:
    """``load.json`` (written atomically) and the weekly charts."""
    from backstride.training.charts import write_weekly_charts

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "load.json"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".load-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(report.load_json(), handle, indent=2)
    Path(tmp).replace(target)
    return [target, *write_weekly_charts(report, folder)]


def print_report(report: TrainingReport, written: list[Path], *, as_of_given: bool) -> None:
    """Tables of weeks, flags and shoes, then where the files are."""
    note = "" if as_of_given else " (the latest run; change with --as-of)"
    console.print(f"[bold]{escape(report.runner)}[/]: training as of {report.as_of}{note}")
    weeks = Table("week", "km", "hours", "runs", "gain m", "descent m", "walk/hike km", "note")
    for w in report.weeks:
        status = "missing data" if w.missing_days else ("" if w.complete else "in progress")
        weeks.add_row(
            str(w.week_start),
            f"{w.distance_km:.1f}",
            f"{w.time_h:.1f}",
            str(w.runs),
            f"{w.ascent_m:.0f}",
            f"{w.descent_m:.0f}",
            f"{w.foot_km:.1f}",
            status,
        )
    console.print(weeks)
    flags = Table("flag", "severity", "what")
    for f in report.findings:
        flags.add_row(f.code, f.severity.value, escape(f.title))
    console.print(flags if report.findings else "no load flags in this period")
    if not report.acwr.visible:
        console.print(f"acute:chronic ratio hidden: {report.acwr.reason}", highlight=False)
    trail = report.trail
    console.print(
        f"trail runner: {'yes' if trail.is_trail_runner else 'no'} ({trail.big_descent_runs} of "
        f"{trail.runs} runs descended {trail.big_descent_m:.0f} m or more)",
        highlight=False,
    )
    print_shoes_table(report)
    console.print(" ".join(report.thresholds.back_pain_note.split()), style="italic")
    for path in written:
        console.print(f"wrote {escape(str(path))}", highlight=False)


def print_shoes_table(report: TrainingReport) -> None:
    """The shoes of a report, with distance against the wear limit."""
    if not report.shoes:
        console.print("no shoes recorded: add them with `backstride shoes add`")
        return
    table = Table("shoes", "surface", "km", "limit", "runs", "last used", "status")
    for u in report.shoes:
        p = u.pair
        status = "retired" if p.retired_on else ("default" if p.is_default else "")
        if u.fraction_of_limit >= 1:
            status = (status + " · past limit").strip(" ·")
        table.add_row(
            escape(p.name),
            p.surface.value if p.surface else "-",
            f"{u.total_km:.0f}",
            f"{p.limit_km:.0f}",
            str(u.runs),
            str(u.last_used or "-"),
            status,
        )
    console.print(table)
    console.print(f"pairs used in the last 30 days: {report.rotation_count}")


@app.command("activities")
def activities(
    ctx: typer.Context,
    runner: str = typer.Option(..., "--runner", help="The runner."),
    limit: int = typer.Option(30, "--limit", min=1, help="Newest activities to show."),
) -> None:
    """List imported activities, newest first (duplicates merged)."""
    with state(ctx).database().session() as session:
        runner_id = get_runner(session, runner).id
        records = list_activities(session, runner_id)
        sources = source_counts(session, runner_id)
    if not records:
        console.print("no activities yet: import some with `backstride training import`")
        return
    table = Table(
        "id", "date", "sport", "surface", "km", "min", "gain m", "down m", "spm", "format", "files"
    )
    for column in table.columns[:4]:
        column.no_wrap = True
    for rec in reversed(records[-limit:]):
        a = rec.activity
        table.add_row(
            str(rec.id),
            str(a.local_date),
            a.sport.value,
            a.surface.value,
            f"{a.distance_km:.2f}",
            f"{a.moving_s / 60:.0f}",
            "-" if a.ascent_m is None else f"{a.ascent_m:.0f}",
            "-" if a.descent_m is None else f"{a.descent_m:.0f}",
            "-" if a.cadence_spm is None else f"{a.cadence_spm:.0f}",
            a.source_format,
            str(sources.get(rec.id, 1)),
        )
    console.print(table)
    console.print(f"{len(records)} activities in all")
