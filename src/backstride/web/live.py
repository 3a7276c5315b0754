"""A real ``backstride serve`` in a child process on a free loopback port, until a block ends:
what the serve and browser tests and the web benchmark run against."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(home: Path, db_url: str, *extra: str, log: Path | None = None) -> Iterator[str]:
    """Run ``backstride serve`` until the block ends; yield its base URL."""
    port = free_port()
    env = {**os.environ, "BACKSTRIDE_HOME": str(home), "BACKSTRIDE_DB": db_url}
    with ExitStack() as stack:
        out = stack.enter_context(log.open("wb")) if log else subprocess.DEVNULL
        proc = subprocess.Popen(
            [sys.executable, "-m", "backstride", "serve", "--port", str(port), *extra],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        stack.callback(_stop, proc)
        yield _wait_ready(proc, f"http://127.0.0.1:{port}")


def _wait_ready(proc: subprocess.Popen[bytes], base: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"backstride serve exited with {proc.returncode}")
        try:
            if httpx.get(base + "/login", timeout=1).status_code == 200:
                return base
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("backstride serve did not answer within 60 s")
        time.sleep(0.2)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Ctrl-C, as a person would; the whole process group if it does not stop."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
