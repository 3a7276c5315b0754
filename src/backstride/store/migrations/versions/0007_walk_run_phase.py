"""Pain log: the walk-run phase a logged run was (return to running).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on every backend: a CHECK constraint would make SQLite copy the table
    # (batch mode), which does not keep its existing CHECK constraints. The range (1-12) is
    # checked where entries are made (`PainEntry`).
    op.add_column("pain_entries", sa.Column("walk_run_phase", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pain_entries") as batch:
        batch.drop_column("walk_run_phase")
