"""``backstride demo``: the whole loop on bundled synthetic data."""

from __future__ import annotations

from pathlib import Path

import typer

from backstride.cli.state import console


def demo(
    ctx: typer.Context,
    out: Path = typer.Option(Path("out/demo"), "--out", help="Where to write the demo files."),
) -> None:
    """Render a synthetic runner and training history and show where they are."""
    from backstride.synth.demo import write_demo_inputs

    inputs = write_demo_inputs(out)
    console.print("[bold]backstride demo[/]: synthetic inputs written")
    for label, path in inputs.items():
        console.print(f"  {label}: {path}")
