"""Files kept content-addressed under the data directory.

A file is stored once under ``artifacts/<first two hex digits>/<sha256>`` whatever its name, written
to a temporary file and renamed into place so a crash never leaves half a file under a real name.
Rows in the ``artifacts`` table say who owns which blob; a blob is removed from disk only when no
row references it any more, and only after the transaction that dropped the last row committed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backstride.errors import InputError
from backstride.paths import artifacts_dir
from backstride.store.db import Database
from backstride.store.tables import Artifact

CHUNK_BYTES = 1 << 20


class BlobStore:
    """A directory of content-addressed files."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or artifacts_dir()
        self.root.mkdir(parents=True, exist_ok=True)
        #: Blobs this instance put on disk that were not there before (for clean-up on failure).
        self.created: set[str] = set()
        #: Files this instance stored: (path, size, mtime) -> (sha256, size), see `put_files`.
        self._stored: dict[tuple[str, int, int], tuple[str, int]] = {}

    def path_for(self, sha256: str) -> Path:
        """Where the blob with this hash lives (it may not exist)."""
        return self.root / sha256[:2] / sha256

    def put_stream(self, stream: BinaryIO, *, max_bytes: int | None = None) -> tuple[str, int]:
        """Store a stream; return (sha256, size). Stops with an `InputError` past ``max_bytes``."""
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK_BYTES):
                    size += len(chunk)
                    if max_bytes is not None and size > max_bytes:
                        raise InputError(f"file is larger than the limit of {max_bytes} bytes")
                    digest.update(chunk)
                    out.write(chunk)
            sha = digest.hexdigest()
            self.adopt(tmp, sha)
            return sha, size
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def adopt(self, tmp: Path, sha256: str) -> Path:
        """Move a fully written temporary file (inside this store's folder) into place under its
        hash; if that blob already exists, the temporary file is removed instead."""
        final = self.path_for(sha256)
        final.parent.mkdir(parents=True, exist_ok=True)
        if final.exists():
            tmp.unlink()
        else:
            tmp.replace(final)
            self.created.add(sha256)
        return final

    def put_file(self, path: Path) -> tuple[str, int]:
        """Store a file from disk; return (sha256, size).

        A file this store already took (same path, size and modification time, blob still on
        disk) is not read again: see `put_files`.
        """
        try:
            stat = path.stat()
            key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
            known = self._stored.get(key)
            if known is not None and self.path_for(known[0]).exists():
                return known
            with path.open("rb") as stream:
                self._stored[key] = self.put_stream(stream)
                return self._stored[key]
        except FileNotFoundError:
            raise InputError("file not found", path=path) from None
        except IsADirectoryError:
            raise InputError("is a folder, not a file", path=path) from None

    def put_files(self, paths: Iterable[Path]) -> None:
        """Store files ahead of the rows that will own them.

        Copying large files (videos) is the slow part of storing; done before a unit of work's
        first write, SQLite's single write lock is then held only for the rows, so pages and
        progress reports of other connections are not kept waiting.
        """
        for path in paths:
            self.put_file(path)

    def export(self, sha256: str, dest: Path) -> Path:
        """Copy a blob out to ``dest``."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(self.path_for(sha256), dest)
        return dest

    def remove_unreferenced(self, session: Session, hashes: Iterable[str]) -> int:
        """Delete the blobs among ``hashes`` that no artifact row references; return how many."""
        removed = 0
        for sha in set(hashes):
            count = session.scalar(select(func.count()).where(Artifact.sha256 == sha))
            path = self.path_for(sha)
            if not count and path.exists():
                path.unlink()
                removed += 1
        return removed


def add_artifact(
    session: Session,
    blobs: BlobStore,
    *,
    runner_id: int,
    source: Path,
    kind: str,
    media_type: str,
    assessment_id: int | None = None,
) -> Artifact:
    """Store ``source`` content-addressed and record that ``runner_id`` owns it."""
    sha, size = blobs.put_file(source)
    artifact = Artifact(
        runner_id=runner_id,
        assessment_id=assessment_id,
        sha256=sha,
        kind=kind,
        media_type=media_type,
        original_name=source.name[:255],
        size_bytes=size,
    )
    session.add(artifact)
    session.flush()
    return artifact


@contextmanager
def files_and_rows(
    db: Database, blobs: BlobStore | None = None
) -> Iterator[tuple[Session, BlobStore]]:
    """One unit of work for rows and the files they own.

    Rows are committed together at the end; if anything fails, the blobs this unit put on disk
    that no row references are removed again, so a failed store leaves no stray file (a blob
    that existed before is never touched).
    """
    store = blobs or BlobStore()
    store.created = set()
    try:
        with db.session() as session:
            yield session, store
    except BaseException:
        with db.session() as session:
            store.remove_unreferenced(session, store.created)
        raise
