"""Program: generated programs, session logs, progression decisions.

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("runner_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("library_version", sa.String(length=32), nullable=False),
        sa.Column("library_hash", sa.String(length=64), nullable=False),
        sa.Column("rules_version", sa.String(length=32), nullable=False),
        sa.Column("rules_hash", sa.String(length=64), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_programs_assessment_id_assessments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["runner_id"],
            ["runners.id"],
            name=op.f("fk_programs_runner_id_runners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
    )
    op.create_index(op.f("ix_programs_runner_id"), "programs", ["runner_id"])
    op.create_index(op.f("ix_programs_assessment_id"), "programs", ["assessment_id"])
    op.create_table(
        "program_logs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("session_key", sa.String(length=16), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("effort", sa.Integer(), nullable=True),
        sa.Column("pain", sa.Integer(), nullable=True),
        sa.Column("morning", sa.String(length=16), nullable=False),
        sa.Column("leg_symptoms", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_logs_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_logs")),
        sa.UniqueConstraint("program_id", "session_key", name=op.f("uq_program_logs_program_id")),
    )
    op.create_index(op.f("ix_program_logs_program_id"), "program_logs", ["program_id"])
    op.create_table(
        "program_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("log_id", sa.Integer(), nullable=False),
        sa.Column("session_key", sa.String(length=16), nullable=False),
        sa.Column("slot", sa.String(length=40), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_step", sa.Integer(), nullable=False),
        sa.Column("to_step", sa.Integer(), nullable=False),
        sa.Column("from_exercise", sa.String(length=64), nullable=False),
        sa.Column("to_exercise", sa.String(length=64), nullable=False),
        sa.Column("variable", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("move", sa.String(length=255), nullable=False),
        sa.Column("rules_version", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["log_id"],
            ["program_logs.id"],
            name=op.f("fk_program_changes_log_id_program_logs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_program_changes_program_id_programs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_changes")),
    )
    op.create_index(op.f("ix_program_changes_program_id"), "program_changes", ["program_id"])
    op.create_index(op.f("ix_program_changes_log_id"), "program_changes", ["log_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_program_changes_log_id"), table_name="program_changes")
    op.drop_index(op.f("ix_program_changes_program_id"), table_name="program_changes")
    op.drop_table("program_changes")
    op.drop_index(op.f("ix_program_logs_program_id"), table_name="program_logs")
    op.drop_table("program_logs")
    op.drop_index(op.f("ix_programs_assessment_id"), table_name="programs")
    op.drop_index(op.f("ix_programs_runner_id"), table_name="programs")
    op.drop_table("programs")
