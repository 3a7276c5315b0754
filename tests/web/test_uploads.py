"""Uploads: real files of every accepted type are recognised by content; oversized and wrong-type
files are refused with one message naming the field and the file, and nothing is stored (no
artifact row, no blob, no temporary file)."""

from __future__ import annotations

import gzip
import hashlib
import io
import zipfile
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import sqlalchemy as sa

from backstride.store import Database
from backstride.store.tables import Artifact
from backstride.store.web_tables import Intake, IntakeFile
from backstride.web.settings import WebSettings
from backstride.web.sniff import sniff_activity, sniff_video
from tests.web.conftest import FAST_ARGON2, FIT_RUN, Clinic, upload

KIB = 1024


def tiny_video(fmt: str) -> bytes:
    """A real H.264 video of 10 small frames in an ``mp4`` or ``mov`` container."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format=fmt) as container:
        stream = container.add_stream("libx264", rate=Fraction(30))
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for i in range(10):
            frame = av.VideoFrame.from_ndarray(
                np.full((48, 64, 3), i * 20, dtype=np.uint8), format="rgb24"
            )
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return buffer.getvalue()


def activity_files(fixtures_dir: Path) -> dict[str, bytes]:
    fit = (fixtures_dir / "fit" / "fr935-run-4801048867.fit").read_bytes()
    gpx = (fixtures_dir / "gpx" / "korita-zbevnica.gpx").read_bytes()
    tcx = (fixtures_dir / "tcx" / "polar-m400-run-3173437224.tcx").read_bytes()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("export/run.fit", fit)
    return {
        "fit": fit,
        "gpx": gpx,
        "tcx": tcx,
        "fit.gz": gzip.compress(fit),
        "gpx.gz": gzip.compress(gpx),
        "tcx.gz": gzip.compress(tcx),
        "zip": archive.getvalue(),
    }


def test_real_files_are_recognised_by_their_content(fixtures_dir: Path) -> None:
    for expected, content in activity_files(fixtures_dir).items():
        assert sniff_activity(content[:4096]) == expected
        assert sniff_video(content[:4096]) is None
    for fmt in ("mp4", "mov"):
        video = tiny_video(fmt)
        assert sniff_video(video[:4096]) == fmt
        assert sniff_activity(video[:4096]) is None
    for other in (b"%PDF-1.7", b"\x89PNG\r\n\x1a\n", b"<html><body>", b"", gzip.compress(b"hi")):
        assert sniff_activity(other) is None and sniff_video(other) is None


def stored_state(db: Database, home: Path) -> tuple[int, int, list[Path]]:
    with db.session() as s:
        artifacts = int(s.scalar(sa.select(sa.func.count()).select_from(Artifact)) or 0)
        intakes = int(s.scalar(sa.select(sa.func.count()).select_from(Intake)) or 0)
    files = sorted(p for p in (home / "artifacts").rglob("*") if p.is_file())
    return artifacts, intakes, files


def test_a_good_upload_is_stored_content_addressed(
    clinic: Clinic, db: Database, home: Path, fixtures_dir: Path
) -> None:
    ana = clinic.runners["Ana K"]
    acts = activity_files(fixtures_dir)
    video = tiny_video("mov")
    response = upload(
        clinic.clinician,
        ana,
        [
            ("side_video", ("IMG_0001.MOV", video, "video/quicktime")),
            ("rear_video", ("", b"", "application/octet-stream")),  # no file chosen
            ("activities", ("run.fit", acts["fit"], "application/octet-stream")),
            ("activities", ("track.gpx.gz", acts["gpx.gz"], "application/gzip")),
            ("activities", ("export.zip", acts["zip"], "application/zip")),
        ],
        height_cm="181",
    )
    assert response.status_code == 303, response.text
    with db.session() as s:
        rows = s.execute(
            sa.select(
                IntakeFile.role,
                IntakeFile.format,
                Artifact.sha256,
                Artifact.media_type,
                Artifact.original_name,
                Artifact.size_bytes,
            )
            .join(Artifact, Artifact.id == IntakeFile.artifact_id)
            .order_by(IntakeFile.id)
        ).all()
        assert s.scalar(sa.select(Intake.height_cm)) == 181
    expected = [
        ("side_video", "mov", video, "video/quicktime", "IMG_0001.MOV"),
        ("activity", "fit", acts["fit"], "application/vnd.ant.fit", "run.fit"),
        ("activity", "gpx.gz", acts["gpx.gz"], "application/gzip", "track.gpx.gz"),
        ("activity", "zip", acts["zip"], "application/zip", "export.zip"),
    ]
    assert len(rows) == len(expected)
    for row, (role, fmt, content, media, name) in zip(rows, expected, strict=True):
        assert (row.role, row.format, row.media_type, row.original_name) == (role, fmt, media, name)
        assert row.sha256 == hashlib.sha256(content).hexdigest() and row.size_bytes == len(content)
        assert (home / "artifacts" / row.sha256[:2] / row.sha256).read_bytes() == content
    assert not list((home / "artifacts").glob(".incoming-*"))


@pytest.mark.parametrize(
    ("field", "name", "content", "status", "message"),
    [
        (
            "side_video",
            "run.mp4",
            b"%PDF-1.7 not a video" * 10,
            415,
            "Side video (run.mp4): is not an MP4 or MOV video: it looks like a PDF document",
        ),
        (
            "rear_video",
            "clip.mp4",
            b"\x89PNG\r\n\x1a\n" + b"0" * 100,
            415,
            "Rear video (clip.mp4): is not an MP4 or MOV video: it looks like a PNG image",
        ),
        (
            "activities",
            "run.fit",
            b"<html><body>hello</body></html>",
            415,
            "Activity files (run.fit): is not a FIT, GPX or TCX file (also .gz) or a ZIP export",
        ),
        (
            "activities",
            "empty.gpx",
            b"",
            415,
            "Activity files (empty.gpx): is not a FIT, GPX or TCX file (also .gz) or a ZIP export: "
            "it looks like an empty file",
        ),
    ],
)
def test_wrong_types_are_refused_and_nothing_is_stored(
    clinic: Clinic,
    db: Database,
    home: Path,
    field: str,
    name: str,
    content: bytes,
    status: int,
    message: str,
) -> None:
    ana = clinic.runners["Ana K"]
    before = stored_state(db, home)
    good = FIT_RUN.read_bytes() if FIT_RUN.exists() else b""
    files = [("activities", ("good.fit", good, "application/octet-stream"))] if good else []
    response = upload(clinic.clinician, ana, [*files, (field, (name, content, "video/mp4"))])
    assert response.status_code == status
    assert message in response.text
    assert stored_state(db, home) == before  # not even the good file of the same form


def test_oversized_files_are_refused_and_nothing_is_stored(
    clinic: Clinic, db: Database, home: Path, app
) -> None:
    app.state.settings = WebSettings(
        argon2=FAST_ARGON2,
        max_video_bytes=16 * KIB,
        max_activity_bytes=8 * KIB,
        max_request_bytes=200 * KIB,
    )
    ana = clinic.runners["Ana K"]
    before = stored_state(db, home)
    video = tiny_video("mp4")
    big_video = video + b"\0" * (16 * KIB)
    response = upload(clinic.clinician, ana, [("side_video", ("long.mp4", big_video, "video/mp4"))])
    assert response.status_code == 413
    assert "Side video (long.mp4): is larger than the limit of 0.01562 MiB" in response.text
    gpx = b'<?xml version="1.0"?><gpx version="1.1">' + b" " * (9 * KIB) + b"</gpx>"
    response = upload(clinic.clinician, ana, [("activities", ("big.gpx", gpx, "application/gpx"))])
    assert response.status_code == 413 and "Activity files (big.gpx): is larger" in response.text
    whole = [("activities", (f"{n}.gpx", gpx[: 7 * KIB], "x")) for n in range(40)]
    response = upload(clinic.clinician, ana, whole)
    assert response.status_code == 413 and "the upload is larger than the limit" in response.text
    assert stored_state(db, home) == before


def test_too_many_activity_files_are_refused(clinic: Clinic, db: Database, home: Path, app) -> None:
    app.state.settings = WebSettings(argon2=FAST_ARGON2, max_activity_files=2)
    gpx = b'<?xml version="1.0"?><gpx version="1.1"></gpx>'
    before = stored_state(db, home)
    files = [("activities", (f"{n}.gpx", gpx + bytes([n]), "x")) for n in range(3)]
    response = upload(clinic.clinician, clinic.runners["Ana K"], files)
    assert response.status_code == 400 and "at most 2 file(s) at a time" in response.text
    assert stored_state(db, home) == before


def test_bad_height_is_refused_with_the_field_named(
    clinic: Clinic, db: Database, home: Path
) -> None:
    before = stored_state(db, home)
    response = upload(
        clinic.clinician,
        clinic.runners["Ana K"],
        [("side_video", ("a.mp4", tiny_video("mp4"), "video/mp4"))],
        height_cm="17",
    )
    assert response.status_code == 400
    assert "height_cm: must be between 100 and 250, got 17" in response.text
    assert stored_state(db, home) == before


def test_the_same_file_twice_is_one_blob(clinic: Clinic, db: Database, home: Path) -> None:
    gpx = b'<?xml version="1.0"?><gpx version="1.1"><trk/></gpx>'
    for runner in ("Ana K", "Ben"):
        response = upload(
            clinic.clinician, clinic.runners[runner], [("activities", ("t.gpx", gpx, "x"))]
        )
        assert response.status_code == 303
    artifacts, intakes, files = stored_state(db, home)
    assert (artifacts, intakes, len(files)) == (2, 2, 1)


def test_a_store_that_fails_half_way_leaves_no_file(db: Database, home: Path) -> None:
    """The second of two files cannot be moved into the store (it vanished from the disk): the
    first, already moved into place, is removed again and no row is kept."""
    from backstride.store import BlobStore
    from backstride.store.runners import RunnerProfile, add_runner
    from backstride.store.web_accounts import create_clinic, create_user
    from backstride.web.guard import RunnerRef
    from backstride.web.routes.intakes import _store
    from backstride.web.uploads import StagedFile
    from backstride.web.visit import Viewer

    with db.session() as s:
        runner_id = add_runner(s, RunnerProfile(name="Ana")).id
        clinic = create_clinic(s, "North")
        user_id = create_user(
            s,
            email="x@example.org",
            display_name="X",
            password_hash="-",
            role="clinician",
            clinic_id=clinic.id,
        ).id
    blobs = BlobStore()
    staged = []
    for n in range(2):
        content = b'<?xml version="1.0"?><gpx version="1.1"><trk/></gpx>' + bytes([n])
        tmp = blobs.root / f".incoming-test-{n}"
        tmp.write_bytes(content)
        sha = hashlib.sha256(content).hexdigest()
        staged.append(StagedFile("activities", f"{n}.gpx", tmp, sha, len(content), "gpx"))
    staged[1].tmp_path.unlink()
    ref = RunnerRef(runner_id, "Ana", "Ana", None, None, None)
    who = Viewer(user_id, "x@example.org", "X", "clinician", False, clinic.id, None)
    with pytest.raises(FileNotFoundError):
        _store(db, blobs, ref, who, staged, None)
    assert stored_state(db, home) == (0, 0, [])
