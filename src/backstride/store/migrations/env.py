"""Alembic environment: runs migrations on the engine the caller bound to the config."""

from __future__ import annotations

from alembic import context

import backstride.store.models  # noqa: F401  (registers every table on Base.metadata)
from backstride.store.base import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    context.run_migrations()
