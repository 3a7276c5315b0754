"""The batch manifest: one CSV row per assessment, read and checked before anything runs.

Columns (a header row names them; only ``runner`` is required, the rest may be left empty):

=============  ==========================================================================
``runner``     the runner's name; a runner not yet stored is added (with the two below)
``height_cm``  standing height in cm (scales the video metrics); stored for a new runner
``birth_year`` year of birth (age-related triage questions); stored for a new runner
``date``       the day of the assessment (YYYY-MM-DD; default: today), for the check-in's
               dates and the program's start
``side``       side-view video
``rear``       rear-view video
``activities`` activity files, folders or exports, several separated by ``;``
``checkin``    check-in answers (.yaml/.yml/.json, as ``backstride checkin --from`` reads)
=============  ==========================================================================

Paths are relative to the manifest's folder unless absolute (``~`` is expanded). The file is
UTF-8 CSV; a header separated by semicolons or tabs (as some spreadsheets save) is read too, and
a cell holding the separator is quoted, as spreadsheets do. Rows of one
runner are assessed in date order (then file order), so each re-test is compared with the one
before it. Every row needs at least one input.

Checking is in two steps, both before anything is stored: `read_manifest` (the file itself:
columns, values, dates) and `check_inputs` (each input file exists and can be read, each
check-in is complete). Every problem found is listed in one `ManifestError`, by line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from backstride.errors import BackstrideError, InputError

#: The manifest's columns, in the order the docs list them.
COLUMNS = (
    "runner",
    "height_cm",
    "birth_year",
    "date",
    "side",
    "rear",
    "activities",
    "checkin",
)
#: Separator of several activity paths in one cell.
PATH_SEPARATOR = ";"
#: How many problems one error message lists before saying how many more there are.
MAX_LISTED = 12
#: Heights and birth years outside these are typing mistakes (as for `runner add`).
HEIGHT_RANGE_CM = (100.0, 230.0)
FIRST_BIRTH_YEAR = 1900


class ManifestError(InputError):
    """The manifest or the files it names have problems; ``problems`` lists them by line."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = tuple(problems)
        listed = problems[:MAX_LISTED]
        more = len(problems) - len(listed)
        head = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        lines = "\n".join(f"  {p}" for p in listed)
        tail = f"\n  ... and {more} more" if more else ""
        super().__init__(
            f"{head}, nothing was run or stored:\n{lines}{tail}",
            path=path,
        )


@dataclass(frozen=True)
class ManifestRow:
    """One assessment to make. ``line`` is the row's line in the file (the header is line 1)."""

    line: int
    runner: str
    height_cm: float | None = None
    birth_year: int | None = None
    day: date | None = None
    side: Path | None = None
    rear: Path | None = None
    activities: tuple[Path, ...] = ()
    checkin: Path | None = None

    @property
    def has_input(self) -> bool:
        return any((self.side, self.rear, self.activities, self.checkin))


@dataclass(frozen=True)
class Manifest:
    """The manifest file and its rows, in file order."""

    path: Path
    rows: tuple[ManifestRow, ...]

    def runners(self) -> dict[str, list[ManifestRow]]:
        """Rows per runner, in the order they are assessed: by date, then by line."""
        groups: dict[str, list[ManifestRow]] = {}
        for row in self.rows:
            groups.setdefault(row.runner, []).append(row)
        for rows in groups.values():
            rows.sort(key=lambda r: (r.day or date.max, r.line))
        return groups


def _path(cell: str, base: Path) -> Path:
    path = Path(cell).expanduser()
    return path if path.is_absolute() else base / path


def _number(cell: str, column: str, kind: type[float] | type[int]) -> float | int:
    try:
        return kind(cell)
    except ValueError:
        noun = "a whole number" if kind is int else "a number"
        raise ValueError(f"{column} must be {noun}, got {cell!r}") from None


