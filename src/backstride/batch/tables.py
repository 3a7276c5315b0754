"""Writing the cohort tables (``cohort.csv``, ``findings.csv``) into a folder, atomically."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backstride.batch.cohort import (
    FINDING_COLUMNS,
    FIXED_COLUMNS,
    StoredAssessment,
    assessment_row,
    columns_of,
    finding_rows,
    to_csv,
)

COHORT_NAME = "cohort.csv"
FINDINGS_NAME = "findings.csv"


@dataclass(frozen=True)
class TableFiles:
    """The two tables written, and how many rows each has."""

    cohort: Path
    findings: Path
    assessments: int
    finding_rows: int


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)


def write_tables(
    out_dir: Path,
    stored: Sequence[StoredAssessment],
    lead: Mapping[int, Mapping[str, Any]] | None = None,
) -> TableFiles:
    """Write both tables for ``stored`` (in that order) into ``out_dir``.

    ``lead`` adds columns in front of an assessment's rows in both tables, by assessment id (a
    batch adds the manifest ``line``); every assessment must then have the same ones.
    """
    lead = lead or {}
    first = list(next(iter(lead.values()), {}).keys())
    table = [{**lead.get(s.assessment_id, {}), **assessment_row(s)} for s in stored]
    findings = [{**lead.get(s.assessment_id, {}), **f} for s in stored for f in finding_rows(s)]
    out_dir.mkdir(parents=True, exist_ok=True)
    cohort = out_dir / COHORT_NAME
    finding_file = out_dir / FINDINGS_NAME
    _atomic_write(cohort, to_csv(table, columns_of(table, [*first, *FIXED_COLUMNS])))
    _atomic_write(finding_file, to_csv(findings, [*first, *FINDING_COLUMNS]))
    return TableFiles(cohort, finding_file, len(table), len(findings))
