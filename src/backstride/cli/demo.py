"""``backstride demo``: the whole loop on bundled synthetic data.

Renders a synthetic runner from the side and from behind (reused when already rendered), writes
a subacute check-in and a 16-week training history, then assesses the runner ``demo`` (created
or reused, so the demo can be run again: the second run also shows progress against the first)
and writes the report.
"""

from __future__ import annotations

import time
from pathlib import Path

import typer

from backstride.cli.assess import print_assessment, write_and_say
from backstride.cli.progress import stage_progress
from backstride.cli.state import console, state
from backstride.store import Database

DEMO_RUNNER = "demo"


def ensure_demo_runner(db: Database, height_cm: float) -> None:
    """Create the demo runner unless it exists."""
    from backstride.store.runners import RunnerProfile, add_runner, find_runner

    with db.session() as s:
        if find_runner(s, DEMO_RUNNER) is None:
            add_runner(s, RunnerProfile(name=DEMO_RUNNER, height_cm=height_cm))


def demo(
    ctx: typer.Context,
    out: Path = typer.Option(Path("out/demo"), "--out", help="Where to write the demo files."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write a PDF of the report."),
) -> None:
    """Render a synthetic runner (side and rear), write a check-in and a training history, and
    run the whole assessment on them: findings, program, report."""
    from backstride.assess.service import AssessmentRequest, run_assessment
    from backstride.synth.demo import DEMO_HEIGHT_CM, write_demo_inputs

    started = time.monotonic()
    db = state(ctx).database()
    with stage_progress() as report:
        inputs = write_demo_inputs(out / "inputs", progress=report)
        ensure_demo_runner(db, DEMO_HEIGHT_CM)
        request = AssessmentRequest(
            runner=DEMO_RUNNER,
            side_video=inputs["side video"],
            rear_video=inputs["rear video"],
            activities=(inputs["training history"],),
            checkin_file=inputs["check-in"],
        )
        outcome = run_assessment(db, request, progress=report)
    console.print("[bold]backstride demo[/]: synthetic inputs", highlight=False)
    for label, path in inputs.items():
        console.print(f"  {label}: {path}", highlight=False)
    print_assessment(outcome.assessment, outcome.assessment_id)
    write_and_say(db, outcome.assessment_id, out / "report", pdf)
    console.print(f"demo done in {time.monotonic() - started:.0f} s", highlight=False)
