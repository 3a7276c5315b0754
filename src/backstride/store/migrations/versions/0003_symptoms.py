"""Check-in and triage: check-ins (with drafts), triage decisions, pain log entries.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("runner_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'complete')", name=op.f("ck_checkins_status")),
        sa.ForeignKeyConstraint(
            ["runner_id"],
            ["runners.id"],
            name=op.f("fk_checkins_runner_id_runners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
    )
    op.create_index(op.f("ix_checkins_runner_id"), "checkins", ["runner_id"])
    op.create_table(
        "triage_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("runner_id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("ruleset_version", sa.String(length=16), nullable=False),
        sa.Column("ruleset_hash", sa.String(length=64), nullable=False),
        sa.Column("fired", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_triage_decisions_assessment_id_assessments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkins.id"],
            name=op.f("fk_triage_decisions_checkin_id_checkins"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["runner_id"],
            ["runners.id"],
            name=op.f("fk_triage_decisions_runner_id_runners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_decisions")),
        sa.UniqueConstraint("checkin_id", name=op.f("uq_triage_decisions_checkin_id")),
    )
    op.create_index(op.f("ix_triage_decisions_runner_id"), "triage_decisions", ["runner_id"])
    op.create_index(
        op.f("ix_triage_decisions_assessment_id"), "triage_decisions", ["assessment_id"]
    )
    op.create_table(
        "pain_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("runner_id", sa.Integer(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("pain_during", sa.Integer(), nullable=True),
        sa.Column("pain_after", sa.Integer(), nullable=True),
        sa.Column("next_morning", sa.String(length=8), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "pain_during BETWEEN 0 AND 10", name=op.f("ck_pain_entries_pain_during")
        ),
        sa.CheckConstraint("pain_after BETWEEN 0 AND 10", name=op.f("ck_pain_entries_pain_after")),
        sa.ForeignKeyConstraint(
            ["runner_id"],
            ["runners.id"],
            name=op.f("fk_pain_entries_runner_id_runners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pain_entries")),
        sa.UniqueConstraint("runner_id", "entry_date", name=op.f("uq_pain_entries_runner_id")),
    )
    op.create_index(op.f("ix_pain_entries_runner_id"), "pain_entries", ["runner_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_pain_entries_runner_id"), table_name="pain_entries")
    op.drop_table("pain_entries")
    op.drop_index(op.f("ix_triage_decisions_assessment_id"), table_name="triage_decisions")
    op.drop_index(op.f("ix_triage_decisions_runner_id"), table_name="triage_decisions")
    op.drop_table("triage_decisions")
    op.drop_index(op.f("ix_checkins_runner_id"), table_name="checkins")
    op.drop_table("checkins")
