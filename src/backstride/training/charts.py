"""Weekly charts of a training report, written as SVG and PNG (matplotlib, no pyplot state).

Three panels share the week axis: running distance (weeks with a ramp flag outlined, missing-data
weeks hatched), running time, and elevation gain above / descent below the axis.
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.figure import Figure

from backstride.training.report import TrainingReport

FLAG_COLOUR = "#c0392b"
RUN_COLOUR = "#2f6f9f"


def weekly_figure(report: TrainingReport) -> Figure:
    """The three-panel weekly figure of ``report``."""
    weeks = report.weeks
    x = list(range(len(weeks)))
    labels = [w.week_start.strftime("%d %b") for w in weeks]
    ramp_weeks = {e.week_start for e in report.events.ramps}
    fig = Figure(figsize=(10, 7.5), layout="constrained")
    ax_km, ax_h, ax_el = fig.subplots(3, 1, sharex=True)
    bars = ax_km.bar(x, [w.distance_km for w in weeks], color=RUN_COLOUR)
    for bar, week in zip(bars, weeks, strict=True):
        if week.week_start in ramp_weeks:
            bar.set_edgecolor(FLAG_COLOUR)
            bar.set_linewidth(2.5)
        if week.missing_days:
            bar.set_hatch("//")
            bar.set_alpha(0.4)
    ax_km.set_ylabel("running km")
    ax_km.set_title(f"{report.runner}: weekly running, {report.window_start} to {report.as_of}")
    ax_h.bar(x, [w.time_h for w in weeks], color="#5b8c5a")
    ax_h.set_ylabel("running hours")
    ax_el.bar(x, [w.ascent_m for w in weeks], color="#b9770e", label="gain")
    ax_el.bar(x, [-w.descent_m for w in weeks], color="#7d3c98", label="descent")
    ax_el.axhline(0, color="black", linewidth=0.8)
    ax_el.set_ylabel("metres")
    ax_el.legend(loc="upper left", frameon=False)
    ax_el.set_xticks(x, labels, rotation=45, ha="right")
    for ax in (ax_km, ax_h, ax_el):
        ax.grid(axis="y", alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    if ramp_weeks:
        ax_km.text(
            0.99,
            0.95,
            "outlined: weekly ramp flag",
            transform=ax_km.transAxes,
            ha="right",
            va="top",
            color=FLAG_COLOUR,
            fontsize=9,
        )
    return fig


def write_weekly_charts(report: TrainingReport, out_dir: Path) -> list[Path]:
    """Write ``weekly.svg`` and ``weekly.png`` into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fig = weekly_figure(report)
    paths = [out_dir / "weekly.svg", out_dir / "weekly.png"]
    fig.savefig(paths[0], format="svg", metadata={"Date": None})
    fig.savefig(paths[1], format="png", dpi=110)
    return paths
