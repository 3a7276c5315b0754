"""``backstride batch run/table/example``: many assessments from one manifest, and the stored
assessments as cohort tables."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from backstride.cli.state import AppState, console, err_console, state
from backstride.errors import InputError

if TYPE_CHECKING:
    from backstride.batch.manifest import Manifest
    from backstride.batch.results import RowResult
    from backstride.batch.tables import TableFiles
    from backstride.store import Database

#: Failed rows listed at the end (all of them are in batch.csv).
SHOWN_FAILURES = 20

app = typer.Typer(
    help="Batch runs for a clinic's caseload or a research cohort, and cohort tables.",
    no_args_is_help=True,
)


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )


def _checked(app_state: AppState, manifest_path: Path) -> tuple[Manifest, Database]:
    """The manifest read and every row's inputs checked, as the assessment checks them."""
    from backstride.assess.service import check_request
    from backstride.batch.manifest import ManifestError, ManifestRow, check_inputs, read_manifest
    from backstride.batch.run import request_for
    from backstride.batch.store import runner_facts

    manifest = read_manifest(manifest_path)
    db = app_state.database()
    years, conflicts = runner_facts(db, manifest)
    if conflicts:
        raise ManifestError(manifest.path, conflicts)
    today = date.today()

    def check(row: ManifestRow) -> None:
        check_request(request_for(row), birth_year=years.get(row.runner), today=row.day or today)

    with _bar() as bar:
        task = bar.add_task("checking the inputs", total=len(manifest.rows))
        check_inputs(manifest, check, progress=lambda done, _: bar.update(task, completed=done))
    return manifest, db


def _say_tables(files: TableFiles) -> None:
    console.print(f"cohort table: {files.cohort}", highlight=False, soft_wrap=True)
    console.print(f"findings table: {files.findings}", highlight=False, soft_wrap=True)


@app.command("run")
def run(
    ctx: typer.Context,
    manifest_path: Path = typer.Argument(
        ..., metavar="MANIFEST", help="CSV file, one row per assessment (see the README)."
    ),
    out: Path = typer.Option(
        Path("out/batch"), "--out", help="Folder for batch.csv, the cohort tables and reports."
    ),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=16,
        help="Runners assessed side by side (processes). One runner's rows always run in order.",
    ),
    reports: bool = typer.Option(True, "--reports/--no-reports", help="Write each report."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write each report as a PDF."),
) -> None:
    """Assess every row of a manifest: every input is checked first (any problem: nothing
    runs), then each runner's rows in date order. A row that fails is recorded and the others
    go on; the same command again continues an interrupted batch (rows done are skipped)."""
    from backstride.batch.results import RESULTS_NAME
    from backstride.batch.run import BatchOptions, BatchProgress, run_batch
    from backstride.batch.store import existing_assessments, load_stored, prepare_runners
    from backstride.batch.tables import write_tables

    if out.exists() and not out.is_dir():
        raise InputError("is a file; --out needs a folder", path=out)
    if pdf:
        from backstride.report.pdf import CHROMIUM, MISSING

        if not CHROMIUM.is_file():  # said once, before hundreds of rows each say it
            raise InputError(f"--pdf: {MISSING}; nothing was run")
    app_state = state(ctx)
    manifest, db = _checked(app_state, manifest_path)
    added, filled = prepare_runners(db, manifest)
    for names, what in ((added, "added"), (filled, "filled in height or birth year of")):
        if names:
            listed = ", ".join(escape(n) for n in names)
            console.print(
                f"{what} {len(names)} runner(s): {listed}", highlight=False, soft_wrap=True
            )
    options = BatchOptions(
        db_url=app_state.db_url, out_dir=out, workers=workers, reports=reports, pdf=pdf
    )
    with _bar() as bar:
        task = bar.add_task("assessing", total=len(manifest.rows))

        def notify(p: BatchProgress) -> None:
            failed = f", {p.failed} failed" if p.failed else ""
            running = f": {escape(p.running)}" if p.running else ""
            bar.update(task, completed=p.finished, description=f"assessing{failed}{running}")

        try:
            results = run_batch(
                manifest, options, lambda c: existing_assessments(db, c), notify=notify
            )
        except KeyboardInterrupt:
            err_console.print(
                f"interrupted: the rows finished are in {out / RESULTS_NAME}; run the same "
                "command again to continue"
            )
            raise
    lines = {r.assessment_id: r.line for r in results if r.assessment_id is not None}
    lead = {r.assessment_id: {"line": r.line} for r in results if r.assessment_id is not None}
    stored = sorted(load_stored(db, lead), key=lambda s: lines[s.assessment_id])
    files = write_tables(out, stored, lead)
    _summarise(results)
    console.print(f"results: {out / RESULTS_NAME}", highlight=False, soft_wrap=True)
    _say_tables(files)
    if reports and (out / "reports").is_dir():
        console.print(f"reports: {out / 'reports'}", highlight=False, soft_wrap=True)
    failed = [r for r in results if r.status == "failed"]
    if failed:
        err_console.print(
            f"[bold red]error:[/] {len(failed)} row(s) failed; fix them and run the same "
            "command again (rows already done are skipped)",
            highlight=False,
        )
        internal = any(r.message.startswith("internal error") for r in failed)
        raise typer.Exit(1 if internal else InputError.exit_code)


