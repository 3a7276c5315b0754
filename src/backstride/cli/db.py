"""``backstride db upgrade``: apply migrations explicitly (they also run on first use)."""

from __future__ import annotations

import typer

from backstride.cli.state import console, state
from backstride.store import Database

app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Upgrade the database schema to the newest version."""
    db = Database.open(state(ctx).db_url, migrate=False)
    before, after = db.upgrade()
    if before == after:
        console.print(f"{db.url}: already at revision {after}")
    else:
        console.print(f"{db.url}: upgraded from {before or 'empty'} to {after}")
