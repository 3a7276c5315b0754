"""Hostile and unusual inputs: each one gets its own clear reason and the rest carries on."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pytest

from backstride.errors import InputError
from backstride.training.ingest.pipeline import ImportReport, run_import
from backstride.training.ingest.results import FileResult, Outcome, Saved
from backstride.training.ingest.sources import MAX_FILE_BYTES, collect

GOOD_GPX = """<?xml version="1.0"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
<trk><type>running</type><trkseg>
<trkpt lat="46.0500000" lon="14.5000000"><ele>300</ele><time>2025-03-04T06:00:00Z</time></trkpt>
<trkpt lat="46.0510000" lon="14.5000000"><ele>301</ele><time>2025-03-04T06:00:40Z</time></trkpt>
<trkpt lat="46.0520000" lon="14.5000000"><ele>302</ele><time>2025-03-04T06:01:20Z</time></trkpt>
</trkseg></trk></gpx>
"""
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&d;</name></trk></gpx>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE gpx [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>&x;</name></trk></gpx>
"""


def parse_all_in_memory(paths: list[Path]) -> tuple[ImportReport, list[FileResult]]:
    """Run the real import with a save that keeps results in memory."""
    saved: list[FileResult] = []

    def save(result: FileResult) -> Saved:
        saved.append(result)
        running = any(s.activity.counts_as_running for s in result.sessions)
        return Saved(Outcome.IMPORTED if running else Outcome.SKIPPED, "not running")

    return run_import(paths, known_hashes=set(), save=save, tz="UTC", jobs=1), saved


def reasons(report: ImportReport) -> dict[str, str]:
    return {
        Path(d.split("!")[0]).name + ("!" + d.split("!", 1)[1] if "!" in d else ""): r
        for d, r in report.failed
    }


