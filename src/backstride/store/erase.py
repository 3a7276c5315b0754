"""Erasing a runner: their rows, then the stored files and cached streams nobody else uses.

A runner's data is health data: deleting them must leave nothing of theirs behind, neither the
videos and activity files in the content-addressed store nor the per-sample streams parsed from
their watch files (`training.streamcache`). Both are shared by content (two runners importing the
same file share one copy), so only what no remaining row references is removed, and only after
the rows' transaction has committed: a delete that fails never loses a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.store.artifacts import BlobStore
from backstride.store.db import Database
from backstride.store.runners import delete_runner, get_runner
from backstride.store.training_tables import ActivitySource, TrainingActivity


@dataclass(frozen=True)
class Erased:
    """What deleting a runner removed besides their rows."""

    files: int  # stored files (videos, activity files, reports)
    streams: int  # cached per-sample training streams


def stream_keys_of(session: Session, runner_id: int) -> set[str]:
    """The cache keys of the streams parsed from the runner's activities (merged sources too)."""
    own = select(TrainingActivity.stream_key).where(TrainingActivity.runner_id == runner_id)
    merged = (
        select(ActivitySource.stream_key)
        .join(TrainingActivity, ActivitySource.activity_id == TrainingActivity.id)
        .where(TrainingActivity.runner_id == runner_id)
    )
    return {k for k in [*session.scalars(own), *session.scalars(merged)] if k}


def unreferenced_stream_keys(session: Session, keys: Iterable[str]) -> set[str]:
    """The keys among ``keys`` that no activity (or merged source) row references any more."""
    gone = set()
    for key in set(keys):
        used = session.scalar(
            select(func.count()).where(TrainingActivity.stream_key == key)
        ) or session.scalar(select(func.count()).where(ActivitySource.stream_key == key))
        if not used:
            gone.add(key)
    return gone


def erase_runner(db: Database, name: str, blobs: BlobStore, streams_root: Path) -> Erased:
    """Delete the runner and every row they own, then their files and cached streams."""
    from backstride.training.streamcache import remove_streams  # polars, only when deleting

    with db.session() as session:
        keys = stream_keys_of(session, get_runner(session, name).id)
        hashes = delete_runner(session, name)
    with db.session() as session:
        files = blobs.remove_unreferenced(session, hashes)
        gone = unreferenced_stream_keys(session, keys)
    return Erased(files=files, streams=remove_streams(streams_root, gone))
