"""Regression: two pose workers silencing stderr at once left fd 2 on /dev/null for good, so the
command line exited with code 2 and no message about one time in three (``video analyze`` on a
clip with nobody in it)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from backstride.video.pose import _quiet_stderr


def test_concurrent_silencing_restores_stderr(tmp_path: Path) -> None:
    log = tmp_path / "stderr.txt"
    saved = os.dup(2)
    try:
        with log.open("w") as target:
            os.dup2(target.fileno(), 2)
            start = threading.Barrier(4)

            def silence() -> None:
                start.wait()
                for _ in range(20):
                    with _quiet_stderr():
                        time.sleep(0.002)  # a graph starting: long enough for others to overlap

            threads = [threading.Thread(target=silence) for _ in range(4)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            os.write(2, b"still here\n")
        assert log.read_text() == "still here\n"
    finally:
        os.dup2(saved, 2)
        os.close(saved)