def zip_bomb(path: Path, *, inner: str = "run.gpx", size: int = 50 * 2**20) -> None:
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf,
        zf.open(inner, "w") as entry,
    ):
        chunk = b"\0" * 2**20
        for _ in range(size // len(chunk)):
            entry.write(chunk)


def test_a_zip_bomb_is_refused_without_expanding_it(tmp_path: Path) -> None:
    zip_bomb(tmp_path / "bomb.zip")
    assert (tmp_path / "bomb.zip").stat().st_size < 200_000
    report, _ = parse_all_in_memory([tmp_path / "bomb.zip"])
    assert "zip bomb" in reasons(report)["bomb.zip!run.gpx"]


def test_a_gzip_bomb_is_refused(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "run.gpx.gz", "wb") as out:
        out.write(b"\0" * 20 * 2**20)
    report, _ = parse_all_in_memory([tmp_path / "run.gpx.gz"])
    assert "zip bomb" in reasons(report)["run.gpx.gz"]


def test_path_traversal_entries_are_reported_and_never_written(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../escaped.gpx", GOOD_GPX)
        zf.writestr("/abs/escaped2.gpx", GOOD_GPX)
        zf.writestr("ok/run.gpx", GOOD_GPX)
    report, _ = parse_all_in_memory([archive])
    why = reasons(report)
    assert "climbs out of the archive" in why["evil.zip!../../escaped.gpx"]
    assert "climbs out of the archive" in why["evil.zip!/abs/escaped2.gpx"]
    assert report.imported == [f"{archive}!ok/run.gpx"]
    assert not list(tmp_path.parent.rglob("escaped*.gpx"))


@pytest.mark.parametrize(
    ("text", "words"),
    [(BILLION_LAUGHS, "entity-expansion attack"), (EXTERNAL_ENTITY, "external references")],
)
def test_xml_entities_are_refused(tmp_path: Path, text: str, words: str) -> None:
    (tmp_path / "attack.gpx").write_text(text)
    report, _ = parse_all_in_memory([tmp_path / "attack.gpx"])
    assert words in reasons(report)["attack.gpx"]


def test_a_huge_file_is_refused_from_its_size(tmp_path: Path) -> None:
    huge = tmp_path / "huge.fit"
    with huge.open("wb") as out:  # sparse: 2 GB on paper, nothing on disk
        out.seek(2 * 2**30 - 1)
        out.write(b"\0")
    report, _ = parse_all_in_memory([huge])
    assert reasons(report)["huge.fit"] == (
        f"the file is 2.0 GB, larger than the {MAX_FILE_BYTES // 2**20}.0 MB an activity file "
        "can be: refused without reading it"
    )


def test_empty_truncated_corrupt_and_unsupported(tmp_path: Path) -> None:
    (tmp_path / "empty.gpx").write_bytes(b"")
    (tmp_path / "cut.gpx").write_text(GOOD_GPX[: GOOD_GPX.index("<trkpt")])
    (tmp_path / "garbage.fit").write_bytes(b"this is not a fit file at all" * 10)
    (tmp_path / "page.tcx").write_text("<html><body>Sign in</body></html>")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 not really")
    (tmp_path / "good.gpx").write_text(GOOD_GPX)
    paths = sorted(tmp_path.iterdir())
    report, _ = parse_all_in_memory(paths)
    why = reasons(report)
    assert why["empty.gpx"] == "the file is empty"
    assert "holds no track points before the damage" in why["cut.gpx"]
    assert why["garbage.fit"] == "is not a FIT file (no valid FIT header)"
    assert why["page.tcx"] == "is not a TCX file (its first element is <html>)"
    assert why["notes.docx"].startswith("unsupported format .docx: backstride reads .fit, .gpx")
    assert report.imported == [str(tmp_path / "good.gpx")]


def test_a_gpx_cut_mid_track_keeps_the_points_before_the_break(tmp_path: Path) -> None:
    text = GOOD_GPX[: GOOD_GPX.rindex("<trkpt")] + "<trkpt lat="
    (tmp_path / "cut.gpx").write_text(text)
    report, results = parse_all_in_memory([tmp_path / "cut.gpx"])
    assert report.imported and results[0].sessions[0].activity.samples == 2
    assert any("breaks off" in w for _, w in report.warnings)


def test_a_garmin_export_of_nested_zips(tmp_path: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("run_1.gpx", GOOD_GPX)
        zf.writestr("run_2.gpx", GOOD_GPX.replace("2025-03-04", "2025-03-05"))
    outer = tmp_path / "garmin-export.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("DI_CONNECT/DI-Connect-Fitness/profile.json", "{}")
        zf.writestr(
            "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip", inner.getvalue()
        )
    report, _ = parse_all_in_memory([outer])
    assert len(report.imported) == 2 and report.ignored == 1 and not report.failed


def test_nesting_is_limited(tmp_path: Path) -> None:
    data = GOOD_GPX.encode()
    name = "run.gpx"
    for depth in range(5):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr(name, data)
        data, name = buffer.getvalue(), f"level{depth}.zip"
    (tmp_path / "deep.zip").write_bytes(data)
    report, _ = parse_all_in_memory([tmp_path / "deep.zip"])
    assert not report.imported
    assert any("nested more than 3 deep" in r for _, r in report.failed)


def test_a_strava_export_uses_its_activity_list(tmp_path: Path) -> None:
    export = tmp_path / "export_123"
    (export / "activities").mkdir(parents=True)
    untyped = GOOD_GPX.replace("<type>running</type>", "")
    with gzip.open(export / "activities" / "111.gpx.gz", "wt") as out:
        out.write(untyped.replace("14.5000000", "14.6000000"))
    (export / "activities" / "222.gpx").write_text(untyped.replace("2025-03-04", "2025-03-06"))
    (export / "activities.csv").write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Distance,Filename,Distance,"
        "Activity Gear\n"
        "111,x,Morning Walk,Walk,1.1,activities/111.gpx.gz,1100,\n"
        "222,x,Easy run,Run,2.2,activities/222.gpx,2200,Pegasus 40\n"
    )
    _, results = parse_all_in_memory([export])
    by_name = {Path(r.source.display).name: r.sessions[0].activity for r in results}
    assert by_name["111.gpx.gz"].sport.value == "walking"
    assert by_name["111.gpx.gz"].name == "Morning Walk"
    assert by_name["222.gpx"].sport.value == "running" and by_name["222.gpx"].gear == "Pegasus 40"
    assert by_name["222.gpx"].sport_source.value == "export"


def test_the_same_content_twice_is_parsed_once(tmp_path: Path) -> None:
    (tmp_path / "a.gpx").write_text(GOOD_GPX)
    (tmp_path / "b.gpx").write_text(GOOD_GPX)
    with gzip.open(tmp_path / "c.gpx.gz", "wt") as out:
        out.write(GOOD_GPX)
    report, results = parse_all_in_memory([tmp_path])
    assert len(results) == 1 and len(report.known) == 2


def test_a_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        collect([tmp_path / "nope"], tmp_path)


def test_hidden_files_and_macos_resource_forks_are_ignored(tmp_path: Path) -> None:
    (tmp_path / ".complete").write_text("marker")
    (tmp_path / "._run.fit").write_bytes(b"\x00\x05\x16\x07 AppleDouble")
    archive = tmp_path / "mac.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("run.gpx", GOOD_GPX)
        zf.writestr("__MACOSX/._run.gpx", b"\x00\x05\x16\x07")
    report, _ = parse_all_in_memory([tmp_path])
    assert report.imported == [f"{archive}!run.gpx"]
    assert report.ignored == 3 and not report.failed
