"""Jobs end to end: uploads become jobs, the worker runs them through the real stages, the page
shows their progress and result; a failed job shows the command line's message for the same
file; a worker killed mid-job loses nothing: after a restart the job runs again and finishes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from backstride.store import Database
from backstride.store.tables import Artifact, Assessment
from backstride.store.web_tables import Job
from backstride.synth.render import ClipSpec, RenderedClip
from backstride.web.worker import Worker
from tests.web.conftest import Browser, Clinic, upload
from tests.web.test_uploads import tiny_video

CUT_GPX = b'<?xml version="1.0"?>\n<gpx version="1.1"><trk><trkseg><trkpt lat="46.1" lon='
SMALL_CLIP = ClipSpec(width=960, height=540, duration_s=3.0)  # shared with the video tests' cache


def submit(b: Browser, runner_id: int, files: list) -> int:
    """Upload, skip the check-in, submit; return the id of the first job."""
    sent = upload(b, runner_id, files)
    assert sent.status_code == 303, sent.text
    base = sent.headers["location"].removesuffix("/checkin")
    b.post(base + "/skip-checkin", {}, page=sent.headers["location"])
    done = b.post(base + "/submit", {}, page=base, follow_redirects=False)
    assert done.status_code == 303
    with_job = b.get(f"/runners/{runner_id}")
    assert "data-job-url" in with_job.text
    return int(with_job.text.split('data-job-url="')[1].split("/jobs/")[1].split(".json")[0])


def job_row(db: Database, job_id: int) -> Job:
    with db.session() as s:
        job = s.get_one(Job, job_id)
        s.expunge(job)
        return job


def worker(db: Database, tmp_path: Path) -> Worker:
    return Worker(db, work_root=tmp_path / "jobs", lease_s=30, heartbeat_s=1, poll_s=0.05)


def test_assessment_job_with_activity_files(
    clinic: Clinic, db: Database, tmp_path: Path, fixtures_dir: Path
) -> None:
    b, ana = clinic.clinician, clinic.runners["Ana K"]
    files = [
        ("activities", (p.name, p.read_bytes(), "application/octet-stream"))
        for p in (
            fixtures_dir / "fit" / "garmin-fenix-5-run.fit",
            fixtures_dir / "tcx" / "polar-m400-run-3173437224.tcx",
            fixtures_dir / "fit" / "garmin-fenix-5-bike.fit",  # a ride: stored, not counted
        )
    ]
    job_id = submit(b, ana, files)
    status = b.get(f"/runners/{ana}/jobs/{job_id}.json").json()
    assert (status["status"], status["percent"], status["title"]) == ("queued", 0, "Assessment")
    assert worker(db, tmp_path).run_one()
    status = b.get(f"/runners/{ana}/jobs/{job_id}.json").json()
    assert status["status"] == "done" and status["percent"] == 100, status
    result = job_row(db, job_id).result or {}
    assert status["result_url"] == f"/runners/{ana}/results/{result['assessment_id']}"
    with db.session() as s:
        row = s.get_one(Assessment, result["assessment_id"])
        training = s.get_one(Assessment, row.summary["stages"]["training"])
        assert (row.kind, training.kind) == ("assessment", "training")
        assert training.summary["history"]["activities"] == 3  # the ride is kept, not counted
        assert row.summary["stages"]["program"] is None  # no check-in: no program
        assert {m["input"] for m in row.summary["missing"]} == {
            "side_video",
            "rear_video",
            "checkin",
        }
    page = b.get(status["result_url"])
    assert page.status_code == 200 and "Assessment for Ana K" in page.text
    report = b.get(status["result_url"] + "/report")
    assert report.status_code == 200 and 'id="training"' in report.text
    assert report.headers["content-security-policy"].startswith("default-src 'none'")
    runner_page = b.get(f"/runners/{ana}").text
    assert "Weekly running distance" in runner_page and "<svg" in runner_page
    assert not (tmp_path / "jobs" / f"job-{job_id}-1").exists()  # the work folder is cleaned up


def run_here(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``backstride ARGS`` run in ``folder`` (its own data directory), as a user would."""
    env = {**os.environ, "BACKSTRIDE_HOME": str(folder / "cli-home"), "COLUMNS": "300"}
    env.pop("BACKSTRIDE_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "backstride", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def test_failed_import_shows_the_command_line_message(
    clinic: Clinic, db: Database, tmp_path: Path
) -> None:
    b, ana = clinic.clinician, clinic.runners["Ana K"]
    job_id = submit(b, ana, [("activities", ("cut.gpx", CUT_GPX, "application/gpx+xml"))])
    assert worker(db, tmp_path).run_one()
    job = job_row(db, job_id)
    assert (job.status, job.attempts) == ("failed", 1)  # bad input is not retried
    # the same file through the command line, run in the file's folder
    (tmp_path / "cut.gpx").write_bytes(CUT_GPX)
    assert run_here(tmp_path, "runner", "add", "Zoe").returncode == 0
    r = run_here(tmp_path, "assess", "--runner", "Zoe", "--activities", "cut.gpx")
    assert r.returncode == 2
    error = r.stderr.strip().removeprefix("error: ")
    assert job.message == error
    shown = b.get(f"/runners/{ana}/jobs/{job_id}").text
    assert "cut.gpx: holds no track points before the damage" in shown