def _summarise(results: list[RowResult]) -> None:
    """Counts per status, and the failed rows with why."""
    counts = {s: sum(r.status == s for r in results) for s in ("done", "referral", "skipped")}
    failed = [r for r in results if r.status == "failed"]
    counts["failed"] = len(failed)
    parts = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    rows = f"{len(results)} row{'' if len(results) == 1 else 's'}"
    console.print(f"[bold]{rows}[/]: {parts}", highlight=False)
    if failed:
        table = Table("line", "runner", "why it failed")
        for r in failed[:SHOWN_FAILURES]:
            table.add_row(str(r.line), escape(r.runner), escape(r.message))
        err_console.print(table)
        if len(failed) > SHOWN_FAILURES:
            err_console.print(f"... and {len(failed) - SHOWN_FAILURES} more, in batch.csv")


@app.command("table")
def table(
    ctx: typer.Context,
    out: Path = typer.Option(
        Path("out/cohort"), "--out", help="Folder for cohort.csv and findings.csv."
    ),
    runner: list[str] = typer.Option([], "--runner", help="Only these runners (repeatable)."),
    every: bool = typer.Option(
        False, "--all", help="Every assessment, not only each runner's latest."
    ),
) -> None:
    """Write the stored assessments as tables: each runner's latest (or --all), one row per
    assessment in cohort.csv, one row per finding in findings.csv."""
    from backstride.batch.store import assessment_ids, load_stored
    from backstride.batch.tables import write_tables

    db = state(ctx).database()
    stored = load_stored(db, assessment_ids(db, runner, every=every))
    files = write_tables(out, stored)
    runners = len({s.assessment.runner for s in stored})
    console.print(
        f"{files.assessments} assessment(s) of {runners} runner(s), "
        f"{files.finding_rows} finding(s)",
        highlight=False,
    )
    _say_tables(files)


@app.command("example")
def example(
    folder: Path = typer.Argument(Path("out/cohort-example"), help="Where to write the cohort."),
    runners: int = typer.Option(6, "--runners", min=1, max=60, help="How many runners."),
    seed: int = typer.Option(1, "--seed", help="Same seed, same cohort."),
) -> None:
    """Write a synthetic cohort to try a batch on: videos of runners whose gait is known, their
    check-ins and training histories, manifest.csv, and truth.csv (the gait each clip was
    rendered with, in cohort.csv's columns)."""
    from backstride.cli.progress import stage_progress
    from backstride.synth.cohort import write_cohort

    with stage_progress() as report:
        manifest = write_cohort(folder, runners, seed=seed, progress=report)
    console.print(f"manifest: {manifest}", highlight=False, soft_wrap=True)
    console.print(f"truth: {manifest.with_name('truth.csv')}", highlight=False, soft_wrap=True)
    console.print(
        f"next: backstride batch run {manifest} --out {folder / 'results'}",
        highlight=False,
        soft_wrap=True,
    )
