"""The batch manifest: what it accepts, and every problem named by line before anything runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from backstride.batch.manifest import (
    MAX_LISTED,
    ManifestError,
    ManifestRow,
    check_inputs,
    read_manifest,
)
from backstride.errors import InputError

TODAY = date(2026, 6, 1)


def write(folder: Path, text: str, name: str = "m.csv", encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def test_rows_paths_and_defaults(tmp_path: Path) -> None:
    m = write(
        tmp_path,
        "\ufeffRunner, height_cm ,birth_year,date,side,rear,activities,checkin\n"
        "Ana  K,168,1985,2026-05-20,v/side.mp4,,runs/a.fit; runs/b.gpx ,ana.yaml\n"
        "\n"
        "Ben,,,,,/abs/rear.mp4,,\n",
    )
    rows = read_manifest(m, today=TODAY).rows
    assert [r.line for r in rows] == [2, 4]  # the blank line is skipped, lines keep counting
    ana, ben = rows
    assert ana.runner == "Ana K"  # spaces collapsed, as runner names are stored
    assert (ana.height_cm, ana.birth_year, ana.day) == (168.0, 1985, date(2026, 5, 20))
    assert ana.side == tmp_path / "v" / "side.mp4"  # relative to the manifest
    assert ana.activities == (tmp_path / "runs" / "a.fit", tmp_path / "runs" / "b.gpx")
    assert ana.checkin == tmp_path / "ana.yaml"
    assert (ben.rear, ben.side, ben.day, ben.height_cm) == (Path("/abs/rear.mp4"), None, None, None)


def test_a_spreadsheet_saved_with_semicolons(tmp_path: Path) -> None:
    m = write(tmp_path, 'runner;height_cm;activities\nAna K;168;"a.fit;b.gpx"\n')
    (row,) = read_manifest(m, today=TODAY).rows
    assert (row.height_cm, row.activities) == (168.0, (tmp_path / "a.fit", tmp_path / "b.gpx"))


def test_rows_of_a_runner_run_in_date_order(tmp_path: Path) -> None:
    m = write(
        tmp_path,
        "runner,date,checkin\n"
        "Ana,2026-05-20,c.yaml\nBen,,c.yaml\nAna,2026-04-01,c.yaml\nAna,,c.yaml\n",
    )
    groups = read_manifest(m, today=TODAY).runners()
    assert list(groups) == ["Ana", "Ben"]
    assert [r.line for r in groups["Ana"]] == [4, 2, 5]  # dated first by date, undated last


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("runner,hieght_cm\nAna,170\n", "line 1: unknown column(s) 'hieght_cm'"),
        ("side,checkin\na.mp4,c.yaml\n", "line 1: no 'runner' column"),
        ("runner,side,side\nAna,a,b\n", "line 1: column(s) named twice: side"),
        ("runner,side\n,a.mp4\n", "line 2: runner is empty"),
        ("runner,side\nAna,a.mp4,extra\n", "line 2: 3 cells for 2 columns"),
        ("runner,height_cm,side\nAna,17,a.mp4\n", "line 2: height_cm must be between 100"),
        ("runner,height_cm,side\nAna,tall,a.mp4\n", "line 2: height_cm must be a number"),
        ("runner,birth_year,side\nAna,85,a.mp4\n", "line 2: birth_year must be between 1900"),
        ("runner,date,side\nAna,01/05/2026,a.mp4\n", "line 2: date must be YYYY-MM-DD"),
        ("runner,date,side\nAna,2026-07-01,a.mp4\n", "line 2: date 2026-07-01 is in the future"),
        ("runner,side\nAna,\n", "line 2: no input"),
        ("runner,side,rear\nAna,a.mp4,a.mp4\n", "line 2: the same file is given as the side"),
        ("runner,side\n", "no rows"),
    ],
)
def test_each_problem_is_named_by_line(tmp_path: Path, text: str, problem: str) -> None:
    m = write(tmp_path, text)
    with pytest.raises(ManifestError) as err:
        read_manifest(m, today=TODAY)
    message = str(err.value)
    assert message.startswith(f"{m}: 1 problem, nothing was run or stored")
    assert problem in message
    assert err.value.exit_code == 2


def test_every_problem_is_listed_up_to_a_limit(tmp_path: Path) -> None:
    m = write(tmp_path, "runner,side\n" + ",a.mp4\n" * (MAX_LISTED + 3))
    with pytest.raises(ManifestError) as err:
        read_manifest(m, today=TODAY)
    assert len(err.value.problems) == MAX_LISTED + 3
    message = str(err.value)
    assert f"{MAX_LISTED + 3} problems" in message and "... and 3 more" in message
    assert message.count("runner is empty") == MAX_LISTED


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        (lambda p: p / "none.csv", "manifest not found"),
        (lambda p: p, "is a folder"),
        (lambda p: write(p, ""), "is empty"),
        (lambda p: write(p, "runner,side\nAna,ä.mp4\n", encoding="latin-1"), "CSV UTF-8"),
    ],
)
def test_unreadable_manifests(tmp_path: Path, make: Callable[[Path], Path], problem: str) -> None:
    with pytest.raises(InputError, match=problem):
        read_manifest(make(tmp_path), today=TODAY)


def test_check_inputs_lists_every_failing_row(tmp_path: Path) -> None:
    m = write(tmp_path, "runner,side\nAna,a.mp4\nBen,b.mp4\nCai,c.mp4\n")
    manifest = read_manifest(m, today=TODAY)
    seen: list[tuple[int, int]] = []

    def check(row: ManifestRow) -> None:
        if row.runner != "Ben":
            raise InputError("file not found", path=row.side)

    with pytest.raises(ManifestError) as err:
        check_inputs(manifest, check, progress=lambda d, t: seen.append((d, t)))
    assert err.value.problems == (
        f"line 2 (Ana): {tmp_path / 'a.mp4'}: file not found",
        f"line 4 (Cai): {tmp_path / 'c.mp4'}: file not found",
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]
