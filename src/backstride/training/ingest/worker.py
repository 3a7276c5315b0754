"""Parse one activity file into normalised sessions: the unit of work of the process pool.

`parse_source` never raises for a bad file: the reason is returned in `FileResult.error`, so one
broken file cannot stop an import. It also writes each session's streams to the Parquet cache.
Nothing here touches the database; the importer stores each result in its own transaction.
"""

from __future__ import annotations

from pathlib import Path

from backstride.errors import InputError
from backstride.training.ingest.fit import read_fit
from backstride.training.ingest.gpx import read_gpx
from backstride.training.ingest.normalise import normalise, too_short
from backstride.training.ingest.raw import RawSession
from backstride.training.ingest.results import FileResult, ParsedSession
from backstride.training.ingest.sources import SourceFile
from backstride.training.ingest.tcx import read_tcx
from backstride.training.streamcache import write_streams

READERS = {"fit": read_fit, "gpx": read_gpx, "tcx": read_tcx}


def read_sessions(source: SourceFile) -> list[RawSession]:
    """Decode a file with the reader of its format."""
    return READERS[source.fmt](source.path)


def parse_source(source: SourceFile, tz: str | None, cache_root: Path | None) -> FileResult:
    """Read, normalise and cache one file; a bad file gives a result with ``error`` set."""
    try:
        sessions = []
        for index, raw in enumerate(read_sessions(source)):
            activity, streams, warnings = normalise(raw, tz=tz, hint=source.hint)
            key = None
            if cache_root is not None and len(streams):
                key = write_streams(cache_root, f"{source.sha256}-{index}", streams)
            sessions.append(ParsedSession(activity, key, tuple(warnings), too_short(activity)))
        return FileResult(source, tuple(sessions))
    except InputError as exc:
        return FileResult(source, error=exc.message)
    except Exception as exc:  # noqa: BLE001 - a reader bug on one file must not stop the import
        return FileResult(
            source,
            error=f"could not be read: unexpected {type(exc).__name__}: {exc} (please report it)",
        )
