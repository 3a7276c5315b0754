"""Stored assessments as flat tables, for a spreadsheet or a statistics package.

Two tables, both one CSV file:

- **assessments** (``cohort.csv``): one row per assessment. Fixed columns first (who, the day
  of the visit and when it was stored, triage tier, inputs used, the findings' codes in rank
  order), then every gait metric measured
  (``gait_`` + the metric's own name, which carries its unit: ``gait_cadence_spm``), then a few
  training-load figures (``training_``). A value that was not measured is an empty cell, never
  a zero.
- **findings** (``findings.csv``): one row per finding of each assessment, long format: rank,
  code, severity, source and the ranking score.

The metric definitions are those of the video and training code (docstrings beside each metric,
with sources) and of the README; nothing is recomputed here, the tables only copy what the
assessment stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from backstride.assess.models import Assessment

#: The fixed columns of ``cohort.csv``, in order.
FIXED_COLUMNS = (
    "assessment_id",
    "runner",
    "assessed_on",
    "assessed_at",
    "tier",
    "referral",
    "triage_ruleset",
    "inputs",
    "findings_count",
    "findings",
)
#: The findings table's columns.
FINDING_COLUMNS = (
    "assessment_id",
    "runner",
    "rank",
    "code",
    "severity",
    "source",
    "score",
    "title",
)


@dataclass(frozen=True)
class StoredAssessment:
    """An assessment as stored, with the stage summaries it points at (None when absent)."""

    assessment_id: int
    assessment: Assessment
    gait: Mapping[str, Any] | None = None
    training: Mapping[str, Any] | None = None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def gait_columns(gait: Mapping[str, Any] | None) -> dict[str, float | None]:
    """``gait_<metric>`` for every numeric metric of a gait summary (side, rear or both)."""
    metrics = (gait or {}).get("metrics") or {}
    return {f"gait_{name}": _number(value) for name, value in sorted(metrics.items())}


def training_columns(training: Mapping[str, Any] | None) -> dict[str, Any]:
    """A few figures of a stored training report; empty when there is none.

    - ``training_weeks``, ``training_runs``, ``training_distance_km``,
      ``training_descent_m``: the report's window and its totals;
    - ``training_acwr``: acute:chronic distance ratio, only when the report shows it (enough
      complete history; otherwise empty, as the report hides it);
    - ``training_run_spikes``: single runs well above the recent longest run;
    - ``training_max_weekly_increase_pct``: the largest weekly ramp flagged;
    - ``training_trail_runner``: whether big descents are a regular part of the running.
    """
    if not training:
        return {}
    totals = training.get("totals") or {}
    flags = training.get("flags") or {}
    acwr = training.get("acwr") or {}
    ramps = [_number(r.get("increase_pct")) for r in flags.get("weekly_ramp") or []]
    ramps_known = [r for r in ramps if r is not None]
    trail = training.get("trail_runner") or {}
    return {
        "training_weeks": (training.get("window") or {}).get("weeks"),
        "training_runs": totals.get("runs"),
        "training_distance_km": _number(totals.get("distance_km")),
        "training_descent_m": _number(totals.get("descent_m")),
        "training_acwr": _number(acwr.get("value")) if acwr.get("visible") else None,
        "training_run_spikes": len(flags.get("single_run_spike") or []),
        "training_max_weekly_increase_pct": max(ramps_known) if ramps_known else None,
        "training_trail_runner": trail.get("is_trail_runner"),
    }


def assessment_row(stored: StoredAssessment) -> dict[str, Any]:
    """One ``cohort.csv`` row.

    Examples
    --------
    >>> from datetime import datetime, UTC
    >>> a = Assessment(runner="Ana K", created_at=datetime(2026, 3, 1, tzinfo=UTC),
    ...                inputs=(), disclaimer="guidance")
    >>> row = assessment_row(StoredAssessment(7, a, gait={"metrics": {"cadence_spm": 171.5}}))
    >>> row["runner"], row["gait_cadence_spm"], row["findings_count"]
    ('Ana K', 171.5, 0)
    """
    a = stored.assessment
    return {
        "assessment_id": stored.assessment_id,
        "runner": a.runner,
        "assessed_on": (a.assessed_on or a.created_at.date()).isoformat(),
        "assessed_at": a.created_at.isoformat(timespec="seconds"),
        "tier": a.tier,
        "referral": a.referral,
        "triage_ruleset": a.triage_ruleset,
        "inputs": " ".join(k.value for k in a.inputs),
        "findings_count": len(a.findings),
        "findings": " ".join(r.finding.code for r in a.findings),
        **gait_columns(stored.gait),
        **training_columns(stored.training),
    }


def finding_rows(stored: StoredAssessment) -> list[dict[str, Any]]:
    """The ``findings.csv`` rows of one assessment, in rank order."""
    return [
        {
            "assessment_id": stored.assessment_id,
            "runner": stored.assessment.runner,
            "rank": r.rank,
            "code": r.finding.code,
            "severity": r.finding.severity.value,
            "source": r.finding.source.value,
            "score": round(r.score, 3),
            "title": r.finding.title,
        }
        for r in stored.assessment.findings
    ]


def columns_of(rows: Sequence[Mapping[str, Any]], first: Sequence[str]) -> list[str]:
    """``first``, then every other column of ``rows``: gait, then training, each sorted."""
    rest = {k for row in rows for k in row} - set(first)
    return [
        *first,
        *sorted(k for k in rest if k.startswith("gait_")),
        *sorted(k for k in rest if not k.startswith("gait_")),
    ]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    return value


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """CSV text with a header; a missing value is an empty cell.

    Examples
    --------
    >>> print(to_csv([{"a": 1.23456789, "b": None}], ["a", "b"]), end="")
    a,b
    1.23457,
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: _cell(row.get(c)) for c in columns})
    return buffer.getvalue()
