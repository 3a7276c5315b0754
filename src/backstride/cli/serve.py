"""``backstride serve`` (the web app and its workers) and ``backstride worker`` (one worker).

``serve`` opens (and migrates) the database, starts ``--workers`` worker processes (each a
``backstride worker`` run at a lower CPU priority, so pages stay quick while a video is analysed)
and serves the app with uvicorn until Ctrl-C, then stops the workers (a job they were running
goes back to the queue). Session cookies are always ``Secure``: browsers keep them on
``http://127.0.0.1`` and ``http://localhost``, so the default works over plain HTTP; any other
address needs TLS (``--tls-certfile`` and ``--tls-keyfile``) or a TLS proxy in front
(``--proxy-headers``).
"""

from __future__ import annotations

import ipaddress
import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import FrameType

import typer

from backstride.cli.state import console, state
from backstride.errors import InputError
from backstride.web.settings import MIB, WebSettings

STOP_WAIT_S = 15.0


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses.

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def start_workers(count: int, db_url: str | None) -> list[subprocess.Popen[bytes]]:
    """Start ``count`` ``backstride worker`` processes on the same database and data folder."""
    env = dict(os.environ)
    if db_url:
        env["BACKSTRIDE_DB"] = db_url  # the environment, not the command line: no password in ps
    command = [sys.executable, "-m", "backstride", "worker", "--nice", "10"]
    return [subprocess.Popen(command, env=env) for _ in range(count)]


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    """Ask the workers to stop (their job goes back to the queue), then make sure they did."""
    for proc in workers:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in workers:
        try:
            proc.wait(timeout=STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(
        1, "--workers", min=0, max=16, help="Worker processes for jobs (0: run `worker` apart)."
    ),
    max_video_mb: int = typer.Option(1024, "--max-video-mb", min=1, help="Limit per video."),
    max_activity_mb: int = typer.Option(
        512, "--max-activity-mb", min=1, help="Limit per activity file or ZIP export."
    ),
    self_registration: bool = typer.Option(
        True, "--self-registration/--no-self-registration", help="May runners sign up alone?"
    ),
    tls_certfile: Path | None = typer.Option(None, "--tls-certfile", help="TLS certificate."),
    tls_keyfile: Path | None = typer.Option(None, "--tls-keyfile", help="TLS private key."),
    proxy_headers: bool = typer.Option(
        False, "--proxy-headers", help="Behind a TLS proxy on this machine: trust its headers."
    ),
) -> None:
    """Serve the web app for runners and clinicians (and run the job workers)."""
    import uvicorn

    from backstride.web.app import create_app, warm_up

    tls = tls_certfile is not None and tls_keyfile is not None
    if (tls_certfile is None) != (tls_keyfile is None):
        raise InputError("give both --tls-certfile and --tls-keyfile, or neither")
    if not is_loopback(host) and not tls and not proxy_headers:
        raise InputError(
            f"--host {host} is not this machine: serve it over TLS (--tls-certfile and "
            "--tls-keyfile) or behind a TLS proxy (--proxy-headers); session cookies are "
            "Secure and browsers drop them over plain HTTP elsewhere"
        )
    settings = WebSettings(
        max_video_bytes=max_video_mb * MIB,
        max_activity_bytes=max_activity_mb * MIB,
        max_request_bytes=(2 * max_video_mb + max_activity_mb) * MIB + MIB,
        self_registration=self_registration,
    )
    app_state = state(ctx)
    app = create_app(app_state.database(), settings)
    warm_up(app)
    procs = start_workers(workers, app_state.db_url)
    scheme = "https" if tls else "http"
    console.print(
        f"backstride web app on {scheme}://{host}:{port} ({workers} worker(s)); Ctrl-C stops"
    )
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            proxy_headers=proxy_headers,
            forwarded_allow_ips="127.0.0.1" if proxy_headers else None,
            ssl_certfile=str(tls_certfile) if tls_certfile else None,
            ssl_keyfile=str(tls_keyfile) if tls_keyfile else None,
        )
    finally:
        stop_workers(procs)


def _stop_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def worker(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="Run the jobs waiting now, then stop."),
    lease_s: float = typer.Option(60.0, "--lease-s", min=2, help="Seconds a job's lease lasts."),
    heartbeat_s: float = typer.Option(10.0, "--heartbeat-s", min=0.5, help="Lease renewal."),
    poll_s: float = typer.Option(1.0, "--poll-s", min=0.05, help="Idle wait between looks."),
    nice: int = typer.Option(0, "--nice", min=0, max=19, help="Lower this process's priority."),
) -> None:
    """Run queued jobs (video analysis, training import, assessments) until stopped."""
    from backstride.web.worker import Worker

    if heartbeat_s >= lease_s:
        raise InputError("--heartbeat-s must be shorter than --lease-s")
    if nice:
        os.nice(nice)
    logging.getLogger("backstride").setLevel(logging.INFO)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    w = Worker(state(ctx).database(), lease_s=lease_s, heartbeat_s=heartbeat_s, poll_s=poll_s)
    stop = threading.Event()
    try:
        if once:
            while w.run_one():
                pass
        else:
            w.run(stop)
    except KeyboardInterrupt:
        console.print("worker stopped")