def _row(line: int, cells: Mapping[str, str], base: Path, today: date) -> ManifestRow:
    """One row from its cells (stripped, empty = not given); ValueError names the problem."""
    runner = " ".join(cells.get("runner", "").split())
    if not runner:
        raise ValueError("runner is empty")
    if len(runner) > 120:
        raise ValueError("runner is longer than 120 characters")
    height = cells.get("height_cm") or None
    height_cm = None if height is None else float(_number(height, "height_cm", float))
    lo, hi = HEIGHT_RANGE_CM
    if height_cm is not None and not lo <= height_cm <= hi:
        raise ValueError(f"height_cm must be between {lo:g} and {hi:g}, got {height_cm:g}")
    born = cells.get("birth_year") or None
    birth_year = None if born is None else int(_number(born, "birth_year", int))
    if birth_year is not None and not FIRST_BIRTH_YEAR <= birth_year <= today.year:
        raise ValueError(f"birth_year must be between {FIRST_BIRTH_YEAR} and {today.year}")
    day_cell = cells.get("date") or None
    try:
        day = None if day_cell is None else date.fromisoformat(day_cell)
    except ValueError:
        raise ValueError(f"date must be YYYY-MM-DD, got {day_cell!r}") from None
    if day is not None and day > today:
        raise ValueError(f"date {day} is in the future")
    side, rear, checkin = (
        _path(cells[c], base) if cells.get(c) else None for c in ("side", "rear", "checkin")
    )
    activities = tuple(
        _path(p.strip(), base)
        for p in (cells.get("activities") or "").split(PATH_SEPARATOR)
        if p.strip()
    )
    row = ManifestRow(line, runner, height_cm, birth_year, day, side, rear, activities, checkin)
    if not row.has_input:
        raise ValueError("no input: give at least one of side, rear, activities, checkin")
    if side is not None and side == rear:
        raise ValueError("the same file is given as the side and the rear video")
    return row


def _delimiter(header: str) -> str:
    """The header's separator: comma, or the semicolon or tab some spreadsheets write.

    Examples
    --------
    >>> _delimiter("runner,side"), _delimiter("runner;side;checkin"), _delimiter("runner")
    (',', ';', ',')
    """
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_manifest(path: Path, *, today: date | None = None) -> Manifest:
    """Read and check the manifest file itself (not yet the files it names).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "m.csv").write_text("runner,checkin\\nAna K,ana.yaml\\n")
    >>> [(r.line, r.runner, r.checkin.name) for r in read_manifest(folder / "m.csv").rows]
    [(2, 'Ana K', 'ana.yaml')]
    """
    today = today or date.today()
    if not path.exists():
        raise InputError("manifest not found", path=path)
    if path.is_dir():
        raise InputError("is a folder; give the manifest CSV file", path=path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(
            "is not UTF-8 text; save the manifest as CSV in UTF-8 (Excel: 'CSV UTF-8')",
            path=path,
        ) from None
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise InputError("is empty; the first line must name the columns", path=path)
    reader = csv.reader(lines, delimiter=_delimiter(next(line for line in lines if line.strip())))
    header = [h.strip().lower() for h in next(reader)]
    unknown = [h for h in header if h not in COLUMNS]
    problems: list[str] = []
    if unknown:
        problems.append(
            f"line 1: unknown column(s) {', '.join(map(repr, unknown))}; "
            f"the columns are {', '.join(COLUMNS)}"
        )
    if "runner" not in header:
        problems.append("line 1: no 'runner' column")
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        problems.append(f"line 1: column(s) named twice: {', '.join(repeated)}")
    if problems:
        raise ManifestError(path, problems)
    rows: list[ManifestRow] = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue  # blank lines are allowed
        if len(cells) > len(header):
            problems.append(f"line {number}: {len(cells)} cells for {len(header)} columns")
            continue
        named = {h: c.strip() for h, c in zip(header, cells, strict=False)}
        try:
            rows.append(_row(number, named, path.parent, today))
        except ValueError as exc:
            problems.append(f"line {number}: {exc}")
    if not rows and not problems:
        problems.append("no rows: add one line per assessment under the header")
    if problems:
        raise ManifestError(path, problems)
    return Manifest(path=path, rows=tuple(rows))


RowCheck = Callable[[ManifestRow], None]


def check_inputs(
    manifest: Manifest,
    check: RowCheck,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """Run ``check`` on every row and raise one `ManifestError` listing every problem.

    ``check`` raises a `BackstrideError` naming the file and what is wrong with it (the
    service's own input checks, so a row passes here exactly when the assessment accepts it).
    """
    problems: list[str] = []
    rows = manifest.rows
    for i, row in enumerate(rows):
        try:
            check(row)
        except BackstrideError as exc:
            problems.append(f"line {row.line} ({row.runner}): {exc}")
        if progress is not None:
            progress(i + 1, len(rows))
    if problems:
        raise ManifestError(manifest.path, problems)
