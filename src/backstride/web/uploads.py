"""Receiving uploads: a multipart body streamed to disk, limited, sniffed, and only then stored.

The body is parsed as it arrives (python-multipart's streaming parser), never held whole in
memory. Each file part goes straight into a temporary file inside the blob store's folder, hashed
on the way; its first bytes decide what it is (`backstride.web.sniff`), not its name or the
browser's content type. A file over its limit, of the wrong type, or a body over the request limit
stops being written at once; the request then fails with one message naming the field and the
file, and every temporary file is removed: nothing of a rejected upload is stored. Files that pass
are moved into the content-addressed store (`BlobStore.adopt`) in the same transaction that
records them as the runner's artifacts.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.multipart import MultipartParser, parse_options_header
from sqlalchemy.orm import Session

from backstride.errors import InputError
from backstride.store.artifacts import BlobStore
from backstride.store.tables import Artifact
from backstride.web.sniff import SNIFF_BYTES, describe_head, sniff_activity, sniff_video

MAX_TEXT_FIELD_BYTES = 64 * 1024
MAX_PARTS = 200
MEDIA_TYPES = {
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "fit": "application/vnd.ant.fit",
    "gpx": "application/gpx+xml",
    "tcx": "application/vnd.garmin.tcx+xml",
    "zip": "application/zip",
}


class UploadError(InputError):
    """An upload refused; ``status`` is the HTTP status (413 too large, 415 wrong type, 400)."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        self.status = status
        super().__init__(message)


@dataclass(frozen=True)
class FileRule:
    """What a file field accepts: which sniffer, the size limit, how many files."""

    field: str
    label: str
    sniffer: Callable[[bytes], str | None]
    expected: str
    max_bytes: int
    max_files: int = 1


def video_rule(field: str, label: str, max_bytes: int) -> FileRule:
    """A field for one phone video (MP4 or MOV)."""
    return FileRule(field, label, sniff_video, "an MP4 or MOV video", max_bytes)


def activity_rule(field: str, label: str, max_bytes: int, max_files: int) -> FileRule:
    """A field for activity files: FIT, GPX, TCX (also gzipped) or a ZIP export."""
    expected = "a FIT, GPX or TCX file (also .gz) or a ZIP export"
    return FileRule(field, label, sniff_activity, expected, max_bytes, max_files)


@dataclass
class StagedFile:
    """A received file waiting in a temporary file: its hash, size and sniffed format."""

    field: str
    original_name: str
    tmp_path: Path
    sha256: str
    size_bytes: int
    format: str


@dataclass
class _Part:
    """The part being received."""

    name: str = ""
    filename: str | None = None
    rule: FileRule | None = None
    head: bytearray = field(default_factory=bytearray)
    text: bytearray = field(default_factory=bytearray)
    size: int = 0
    format: str | None = None
    out: IO[bytes] | None = None
    tmp: Path | None = None
    digest: hashlib._Hash = field(default_factory=hashlib.sha256)


