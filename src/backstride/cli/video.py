"""``backstride video analyze``: a phone video to running metrics, findings and annotated frames."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast, get_args

import typer
from rich.table import Table

from backstride.cli.state import console, err_console, state
from backstride.errors import InputError
from backstride.store import Database

if TYPE_CHECKING:  # the video modules (scipy, OpenCV) load when a video is analysed, not with
    # every command
    from backstride.video.analyze import VideoAnalysis

app = typer.Typer(help="Analyse running videos.", no_args_is_help=True)

STAGE_NAMES = {
    "pose": "finding the runner",
    "frames": "drawing key frames",
    "video": "annotating",
    "waistband": "reading the waistband",
}
SHOWN = (
    "cadence_spm",
    "contact_ms",
    "flight_ms",
    "duty_factor",
    "overstride_pct_leg",
    "overstride_cm",
    "shank_angle_deg",
    "foot_inclination_deg",
    "knee_flexion_contact_deg",
    "trunk_lean_deg",
    "whole_body_lean_deg",
    "vertical_oscillation_cm",
    "vertical_ratio_pct",
    "speed_mps",
)


def _band(metric: str, analysis: VideoAnalysis) -> str:
    """The usual range of a metric, from the thresholds file (where one applies)."""
    from backstride.video.findings import load_thresholds
    from backstride.video.sagittal import expected_cadence_spm

    thresholds, _ = load_thresholds()
    if metric == "cadence_spm" and "speed_mps" in analysis.metrics.metrics:
        speed = analysis.metrics.metrics["speed_mps"].value
        return f">= {expected_cadence_spm(speed) - 8:.0f} at {speed:.1f} m/s"
    for rule in thresholds.findings.values():
        if rule.metric == metric and rule.direction == "above":
            return f"< {rule.bands.low:g}"
    return ""


def print_summary(analysis: VideoAnalysis) -> None:
    """Warnings first, then the metric table, then the findings."""
    from backstride.video.findings import load_thresholds

    for issue in analysis.quality:
        err_console.print(f"[yellow]note:[/] {issue.message}", highlight=False)
    m = analysis.metrics
    console.print(
        f"[bold]{analysis.video.path.name}[/]: side view, runner facing {analysis.facing}, "
        f"near leg {analysis.near_side}, camera {analysis.camera_angle_deg:.0f} deg from side-on, "
        f"{analysis.video.capture_fps:.0f} fps, strike pattern: {m.strike_pattern}"
    )
    by_metric = {}
    thresholds, _ = load_thresholds()
    for f in analysis.findings:
        by_metric[thresholds.findings[f.code].metric] = f
    table = Table("metric", "value", "spread (IQR)", "usual", "finding")
    for name in SHOWN:
        if name not in m.metrics:
            continue
        s = m.metrics[name]
        finding = by_metric.get(name)
        flag = f"[red]{finding.code} ({finding.severity})[/]" if finding else ""
        low = " (low confidence)" if s.confidence == "low" else ""
        table.add_row(
            f"{name}",
            f"{s.value:.3g} {s.unit}{low}",
            f"{s.p25:.3g}-{s.p75:.3g} (n={s.n})",
            _band(name, analysis),
            flag,
        )
    for name, value in (
        ("step_time_si_pct", m.step_time_si_pct),
        ("contact_time_si_pct", m.contact_time_si_pct),
    ):
        finding = by_metric.get(name)
        flag = f"[red]{finding.code} ({finding.severity})[/]" if finding else ""
        table.add_row(name, f"{value:+.1f} %", "", "|SI| < 8", flag)
    console.print(table)
    if not analysis.findings:
        console.print("no findings: every measure is within its usual range")
    for f in analysis.findings:
        console.print(f"[bold]{f.title}[/] ({f.severity}): {f.explanation}")


def report_side(
    analysis: VideoAnalysis, out: Path, db: Database | None, runner: str | None, video: Path
) -> None:
    """Print a side-view analysis and store it when a runner is given."""
    from backstride.store.gait import store_analysis

    print_summary(analysis)
    console.print(
        f"results: {out}/metrics.json, keypoints.csv, keypoints.trc, "
        f"{len(analysis.files.get('frames', []))} annotated frames in {out}/frames"
    )
    store_and_say(db, runner, lambda d, r: store_analysis(d, r, analysis, video))


def store_and_say(
    db: Database | None, runner: str | None, store: Callable[[Database, str], int]
) -> None:
    """Store with ``store(db, runner)`` when a runner was named, and say under which id."""
    if db is not None and runner is not None:
        console.print(f"stored as assessment #{store(db, runner)} for {runner}")


@app.command("analyze")
def analyze(
    ctx: typer.Context,
    videos: list[Path] = typer.Argument(
        ..., help="One video (side or rear view), or a side and a rear video of one session."
    ),
    view: str = typer.Option(
        "auto", "--view", help="auto (decided from the keypoints), side or rear."
    ),
    runner: str | None = typer.Option(None, "--runner", help="Store the analysis for this runner."),
    height_cm: float | None = typer.Option(None, "--height-cm", help="Runner's height, cm."),
    treadmill: bool | None = typer.Option(
        None, "--treadmill/--overground", help="Where the runner was filmed (recorded)."
    ),
    capture_fps: float | None = typer.Option(
        None, "--capture-fps", help="Capture rate of a slow-motion video, e.g. 240."
    ),
    out: Path = typer.Option(Path("out/video"), "--out", help="Folder for the results."),
    annotated_video: bool = typer.Option(
        False, "--annotated-video", help="Also write an annotated MP4."
    ),
) -> None:
    """Measure running gait from a side-view video (cadence, contact, overstride, angles,
    oscillation), a rear-view video (pelvic drop, lateral lean, crossover, arm crossing), or
    both views of one session as one assessment."""
    from backstride.cli.video_rear import run_analysis
    from backstride.store.gait import runner_height
    from backstride.video.analyze import AnalyzeOptions
    from backstride.video.session import AskedView

    if view not in get_args(AskedView):
        raise InputError(f"--view must be auto, side or rear, not {view!r}")
    if len(videos) > 2:
        raise InputError("give one video, or one side-view and one rear-view video")
    if len(videos) == 2 and view != "auto":
        raise InputError("with two videos the view of each is detected: leave out --view")
    db = state(ctx).database() if runner else None
    if db is not None and runner is not None and height_cm is None:
        height_cm = runner_height(db, runner)
    options = AnalyzeOptions(
        height_cm=height_cm,
        treadmill=treadmill,
        capture_fps=capture_fps,
        out_dir=out,
        annotated_video=annotated_video,
    )
    run_analysis(videos, view=cast(AskedView, view), options=options, db=db, runner=runner)
