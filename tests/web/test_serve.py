"""``backstride serve`` and ``backstride worker`` as a user runs them."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from backstride.store import Database
from backstride.store import jobs as queue
from backstride.store.runners import RunnerProfile, add_runner
from backstride.store.tables import Artifact
from backstride.store.web_tables import Job
from backstride.web.live import live_server
from tests.conftest import Run


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "example.org"])
def test_serve_refuses_plain_http_away_from_this_machine(cli: Run, host: str) -> None:
    r = cli("serve", "--host", host, "--workers", "0")
    assert r.returncode == 2
    assert f"--host {host} is not this machine: serve it over TLS" in r.stderr


def test_serve_needs_both_tls_files(cli: Run, tmp_path: Path) -> None:
    r = cli("serve", "--tls-certfile", str(tmp_path / "cert.pem"))
    assert r.returncode == 2 and "give both --tls-certfile and --tls-keyfile" in r.stderr


def test_worker_options_are_checked(cli: Run) -> None:
    r = cli("worker", "--lease-s", "5", "--heartbeat-s", "5")
    assert r.returncode == 2 and "--heartbeat-s must be shorter than --lease-s" in r.stderr


def _job_for_a_bad_file(db: Database, home: Path) -> int:
    """A training import job whose only file is a cut-off GPX (fails fast, with a message)."""
    from backstride.store import BlobStore, add_artifact

    path = home.parent / "cut.gpx"
    path.write_bytes(b'<?xml version="1.0"?>\n<gpx version="1.1"><trk><trkseg><trkpt lat=')
    with db.session() as s:
        runner = add_runner(s, RunnerProfile(name="Ana"))
        artifact = add_artifact(
            s,
            BlobStore(),
            runner_id=runner.id,
            source=path,
            kind="activity",
            media_type="application/gpx+xml",
        )
        payload = {"files": [{"artifact_id": artifact.id, "format": "gpx"}]}
        return queue.enqueue(s, "training_import", payload, runner_id=runner.id).id


def test_serve_runs_the_app_and_its_worker_and_stops_both(home: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    db = Database.open(url)
    job_id = _job_for_a_bad_file(db, home)
    with live_server(home, url, "--workers", "1") as base:
        page = httpx.get(base + "/login")
        cookie = page.headers["set-cookie"]
        assert cookie.startswith("__Host-backstride=") and "Secure" in cookie
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert httpx.get(base + "/static/app.css").status_code == 200
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with db.session() as s:
                job = s.get_one(Job, job_id)
                if job.status == "failed":
                    break
            time.sleep(0.3)
        assert job.status == "failed" and "cut.gpx: holds no track points" in (job.message or "")
        with db.session() as s:
            assert s.scalar(sa.select(sa.func.count()).select_from(Artifact)) == 1
    # the server and the worker it started are gone
    assert _processes_of(home) == []


def _processes_of(home: Path) -> list[str]:
    """The running backstride processes whose data folder is ``home``."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes()
        except OSError:  # it ended meanwhile, or it is not ours to read
            continue
        if b"backstride" in cmdline and f"BACKSTRIDE_HOME={home}".encode() in environ:
            found.append(cmdline.replace(b"\0", b" ").decode())
    return found