class UploadReceiver:
    """Feed it the body chunk by chunk, then call `finish` (or `discard` on any error)."""

    def __init__(
        self, content_type: str, rules: Iterable[FileRule], blobs: BlobStore, *, max_bytes: int
    ) -> None:
        kind, options = parse_options_header(content_type)
        boundary = options.get(b"boundary")
        if kind != b"multipart/form-data" or not boundary:
            raise UploadError("the form must be sent as multipart/form-data", status=415)
        self.rules = {r.field: r for r in rules}
        self.blobs = blobs
        self.max_bytes = max_bytes
        self.received = 0
        self.fields: dict[str, list[str]] = {}
        self.files: list[StagedFile] = []
        self.error: UploadError | None = None
        self._part = _Part()
        self._headers: dict[bytes, bytes] = {}
        self._header_name = b""
        self._parts = 0
        self._parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._begin,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_done,
                "on_part_data": self._data,
                "on_part_end": self._end,
            },
        )

    # ------------------------------------------------------------------ feeding
    def feed(self, chunk: bytes) -> None:
        """Parse one chunk of the body."""
        self.received += len(chunk)
        if self.received > self.max_bytes:
            raise UploadError(
                f"the upload is larger than the limit of {_mib(self.max_bytes)}", status=413
            )
        self._parser.write(chunk)

    def finish(self) -> tuple[dict[str, list[str]], list[StagedFile]]:
        """The text fields and the staged files; raises the first problem met, if any."""
        self._parser.finalize()
        if self.error is not None:
            raise self.error
        return self.fields, self.files

    def discard(self) -> None:
        """Remove every temporary file (after an error, or when the caller refuses the form)."""
        part = self._part
        if part.out is not None:
            part.out.close()
        for path in [part.tmp, *(f.tmp_path for f in self.files)]:
            if path is not None:
                path.unlink(missing_ok=True)
        self.files = []

    # ------------------------------------------------------------------ parser callbacks
    def _begin(self) -> None:
        self._parts += 1
        if self._parts > MAX_PARTS:
            raise UploadError(f"the form has more than {MAX_PARTS} parts")
        self._part = _Part()
        self._headers = {}

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        key = self._header_name.lower()
        self._headers[key] = self._headers.get(key, b"") + data[start:end]

    def _header_end(self) -> None:
        self._header_name = b""

    def _headers_done(self) -> None:
        _, options = parse_options_header(self._headers.get(b"content-disposition", b""))
        part = self._part
        part.name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        if filename is not None:
            part.filename = Path(filename.decode("utf-8", "replace").replace("\\", "/")).name
            part.rule = self.rules.get(part.name)

    def _data(self, data: bytes, start: int, end: int) -> None:
        part, chunk = self._part, data[start:end]
        if part.filename is None:
            part.text += chunk
            if len(part.text) > MAX_TEXT_FIELD_BYTES:
                raise UploadError(f"the form field {part.name!r} is too long")
            return
        if part.rule is None or self.error is not None:
            return  # a file in a field we do not take, or the request already failed
        part.size += len(chunk)
        if part.size > part.rule.max_bytes:
            self._refuse(
                f"is larger than the limit of {_mib(part.rule.max_bytes)} for this field",
                status=413,
            )
            return
        if part.format is None:
            part.head += chunk
            if len(part.head) >= SNIFF_BYTES:
                self._decide()
            return
        self._write(chunk)

    def _end(self) -> None:
        part = self._part
        if part.filename is None:
            self.fields.setdefault(part.name, []).append(part.text.decode("utf-8", "replace"))
            return
        if part.rule is None or self.error is not None or (not part.filename and not part.size):
            return  # an empty file input sends a nameless, empty part: nothing chosen
        if part.format is None:
            self._decide()
        if self.error is not None or part.out is None or part.tmp is None:
            return
        part.out.close()
        part.out = None
        self.files.append(
            StagedFile(
                part.name,
                part.filename or "upload",
                part.tmp,
                part.digest.hexdigest(),
                part.size,
                part.format or "",
            )
        )
        part.tmp = None
        self._check_count(part.rule)

    # ------------------------------------------------------------------ helpers
    def _decide(self) -> None:
        part = self._part
        assert part.rule is not None
        head = bytes(part.head)
        part.format = part.rule.sniffer(head)
        if part.format is None:
            self._refuse(
                f"is not {part.rule.expected}: it looks like {describe_head(head)}", status=415
            )
            return
        fd, name = tempfile.mkstemp(dir=self.blobs.root, prefix=".incoming-")
        part.out, part.tmp = os.fdopen(fd, "wb"), Path(name)
        self._write(head)

    def _write(self, chunk: bytes) -> None:
        part = self._part
        if part.out is not None:
            part.out.write(chunk)
            part.digest.update(chunk)

    def _refuse(self, problem: str, *, status: int) -> None:
        part = self._part
        assert part.rule is not None
        self.error = UploadError(f"{part.rule.label} ({part.filename}): {problem}", status=status)
        if part.out is not None:
            part.out.close()
            part.out = None
        if part.tmp is not None:
            part.tmp.unlink(missing_ok=True)
            part.tmp = None

    def _check_count(self, rule: FileRule) -> None:
        count = sum(1 for f in self.files if f.field == rule.field)
        if count > rule.max_files:
            self.error = UploadError(
                f"{rule.label}: at most {rule.max_files} file(s) at a time; zip a folder instead"
            )


def _mib(n_bytes: int) -> str:
    """A byte count in MiB for messages.

    Examples
    --------
    >>> _mib(3 * 2**20), _mib(1536)
    ('3 MiB', '0.001465 MiB')
    """
    return f"{n_bytes / 2**20:.4g} MiB"


def store_staged(
    session: Session, blobs: BlobStore, runner_id: int, staged: StagedFile, kind: str
) -> Artifact:
    """Move a staged file into the content-addressed store and record it as the runner's."""
    blobs.adopt(staged.tmp_path, staged.sha256)
    artifact = Artifact(
        runner_id=runner_id,
        sha256=staged.sha256,
        kind=kind,
        media_type=MEDIA_TYPES.get(staged.format, "application/gzip"),
        original_name=staged.original_name[:255],
        size_bytes=staged.size_bytes,
    )
    session.add(artifact)
    session.flush()
    return artifact
