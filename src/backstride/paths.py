"""Where backstride keeps its data: one directory per user, overridable.

The data directory follows the XDG base-directory convention (``~/.local/share/backstride`` on
Linux, through platformdirs); ``BACKSTRIDE_HOME`` overrides it, which is what tests and clinics
with a shared disk use.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

HOME_ENV = "BACKSTRIDE_HOME"


def data_dir() -> Path:
    """Return the data directory, creating it if needed."""
    override = os.environ.get(HOME_ENV)
    path = Path(override).expanduser() if override else Path(user_data_dir("backstride"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_url() -> str:
    """The embedded default database: SQLite in the data directory."""
    return f"sqlite:///{data_dir() / 'backstride.db'}"


def artifacts_dir() -> Path:
    """Content-addressed files (videos, frames, reports) live here, never served directly."""
    path = data_dir() / "artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Regenerable caches (parsed activity streams, rendered synthetic clips)."""
    path = data_dir() / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path


def training_streams_dir() -> Path:
    """Where the parsed activity streams are cached (Parquet, regenerable)."""
    return cache_dir() / "training" / "streams"
