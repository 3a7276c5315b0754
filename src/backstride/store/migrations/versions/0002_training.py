"""Training: imported files, activities and their sources, shoes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("runner_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("format", sa.String(length=8), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["runner_id"],
            ["runners.id"],
            name=op.f("fk_training_files_runner_id_runners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_files")),
        sa.UniqueConstraint("runner_id", "sha256", name=op.f("uq_training_files_runner_id")),
    )
    op.create_index(op.f("ix_training_files_runner_id"), "training_files", ["runner_id"])
    op.create_table(
        "training_shoes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("runner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("surface", sa.String(length=16), nullable=True),
        sa.Column("is_default", sa.Boolean(), nullable=False),
        sa.Column("initial_km", sa.Float(), nullable=False),
        sa.Column("limit_km", sa.Float(), nullable=False),
        sa.Column("since", sa.Date(), nullable=True),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["runner_id"],
            ["runners.id"],
            name=op.f("fk_training_shoes_runner_id_runners"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_shoes")),
        sa.UniqueConstraint("runner_id", "name", name=op.f("uq_training_shoes_runner_id")),
    )
    op.create_index(op.f("ix_training_shoes_runner_id"), "training_shoes", ["runner_id"])
    op.create_table(
        "training_activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("runner_id", sa.Integer(), nullable=False),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("utc_offset_s", sa.Integer(), nullable=False),
        sa.Column("offset_source", sa.String(length=16), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("sport", sa.String(length=16), nullable=False),
        sa.Column("sport_source", sa.String(length=16), nullable=False),
        sa.Column("sub_sport", sa.String(length=40), nullable=True),
        sa.Column("surface", sa.String(length=16), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("elapsed_s", sa.Float(), nullable=False),
        sa.Column("moving_s", sa.Float(), nullable=False),
        sa.Column("ascent_m", sa.Float(), nullable=True),
        sa.Column("descent_m", sa.Float(), nullable=True),
        sa.Column("elevation_method", sa.String(length=16), nullable=False),
        sa.Column("descent_below_5pct_km", sa.Float(), nullable=True),
        sa.Column("descent_below_10pct_km", sa.Float(), nullable=True),
        sa.Column("cadence_spm", sa.Float(), nullable=True),
        sa.Column("cadence_method", sa.String(length=24), nullable=True),
        sa.Column("stance_ms", sa.Float(), nullable=True),
        sa.Column("stance_balance_pct_left", sa.Float(), nullable=True),
        sa.Column("vertical_oscillation_mm", sa.Float(), nullable=True),
        sa.Column("vertical_ratio_pct", sa.Float(), nullable=True),
        sa.Column("step_length_mm", sa.Float(), nullable=True),
        sa.Column("avg_heart_rate_bpm", sa.Float(), nullable=True),
        sa.Column("has_positions", sa.Boolean(), nullable=False),
        sa.Column("device", sa.String(length=80), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("gear", sa.String(length=120), nullable=True),
        sa.Column("source_format", sa.String(length=8), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("stream_key", sa.String(length=80), nullable=True),
        sa.Column("shoe_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["runner_id"],
            ["runners.id"],
            name=op.f("fk_training_activities_runner_id_runners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["shoe_id"],
            ["training_shoes.id"],
            name=op.f("fk_training_activities_shoe_id_training_shoes"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_activities")),
    )
    op.create_index(op.f("ix_training_activities_runner_id"), "training_activities", ["runner_id"])
    op.create_index(op.f("ix_training_activities_shoe_id"), "training_activities", ["shoe_id"])
    op.create_index(
        "ix_training_activities_runner_start", "training_activities", ["runner_id", "start_utc"]
    )
    op.create_table(
        "training_activity_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("session_index", sa.Integer(), nullable=False),
        sa.Column("source_format", sa.String(length=8), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("stream_key", sa.String(length=80), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["training_activities.id"],
            name=op.f("fk_training_activity_sources_activity_id_training_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["file_id"],
            ["training_files.id"],
            name=op.f("fk_training_activity_sources_file_id_training_files"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_activity_sources")),
        sa.UniqueConstraint(
            "file_id", "session_index", name=op.f("uq_training_activity_sources_file_id")
        ),
    )
    op.create_index(
        op.f("ix_training_activity_sources_activity_id"),
        "training_activity_sources",
        ["activity_id"],
    )
    op.create_index(
        op.f("ix_training_activity_sources_file_id"), "training_activity_sources", ["file_id"]
    )


def downgrade() -> None:
    op.drop_table("training_activity_sources")
    op.drop_table("training_activities")
    op.drop_table("training_shoes")
    op.drop_table("training_files")