@pytest.mark.slow
def test_failed_video_shows_the_command_line_message(
    clinic: Clinic, db: Database, tmp_path: Path
) -> None:
    b, ana = clinic.clinician, clinic.runners["Ana K"]
    video = tiny_video("mp4")  # grey frames: nobody to find
    job_id = submit(b, ana, [("side_video", ("gray.mp4", video, "video/mp4"))])
    assert worker(db, tmp_path).run_one()
    job = job_row(db, job_id)
    (tmp_path / "gray.mp4").write_bytes(video)
    r = run_here(tmp_path, "video", "analyze", "gray.mp4", "--out", "o")
    assert r.returncode == 2
    assert job.status == "failed"
    # the pose model's own log lines (from worker processes) may share stderr with our line
    printed = re.findall(r"error: (gray\.mp4: .*)", r.stderr)
    assert printed, r.stderr
    assert job.message == printed[-1]
    assert (job.message or "").startswith("gray.mp4: no runner was found")


def _wait(db: Database, job_id: int, ok: Callable[[Job], bool], timeout_s: float) -> Job:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = job_row(db, job_id)
        if ok(job):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} never got there: {job_row(db, job_id).__dict__}")


def _worker_process(db_url: str, home: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "BACKSTRIDE_HOME": str(home), "BACKSTRIDE_DB": db_url}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "backstride",
            "worker",
            "--lease-s",
            "4",
            "--heartbeat-s",
            "1",
            "--poll-s",
            "0.2",
            *extra,
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_a_job_killed_mid_run_resumes_after_restart_with_nothing_lost(
    clinic: Clinic,
    db: Database,
    db_url: str,
    home: Path,
    synth_clip: Callable[[ClipSpec], RenderedClip],
) -> None:
    b, ana = clinic.clinician, clinic.runners["Ana K"]
    clip = synth_clip(SMALL_CLIP)
    job_id = submit(b, ana, [("side_video", ("side.mp4", clip.path.read_bytes(), "video/mp4"))])
    with db.session() as s:
        [uploaded] = s.scalars(sa.select(Artifact.sha256).where(Artifact.runner_id == ana))
    first = _worker_process(db_url, home)
    try:
        running = _wait(
            db,
            job_id,
            lambda j: (j.progress_stage or "").startswith("side video") and j.progress_done > 0,
            120,
        )
        assert (running.status, running.progress_stage) == (
            "running",
            "side video: finding the runner",
        )
        first.send_signal(signal.SIGKILL)  # no goodbye: the lease just stops being renewed
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    orphan = job_row(db, job_id)
    assert (orphan.status, orphan.attempts) == ("running", 1)
    time.sleep(4.5)  # the dead worker's lease runs out
    second = _worker_process(db_url, home, "--once")
    assert second.wait(300) == 0
    done = job_row(db, job_id)
    assert (done.status, done.attempts) == ("done", 2), done.message
    with db.session() as s:
        made = s.get_one(Assessment, (done.result or {})["assessment_id"])
        gait = list(
            s.scalars(
                sa.select(Assessment).where(Assessment.runner_id == ana, Assessment.kind == "gait")
            )
        )
        assert [g.id for g in gait] == [made.summary["stages"]["gait"]]  # stored once
        assert abs(gait[0].summary["metrics"]["cadence_spm"] - 170) < 3  # the clip's truth
        hashes = set(s.scalars(sa.select(Artifact.sha256).where(Artifact.runner_id == ana)))
    assert uploaded in hashes and (home / "artifacts" / uploaded[:2] / uploaded).exists()
    page = b.get(f"/runners/{ana}/jobs/{job_id}").text
    assert "Open the result" in page


@pytest.mark.slow
def test_side_and_rear_videos_are_one_combined_analysis(
    clinic: Clinic, db: Database, tmp_path: Path, synth_clip: Callable[[ClipSpec], RenderedClip]
) -> None:
    from tests.video.test_rear_cli import REAR, SIDE  # the rear tests' clips (rendered once)

    b, ana = clinic.clinician, clinic.runners["Ana K"]
    side, rear = synth_clip(SIDE), synth_clip(REAR)
    job_id = submit(
        b,
        ana,
        [
            ("side_video", ("side.mp4", side.path.read_bytes(), "video/mp4")),
            ("rear_video", ("rear.mp4", rear.path.read_bytes(), "video/mp4")),
        ],
    )
    assert worker(db, tmp_path).run_one()
    job = job_row(db, job_id)
    assert job.status == "done", job.message
    with db.session() as s:
        made = s.get_one(Assessment, (job.result or {})["assessment_id"])
        gait = s.get_one(Assessment, made.summary["stages"]["gait"])
        kinds = set(s.scalars(sa.select(Artifact.kind).where(Artifact.assessment_id == gait.id)))
    assert gait.summary["view"] == "side+rear"
    assert gait.summary["metrics"]["pelvic_drop_deg"] == pytest.approx(9.5, abs=2.0)  # the truth
    assert {"side_video", "rear_video"} <= kinds
    page = b.get(f"/runners/{ana}").text
    assert "Pelvic drop" in page and "Cadence" in page
    result = b.get(f"/runners/{ana}/results/{gait.id}").text
    assert "pelvic_drop_deg" in result
