"""One rich progress display for anything a person waits for; stages appear as they start."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
)

from backstride.cli.state import err_console


class Reporter(Protocol):
    def __call__(self, stage: str, done: int, total: int) -> None: ...


@contextmanager
def stage_progress(names: dict[str, str] | None = None) -> Iterator[Reporter]:
    """Yield ``report(stage, done, total)``; each new stage gets its own bar (on stderr)."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def report(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task((names or {}).get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=max(total, done))

        yield report
