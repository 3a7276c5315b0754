"""What the runner page shows, read from what the stages stored: results over time, progress
charts, the current program, the runner's jobs.

Reads follow the assessments contract (rows of ``assessments`` by ``kind``); nothing is
recomputed here except the program as it stands (`current_program`: the stored plan replayed with
the logged sessions, exactly as ``backstride session list`` does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.errors import NotFoundError
from backstride.program.library import load_library
from backstride.program.models import Program
from backstride.program.rules import load_rules
from backstride.store.program import current_program, latest_program
from backstride.store.tables import Assessment, Runner
from backstride.symptoms.models import Tier
from backstride.video.findings import load_thresholds
from backstride.web.charts import Point, bar_chart, line_chart

RESULTS_SHOWN = 60
KIND_LABELS = {
    "assessment": "Assessment",
    "gait": "Video analysis",
    "training": "Training history",
    "triage": "Check-in",
    "program": "Program",
}
#: Gait metrics charted over time: (key in the summary's metrics, title, unit).
GAIT_CHARTS = (
    ("cadence_spm", "Cadence", "steps/min"),
    ("overstride_pct_leg", "Overstride", "% leg"),
    ("contact_ms", "Ground contact", "ms"),
    ("pelvic_drop_deg", "Pelvic drop", "deg"),
)


@dataclass(frozen=True)
class StoredResult:
    """One stored result in the runner's history."""

    id: int
    kind: str
    label: str
    created_at: datetime
    headline: str


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _tier_words(code: Any) -> str:
    return "tier ?" if code is None else Tier(code).words


def headline(kind: str, summary: dict[str, Any]) -> str:
    """One line on a stored result.

    Examples
    --------
    >>> headline("triage", {"tier": "SELF_MANAGE", "checkin": {"pain_now": 3}})
    'self-management with guidance · pain now 3/10'
    >>> headline("gait", {"metrics": {"cadence_spm": 158.2, "overstride_pct_leg": 27.9},
    ...                   "findings": [{}]})
    'cadence 158 steps/min · overstride 28% of leg · 1 finding(s)'
    """
    if kind == "triage":
        pain = (summary.get("checkin") or {}).get("pain_now")
        return _tier_words(summary.get("tier")) + ("" if pain is None else f" · pain now {pain}/10")
    if kind == "gait":
        m = summary.get("metrics") or {}
        parts = []
        if _number(m.get("cadence_spm")) is not None:
            parts.append(f"cadence {m['cadence_spm']:.0f} steps/min")
        if _number(m.get("overstride_pct_leg")) is not None:
            parts.append(f"overstride {m['overstride_pct_leg']:.0f}% of leg")
        if _number(m.get("pelvic_drop_deg")) is not None:
            parts.append(f"pelvic drop {m['pelvic_drop_deg']:.1f} deg")
        return " · ".join([*parts, f"{len(summary.get('findings') or [])} finding(s)"])
    if kind == "training":
        weeks = summary.get("weekly") or []
        last = weeks[-1]["distance_km"] if weeks else 0
        return f"{len(weeks)} weeks to {summary.get('as_of', '?')} · last week {last:.1f} km · " + (
            f"{len(summary.get('findings') or [])} flag(s)"
        )
    if kind == "program":
        return (
            f"{summary.get('status', '?')} · {summary.get('weeks_count', '?')} weeks from "
            + str(summary.get("start", "?"))
        )
    tier = summary.get("tier")
    findings = summary.get("findings")
    parts = [] if tier is None else [_tier_words(tier)]
    if isinstance(findings, list):
        parts.append(f"{len(findings)} finding(s)")
    return " · ".join(parts) or kind


def results(session: Session, runner_id: int) -> list[StoredResult]:
    """The runner's stored results, newest first."""
    rows = session.scalars(
        select(Assessment)
        .where(Assessment.runner_id == runner_id)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
        .limit(RESULTS_SHOWN)
    )
    return [
        StoredResult(
            r.id, r.kind, KIND_LABELS.get(r.kind, r.kind), r.created_at, headline(r.kind, r.summary)
        )
        for r in rows
    ]


def last_results(session: Session, runner_ids: list[int]) -> dict[int, datetime]:
    """When each runner's newest stored result was made (runners without one left out)."""
    if not runner_ids:
        return {}
    rows = session.execute(
        select(Assessment.runner_id, func.max(Assessment.created_at))
        .where(Assessment.runner_id.in_(runner_ids))
        .group_by(Assessment.runner_id)
    )
    return {int(runner_id): at for runner_id, at in rows}


def _rows(session: Session, runner_id: int, kind: str) -> list[Assessment]:
    return list(
        session.scalars(
            select(Assessment)
            .where(Assessment.runner_id == runner_id, Assessment.kind == kind)
            .order_by(Assessment.created_at, Assessment.id)
        )
    )


def _flag_level(metric: str) -> float | None:
    thresholds, _ = load_thresholds()
    for rule in thresholds.findings.values():
        if rule.metric == metric and rule.direction == "above":
            return float(rule.bands.low)
    return None


def progress_charts(session: Session, runner_id: int) -> list[str]:
    """Inline SVG charts of the runner's measures over time (only those with data)."""
    charts: list[str] = []
    gait = _rows(session, runner_id, "gait")
    for metric, title, unit in GAIT_CHARTS:
        points = [
            Point(r.created_at, v)
            for r in gait
            if (v := _number((r.summary.get("metrics") or {}).get(metric))) is not None
        ]
        if points:
            charts.append(line_chart(points, title=title, unit=unit, threshold=_flag_level(metric)))
    pain = [
        Point(r.created_at, v)
        for r in _rows(session, runner_id, "triage")
        if (v := _number((r.summary.get("checkin") or {}).get("pain_worst_week"))) is not None
    ]
    if pain:
        charts.append(line_chart(pain, title="Worst back pain in the week", unit="/10"))
    training = _rows(session, runner_id, "training")
    if training:
        weeks = training[-1].summary.get("weekly") or []
        bars = [
            (date.fromisoformat(w["week_start"]).strftime("%d %b"), float(w["distance_km"]))
            for w in weeks[-16:]
        ]
        if bars:
            charts.append(bar_chart(bars, title="Weekly running distance", unit="km"))
    return charts


def program_now(session: Session, runner: Runner) -> tuple[int, Program] | None:
    """The runner's newest program as it stands (replayed with the logs), or None."""
    try:
        record = latest_program(session, runner)
    except NotFoundError:
        return None
    library = load_library()
    rules, version = load_rules()
    return record.id, current_program(record, library=library, rules=rules, version=version)
