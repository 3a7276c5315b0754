"""Per-sample streams cached as Parquet (written with polars), one file per activity session,
keyed by content hash.

The cache is regenerable (re-importing the file rebuilds it), so it lives under
`backstride.paths.cache_dir`, not with the database. Files are written to a temporary name and
renamed, so a crash never leaves half a file under a real key.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import polars as pl

from backstride.training.activity import STREAM_COLUMNS, Streams


def stream_path(root: Path, key: str) -> Path:
    """Where the streams with this key live (they may not exist)."""
    return root / key[:2] / f"{key}.parquet"


def write_streams(root: Path, key: str, streams: Streams) -> str:
    """Write ``streams`` under ``key`` (atomically); return the key."""
    final = stream_path(root, key)
    final.parent.mkdir(parents=True, exist_ok=True)
    frame = pl.DataFrame(streams.columns())
    fd, tmp = tempfile.mkstemp(dir=final.parent, prefix=".part-", suffix=".parquet")
    os.close(fd)
    try:
        frame.write_parquet(tmp, compression="zstd")
        Path(tmp).replace(final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return key


def read_streams(root: Path, key: str) -> Streams | None:
    """The cached streams for ``key``, or None when they are not (or no longer) cached."""
    path = stream_path(root, key)
    if not path.is_file():
        return None
    frame = pl.read_parquet(path, columns=list(STREAM_COLUMNS))
    columns = {
        name: np.asarray(frame[name].to_numpy(), dtype=np.float64) for name in STREAM_COLUMNS
    }
    return Streams(**columns)


def remove_streams(root: Path, keys: Iterable[str]) -> int:
    """Delete the cached streams of ``keys`` (those that exist); return how many were removed."""
    removed = 0
    for key in set(keys):
        path = stream_path(root, key)
        if path.is_file():
            path.unlink()
            removed += 1
    return removed
