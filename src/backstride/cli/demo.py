"""``backstride demo``: the whole loop on bundled synthetic data."""

from __future__ import annotations

from pathlib import Path

import typer

from backstride.cli.progress import stage_progress
from backstride.cli.state import console


def demo(
    ctx: typer.Context,
    out: Path = typer.Option(Path("out/demo"), "--out", help="Where to write the demo files."),
) -> None:
    """Render a synthetic runner (side and rear), write a check-in and a training history."""
    from backstride.synth.demo import write_demo_inputs

    with stage_progress() as report:
        inputs = write_demo_inputs(out, progress=report)
    console.print("[bold]backstride demo[/]: synthetic inputs written")
    for label, path in inputs.items():
        console.print(f"  {label}: {path}")
