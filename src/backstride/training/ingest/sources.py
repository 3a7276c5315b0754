"""Turn what the user named (files, folders, .zip, .gz, exports) into activity files to parse.

Everything here treats its input as hostile:

- a file larger than `MAX_FILE_BYTES` is refused from its size alone (a 2 GB file is never read);
- archives are never extracted by their own entry names: each entry is streamed to a numbered
  file in a private work folder, so an entry like ``../../.bashrc`` cannot land anywhere, and is
  reported as climbing out of its archive;
- decompression (zip entries, .gz) stops as soon as the output passes the size limit, or passes
  1 MiB while expanding more than `MAX_RATIO` times (activity files compress 3-20x; a zip bomb
  expands a thousand times);
- archives nest at most `MAX_NESTING` deep (a Garmin export is a zip of zips);
- encrypted entries and corrupt archives are reported, not fatal.

Each problem becomes a `Rejected` with the file and the reason; the rest carries on. Strava's
bulk export brings ``activities.csv`` (duplicate column names, e.g. two "Distance"): its sport,
name and gear are attached to the files it lists, as an `ExportHint`. Known non-activity files
found inside folders and archives (JSON, photos, CSV...) are counted as ignored; a file the
user named explicitly is always reported.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol

from backstride.errors import InputError
from backstride.training.ingest.raw import ExportHint

MAX_FILE_BYTES = 256 * 2**20
MAX_ARCHIVE_ENTRY_BYTES = 4 * 2**30
MAX_RATIO = 100.0
RATIO_CHECK_AFTER_BYTES = 2**20
MAX_NESTING = 3
CHUNK_BYTES = 1 << 20
ACTIVITY_FORMATS = {".fit": "fit", ".gpx": "gpx", ".tcx": "tcx"}
IGNORED_SUFFIXES = {
    ".json",
    ".csv",
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".heic",
    ".webp",
    ".mp4",
    ".mov",
    ".html",
    ".htm",
    ".txt",
    ".md",
    ".pdf",
    ".db",
    ".ds_store",
    ".ini",
    ".xml",
    ".kml",
}
SUPPORTED = ".fit, .gpx and .tcx files (also as .gz), folders and .zip archives"


@dataclass(frozen=True)
class SourceFile:
    """One activity file ready to parse: where it is now, what the user calls it, its hash."""

    display: str
    path: Path
    fmt: str
    sha256: str
    size_bytes: int
    hint: ExportHint | None = None


@dataclass(frozen=True)
class Rejected:
    """A file that cannot be imported, and why, in words a runner understands."""

    display: str
    reason: str


@dataclass
class Collection:
    """What `collect` found."""

    files: list[SourceFile] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    ignored: int = 0


class Readable(Protocol):
    """Anything with ``read(size) -> bytes`` (files, zip entries, gzip streams)."""

    def read(self, size: int = -1, /) -> bytes: ...


class _Limited(Exception):
    """Decompression stopped at a limit (message says which)."""


def human_bytes(size: float) -> str:
    """``2147483648`` -> ``'2.0 GB'``."""
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


def copy_limited(
    stream: Readable, dest: Path, *, limit: int, packed_bytes: int | None
) -> tuple[str, int]:
    """Stream to ``dest`` with the size and ratio limits; return (sha256, size).

    Raises `_Limited` (and removes ``dest``) when a limit is passed.
    """
    digest = hashlib.sha256()
    size = 0
    try:
        with dest.open("wb") as out:
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if size > limit:
                    raise _Limited(f"expands past the limit of {human_bytes(limit)}")
                if (
                    packed_bytes
                    and size > RATIO_CHECK_AFTER_BYTES
                    and size > MAX_RATIO * packed_bytes
                ):
                    raise _Limited(
                        f"expands more than {MAX_RATIO:.0f} times its packed size "
                        "(a zip bomb?): refused"
                    )
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size


def unsafe_entry_name(name: str) -> bool:
    """True for archive entry names that are absolute or climb out of the archive.

    Examples
    --------
    >>> [unsafe_entry_name(n) for n in ("a/b.fit", "../x.gpx", "/etc/passwd", "C:\\\\x.fit")]
    [False, True, True, True]
    """
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        return True
    return ".." in PurePosixPath(posix).parts


def strava_hints(path: Path) -> dict[str, ExportHint]:
    """Sport, name and gear per file from a Strava ``activities.csv``, keyed by the file's last
    two path parts (``"activities/123.fit.gz"``). Columns are found by their first occurrence."""
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return {}
    rows = csv.reader(io.StringIO(text))
    header = next(rows, [])
    col = {name: header.index(name) for name in reversed(header)}  # first occurrence wins
    if "Filename" not in col:
        return {}
    hints: dict[str, ExportHint] = {}
    for row in rows:
        if len(row) <= col["Filename"] or not row[col["Filename"]].strip():
            continue

        def cell(name: str, row: list[str] = row) -> str | None:
            i = col.get(name)
            return row[i].strip() or None if i is not None and i < len(row) else None

        hints[_tail(row[col["Filename"]])] = ExportHint(
            sport_text=cell("Activity Type"), name=cell("Activity Name"), gear=cell("Activity Gear")
        )
    return hints


def _tail(name: str) -> str:
    parts = PurePosixPath(name.strip().replace("\\", "/")).parts
    return "/".join(parts[-2:])


class Collector:
    """Walks paths, archives and compressed files into a `Collection` (see the module notes)."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.found = Collection()
        self._hints: dict[str, ExportHint] = {}
        self._counter = 0

    def add(self, path: Path) -> None:
        """Add one path the user named; a missing path is an `InputError`."""
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                self._file(child, str(child), explicit=False, depth=0)
        elif path.is_file():
            self._file(path, str(path), explicit=True, depth=0)
        else:
            raise InputError("no such file or folder", path=path)

    def result(self) -> Collection:
        """The collection, with export hints attached."""
        if self._hints:
            self.found.files = [self._with_hint(f) for f in self.found.files]
        return self.found

    def _with_hint(self, source: SourceFile) -> SourceFile:
        hint = self._hints.get(_tail(source.display.rpartition("!")[2]))
        if hint is None:
            return source
        return SourceFile(
            source.display, source.path, source.fmt, source.sha256, source.size_bytes, hint
        )

    def _reject(self, display: str, reason: str) -> None:
        self.found.rejected.append(Rejected(display, reason))

    def _file(self, path: Path, display: str, *, explicit: bool, depth: int) -> None:
        name = path.name.lower()
        if not self._wanted(name, display, explicit):
            return
        suffix = PurePosixPath(name).suffix
        if suffix == ".zip":
            self._zip(path, display, depth)
        elif suffix == ".gz":
            self._gz(path, display, PurePosixPath(name).stem)
        elif name == "activities.csv":
            self._hints.update(strava_hints(path))
        else:
            self._activity(path, display, ACTIVITY_FORMATS[suffix])

    def _wanted(self, name: str, display: str, explicit: bool) -> bool:
        """Whether a file's (inner) suffix is one we read; otherwise count it as ignored (a
        known non-activity file met inside a folder or archive: hidden files and macOS
        ``__MACOSX/._*`` resource forks included) or reject it as unsupported."""
        if not explicit and (name.startswith(".") or "__MACOSX/" in display):
            self.found.ignored += 1
            return False
        path = PurePosixPath(name)
        inner = PurePosixPath(path.stem).suffix if path.suffix == ".gz" else path.suffix
        if inner in ACTIVITY_FORMATS or path.suffix in (".zip",) or path.name == "activities.csv":
            return True
        if inner in IGNORED_SUFFIXES and not explicit:
            self.found.ignored += 1
        else:
            shown = "".join(path.suffixes[-2:]) or "(no extension)"
            self._reject(display, f"unsupported format {shown}: backstride reads {SUPPORTED}")
        return False

    def _activity(self, path: Path, display: str, fmt: str, sha: str | None = None) -> None:
        size = path.stat().st_size
        if size == 0:
            self._reject(display, "the file is empty")
            return
        if size > MAX_FILE_BYTES:
            self._reject(
                display,
                f"the file is {human_bytes(size)}, larger than the {human_bytes(MAX_FILE_BYTES)} "
                "an activity file can be: refused without reading it",
            )
            return
        if sha is None:
            sha = _hash_file(path)
        self.found.files.append(SourceFile(display, path, fmt, sha, size))

    def _next_path(self, suffix: str) -> Path:
        self._counter += 1
        return self.workdir / f"{self._counter:06d}{suffix}"

    def _gz(self, path: Path, display: str, inner: str) -> None:
        suffix = PurePosixPath(inner).suffix
        dest = self._next_path(suffix)
        try:
            with gzip.open(path, "rb") as stream:
                sha, _ = copy_limited(
                    stream, dest, limit=MAX_FILE_BYTES, packed_bytes=path.stat().st_size
                )
        except _Limited as exc:
            self._reject(display, f"the compressed file {exc}")
            return
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            self._reject(display, f"is not a readable .gz file ({exc})")
            return
        self._activity(dest, display, ACTIVITY_FORMATS[suffix], sha)

    def _zip(self, path: Path, display: str, depth: int) -> None:
        if depth >= MAX_NESTING:
            self._reject(display, f"archives nested more than {MAX_NESTING} deep: not opened")
            return
        try:
            archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            self._reject(display, f"is not a readable zip archive ({exc})")
            return
        with archive:
            for info in archive.infolist():
                if not info.is_dir():
                    self._zip_entry(archive, info, f"{display}!{info.filename}", depth)

    def _zip_entry(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, display: str, depth: int
    ) -> None:
        if unsafe_entry_name(info.filename):
            self._reject(
                display, "the entry's path climbs out of the archive (path traversal): skipped"
            )
            return
        name = PurePosixPath(info.filename.replace("\\", "/")).name.lower()
        if not self._wanted(name, display, explicit=False):
            return
        if info.flag_bits & 0x1:
            self._reject(display, "the entry is encrypted: not opened")
            return
        self._extract(archive, info, display, depth, name)

    def _extract(
        self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, display: str, depth: int, name: str
    ) -> None:
        suffix = PurePosixPath(name).suffix
        dest = self._next_path(suffix)
        limit = MAX_ARCHIVE_ENTRY_BYTES if suffix == ".zip" else MAX_FILE_BYTES
        try:
            with archive.open(info) as stream:
                sha, _ = copy_limited(stream, dest, limit=limit, packed_bytes=info.compress_size)
        except _Limited as exc:
            self._reject(display, f"the archive entry {exc}")
            return
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
            self._reject(display, f"cannot be extracted ({exc})")
            return
        if suffix == ".csv":
            self._hints.update(strava_hints(dest))
        elif suffix == ".zip":
            self._zip(dest, display, depth + 1)
        elif suffix == ".gz":
            self._gz(dest, display, PurePosixPath(name).stem)
        else:
            self._activity(dest, display, ACTIVITY_FORMATS[suffix], sha)


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def collect(paths: list[Path], workdir: Path) -> Collection:
    """Everything importable under ``paths`` (see the module notes); archives extract to
    ``workdir``, which the caller removes afterwards."""
    collector = Collector(workdir)
    for path in paths:
        collector.add(path)
    return collector.result()
