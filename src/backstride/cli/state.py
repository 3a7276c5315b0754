"""What every command shares: the global options and the consoles."""

from __future__ import annotations

from dataclasses import dataclass, field

import typer
from rich.console import Console

from backstride.store import Database

console = Console()
err_console = Console(stderr=True)


@dataclass
class AppState:
    """Global options parsed by the root callback."""

    db_url: str | None = None
    debug: bool = False
    _db: Database | None = field(default=None, repr=False)

    def database(self) -> Database:
        """Open (and migrate) the database once per command."""
        if self._db is None:
            self._db = Database.open(self.db_url)
        return self._db


def state(ctx: typer.Context) -> AppState:
    """The `AppState` of the running command."""
    root = ctx.find_root()
    if not isinstance(root.obj, AppState):
        root.obj = AppState()
    return root.obj
