"""Run the real ``backstride`` command in a subprocess, with the test's data directory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def cli(home: Path) -> Run:
    """``cli("runner", "list")`` runs ``python -m backstride runner list`` and returns it."""

    def run(
        *args: str, input: str | None = None, db: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "BACKSTRIDE_HOME": str(home), "COLUMNS": "200", "NO_COLOR": "1"}
        if db:
            env["BACKSTRIDE_DB"] = db
        return subprocess.run(
            [sys.executable, "-m", "backstride", *args],
            capture_output=True,
            text=True,
            env=env,
            input=input,
            timeout=600,
        )

    return run
