"""A batch's results file (``batch.csv``: one line per manifest row, what became of it) and
the fingerprint that tells a row already done from a changed one."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Literal

from backstride.batch.manifest import ManifestRow
from backstride.errors import InputError

Status = Literal["done", "referral", "failed", "skipped"]
#: The results file in the output folder.
RESULTS_NAME = "batch.csv"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class RowResult:
    """What became of one manifest row.

    ``status``: ``done`` (assessed), ``referral`` (triage sent the runner to a clinician: the
    referral is stored and nothing else was analysed), ``failed`` (``message`` says why; nothing
    was stored for the row) or ``skipped`` (assessed by an earlier run with the same inputs).
    ``fingerprint`` is the sha256 of the row's values and its input files' content.
    """

    line: int
    runner: str
    date: str
    status: Status
    assessment_id: int | None = None
    tier: str | None = None
    findings: int | None = None
    report: str = ""
    seconds: float = 0.0
    message: str = ""
    fingerprint: str = ""

    @property
    def stored(self) -> bool:
        return self.assessment_id is not None


def _hash_file(update: Callable[[bytes], object], path: Path) -> None:
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            update(chunk)


def fingerprint(row: ManifestRow) -> str:
    """sha256 of the row's values and the content of every input file (folders: every file in
    them, by relative path), so an edited check-in or a replaced video runs the row again.

    Paths themselves are not part of it: moving the whole cohort to another disk keeps it.
    """
    digest = hashlib.sha256()
    for value in (row.runner, row.height_cm, row.birth_year, row.day):
        digest.update(f"{value!r}\0".encode())
    for role, path in (("side", row.side), ("rear", row.rear), ("checkin", row.checkin)):
        digest.update(f"{role}\0".encode())
        if path is not None:
            _hash_file(digest.update, path)
    for path in row.activities:
        digest.update(b"activities\0")
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(f"{file.relative_to(path) if path.is_dir() else ''}\0".encode())
            _hash_file(digest.update, file)
    return digest.hexdigest()


_FIELDS = [f.name for f in fields(RowResult)]


def write_results(path: Path, results: list[RowResult]) -> None:
    """Write ``batch.csv`` atomically (a temporary file renamed into place), in line order."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in sorted(results, key=lambda r: r.line):
        row = asdict(r)
        row["seconds"] = f"{r.seconds:.1f}"
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".batch-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(buffer.getvalue())
        Path(tmp).replace(path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _optional_int(cell: str) -> int | None:
    return int(cell) if cell else None


def read_results(path: Path) -> list[RowResult]:
    """The results of an earlier run (none when the file does not exist)."""
    if not path.exists():
        return []
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            if reader.fieldnames is None or set(reader.fieldnames) != set(_FIELDS):
                raise ValueError("its columns are not those backstride writes")
            return [
                RowResult(
                    line=int(c["line"]),
                    runner=c["runner"],
                    date=c["date"],
                    status=c["status"],  # type: ignore[arg-type]
                    assessment_id=_optional_int(c["assessment_id"]),
                    tier=c["tier"] or None,
                    findings=_optional_int(c["findings"]),
                    report=c["report"],
                    seconds=float(c["seconds"] or 0),
                    message=c["message"],
                    fingerprint=c["fingerprint"],
                )
                for c in reader
            ]
    except (ValueError, KeyError, csv.Error) as exc:
        raise InputError(
            f"the results of an earlier batch cannot be read ({exc}); move it away to start over",
            path=path,
        ) from None
