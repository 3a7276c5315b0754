"""What parsing and storing one file gives: the types passed between the pool and the store.

Kept apart from the readers so that the store and the command line can use them without loading
fitdecode, polars and the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from backstride.training.activity import Activity
from backstride.training.ingest.sources import SourceFile


@dataclass(frozen=True)
class ParsedSession:
    """One normalised session of a file, with its cached streams and anything to tell the user.

    ``skip_reason`` is set for sessions too short to count (kept out of the store).
    """

    activity: Activity
    stream_key: str | None
    warnings: tuple[str, ...] = ()
    skip_reason: str | None = None


@dataclass(frozen=True)
class FileResult:
    """What parsing one file gave: its sessions, or the reason it could not be read."""

    source: SourceFile
    sessions: tuple[ParsedSession, ...] = ()
    error: str | None = None

    @property
    def warnings(self) -> list[str]:
        """Every session's warnings, without repeats."""
        seen: dict[str, None] = {}
        for session in self.sessions:
            seen.update(dict.fromkeys(session.warnings))
        return list(seen)


class Outcome(StrEnum):
    """What storing one parsed file did."""

    IMPORTED = "imported"  # at least one new run
    MERGED = "merged"  # every session was a duplicate of a stored activity
    SKIPPED = "skipped"  # nothing new that counts as running (a ride, a too-short session)


@dataclass(frozen=True)
class Saved:
    """The store's answer for one file: its outcome and a note for the user (e.g. the sport)."""

    outcome: Outcome
    note: str | None = None
