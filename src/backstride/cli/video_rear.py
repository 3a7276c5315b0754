"""``backstride video analyze`` for rear views, ``--view auto`` and a side + rear pair: run the
right analysis, print it, store it.

The side view's own printing (`cli.video.print_summary`) is reused unchanged for side clips.
"""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from backstride.cli.progress import stage_progress
from backstride.cli.state import console, err_console
from backstride.cli.video import STAGE_NAMES, print_summary, report_side, store_and_say
from backstride.store import Database
from backstride.video.analyze import AnalyzeOptions, VideoAnalysis
from backstride.video.analyze_rear import LOW_CONFIDENCE_ONLY, RearAnalysis
from backstride.video.combined import CombinedAnalysis
from backstride.video.findings import load_thresholds
from backstride.video.metrics import MetricSummary
from backstride.video.quality import QualityIssue
from backstride.video.session import AskedView, analyze_clip, analyze_pair
from backstride.video.view import ViewEstimate

SHOWN_REAR = (
    "pelvic_drop_deg",
    "lateral_lean_deg",
    "step_width_cm",
    "arm_cross_cm",
    "knee_frontal_deg",
    "rear_cadence_spm",
)

#: Notes the side view already says for a side + rear pair: one "no height given" covers both.
SAID_ONCE_FOR_A_PAIR = frozenset({"height_assumed"})


def _notes(
    issues: list[QualityIssue], prefix: str = "", *, said: frozenset[str] = frozenset()
) -> None:
    for issue in issues:
        if issue.code not in said:
            err_console.print(f"[yellow]note:[/] {prefix}{issue.message}", highlight=False)


def print_view(estimate: ViewEstimate, asked: str, name: str) -> None:
    """Say which view was used and why."""
    how = "chosen automatically" if asked == "auto" else "as asked, and the keypoints agree"
    console.print(f"{name}: {estimate.view} view ({how}; {estimate.describe()})", highlight=False)


def _bands() -> dict[str, str]:
    """Usual range of each rear metric with a rule, from the thresholds file."""
    thresholds, _ = load_thresholds()
    out = {}
    for rule in thresholds.findings.values():
        if rule.view != "rear":
            continue
        if rule.direction == "above":
            out[rule.metric] = f"< {rule.bands.low:g}"
        elif rule.direction == "below":
            out[rule.metric] = f">= {rule.bands.low:g}"
        else:
            out[rule.metric] = f"|x| < {rule.bands.low:g}"
    return out


def _row(table: Table, name: str, s: MetricSummary, sd: float, band: str, flag: str) -> None:
    low = " (low confidence)" if s.confidence == "low" else ""
    value = f"{s.value:.3g}" + (f" +- {sd:.1f}" if sd == sd else "")
    table.add_row(name, f"{value} {s.unit}{low}", f"{s.p25:.3g}-{s.p75:.3g} (n={s.n})", band, flag)


def print_rear_summary(a: RearAnalysis, *, said: frozenset[str] = frozenset()) -> None:
    """Warnings (less those whose code is in ``said``, already printed), then the pelvic drop
    with its category, the metric table and the findings."""
    _notes(a.quality, said=said)
    m = a.metrics
    drop = m.pelvic_drop
    facing = " (runner facing the camera)" if a.from_front else ""
    console.print(
        f"[bold]{a.video.path.name}[/]: rear view{facing}, {a.video.capture_fps:.0f} fps, "
        f"{m.n_windows} steps, pelvis line from the {drop.source}",
        highlight=False,
    )
    if drop.category is not None:
        border = ", borderline" if drop.borderline else ""
        per_side = ", ".join(f"{s} stance {c}" for s, c in drop.categories.items() if c)
        console.print(
            f"pelvic drop: [bold]{drop.category}[/] ({drop.value_deg:.1f} +- "
            f"{drop.uncertainty_deg:.1f} deg{border}; {per_side})",
            highlight=False,
        )
    thresholds, _ = load_thresholds()
    by_metric = {thresholds.findings[f.code].metric: f for f in a.findings}
    bands = _bands()
    table = Table("metric", "value (+- 1 SD)", "spread (IQR)", "usual", "finding")
    for name in SHOWN_REAR:
        s = m.metrics.get(name)
        if s is None or not s.n:
            continue
        f = by_metric.get(name)
        flag = f"[red]{f.code} ({f.severity})[/]" if f else ""
        _row(table, name, s, m.uncertainty_deg.get(name, float("nan")), bands.get(name, ""), flag)
    for name, value in m.asymmetry.items():
        if name not in LOW_CONFIDENCE_ONLY and value == value:
            f = by_metric.get(name)
            flag = f"[red]{f.code} ({f.severity})[/]" if f else ""
            unit = name.rsplit("_", 1)[-1]
            table.add_row(
                f"{name} (right - left)", f"{value:+.1f} {unit}", "", bands.get(name, ""), flag
            )
    console.print(table)
    if not a.findings:
        console.print("no findings: every rear-view measure is within its usual range")
    for f in a.findings:
        console.print(f"[bold]{f.title}[/] ({f.severity}): {f.explanation}", highlight=False)


def report_rear(
    a: RearAnalysis, out: Path, db: Database | None, runner: str | None, video: Path
) -> None:
    """Print a rear-view analysis and store it when a runner is given."""
    from backstride.store.gait_rear import store_rear_analysis

    print_rear_summary(a)
    frames = len(a.files.get("frames", []))
    console.print(
        f"results: {out}/metrics.json, keypoints.csv, {frames} key frames in {out}/frames"
    )
    store_and_say(db, runner, lambda d, r: store_rear_analysis(d, r, a, video))


def report_combined(
    c: CombinedAnalysis, out: Path, db: Database | None, runner: str | None
) -> None:
    """Print both views, the merged findings, and store one assessment."""
    from backstride.store.gait_rear import store_combined

    print_view(c.estimates["side"], "auto", c.side.video.path.name)
    print_view(c.estimates["rear"], "auto", c.rear.video.path.name)
    console.rule("side view")
    print_summary(c.side)
    console.rule("rear view")
    print_rear_summary(c.rear, said=SAID_ONCE_FOR_A_PAIR & {i.code for i in c.side.quality})
    console.rule("both views")
    _notes(c.quality)
    console.print(f"{len(c.findings)} finding(s), most important first:")
    for f in c.findings:
        view = "side" if f.source.value == "video_side" else "rear"
        console.print(f"- [bold]{f.title}[/]: {f.severity}, {view} view", highlight=False)
    console.print(f"results: {out}/side and {out}/rear (metrics.json, key frames)")
    paths = {"side": c.side.video.path, "rear": c.rear.video.path}
    store_and_say(db, runner, lambda d, r: store_combined(d, r, c, paths))


def run_analysis(
    videos: list[Path],
    *,
    view: AskedView,
    options: AnalyzeOptions,
    db: Database | None,
    runner: str | None,
) -> None:
    """Analyse one clip (as the view it shows, or as asked) or a side + rear pair."""
    with stage_progress(STAGE_NAMES) as progress:
        if len(videos) == 2:
            combined = analyze_pair((videos[0], videos[1]), options, progress=progress)
        else:
            result = analyze_clip(videos[0], options, view=view, progress=progress)
    if len(videos) == 2:
        report_combined(combined, options.out_dir, db, runner)
        return
    print_view(result.estimate, view, videos[0].name)
    if isinstance(result.analysis, VideoAnalysis):
        report_side(result.analysis, options.out_dir, db, runner, videos[0])
    else:
        report_rear(result.analysis, options.out_dir, db, runner, videos[0])
