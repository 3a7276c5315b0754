"""What an uploaded file really is, from its first bytes (never from its name or the browser).

A phone video is an ISO base-media file (MP4, MOV): its first box is ``ftyp`` (or, in older
QuickTime files, ``moov``, ``mdat``, ``wide``, ``free``, ``skip`` or ``pnot``), its type sitting at
bytes 4-8. A FIT file has a 12- or 14-byte header with ``.FIT`` at bytes 8-12 (Garmin FIT
protocol, file header). GPX and TCX are XML whose root element is ``gpx`` or
``TrainingCenterDatabase``. A ZIP archive starts with the local-file-header signature
``PK\\x03\\x04`` (PKWARE APPNOTE 4.3.7); gzip with ``\\x1f\\x8b`` (RFC 1952), and what is inside a
gzip is sniffed the same way from its first decompressed bytes.
"""

from __future__ import annotations

import re
import zlib

#: How many leading bytes are enough to decide.
SNIFF_BYTES = 4096

VIDEO_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")
XML_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(gpx|TrainingCenterDatabase)[\s>/]")
#: File name extension of each format, for the names jobs give files.
EXTENSIONS = {
    "mp4": ".mp4",
    "mov": ".mov",
    "fit": ".fit",
    "gpx": ".gpx",
    "tcx": ".tcx",
    "zip": ".zip",
    "fit.gz": ".fit.gz",
    "gpx.gz": ".gpx.gz",
    "tcx.gz": ".tcx.gz",
}
VIDEO_FORMATS = frozenset({"mp4", "mov"})
ACTIVITY_FORMATS = frozenset({"fit", "gpx", "tcx", "zip", "fit.gz", "gpx.gz", "tcx.gz"})


def sniff_video(head: bytes) -> str | None:
    """``"mov"`` or ``"mp4"`` for an ISO base-media file, else None.

    Examples
    --------
    >>> sniff_video(b"\\x00\\x00\\x00\\x20ftypisom"), sniff_video(b"\\x00\\x00\\x00\\x14ftypqt  ")
    ('mp4', 'mov')
    >>> sniff_video(b"GIF89a") is None
    True
    """
    if len(head) < 12 or head[4:8] not in VIDEO_BOXES:
        return None
    if head[4:8] == b"ftyp":
        return "mov" if head[8:12] == b"qt  " else "mp4"
    return "mov"


def _sniff_plain_activity(head: bytes) -> str | None:
    if len(head) >= 12 and head[0] in (12, 14) and head[8:12] == b".FIT":
        return "fit"
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith(b"<"):
        match = XML_ROOT.search(text)
        if match:
            return "gpx" if match.group(1) == b"gpx" else "tcx"
    return None


def sniff_activity(head: bytes) -> str | None:
    """The format of an activity upload (``fit``, ``gpx``, ``tcx``, ``zip``, ``fit.gz``...).

    Examples
    --------
    >>> import gzip
    >>> sniff_activity(b'<?xml version="1.0"?>\\n<gpx version="1.1">')
    'gpx'
    >>> sniff_activity(gzip.compress(b"<TrainingCenterDatabase xmlns='x'>"))
    'tcx.gz'
    >>> sniff_activity(b"PK\\x03\\x04rest"), sniff_activity(b"hello") is None
    ('zip', True)
    """
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        try:
            inner = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, SNIFF_BYTES)
        except zlib.error:
            return None
        kind = _sniff_plain_activity(inner)
        return None if kind is None else f"{kind}.gz"
    return _sniff_plain_activity(head)


def describe_head(head: bytes) -> str:
    """A few words on what a refused file looks like, for the error message.

    Examples
    --------
    >>> describe_head(b"%PDF-1.7"), describe_head(b"")
    ('a PDF document', 'an empty file')
    """
    known = {
        b"%PDF": "a PDF document",
        b"\x89PNG": "a PNG image",
        b"\xff\xd8\xff": "a JPEG image",
        b"GIF8": "a GIF image",
        b"\x1aE\xdf\xa3": "a Matroska/WebM video",
        b"RIFF": "a RIFF file (AVI or WAV)",
        b"PK\x03\x04": "a ZIP archive",
    }
    if not head:
        return "an empty file"
    for magic, words in known.items():
        if head.startswith(magic):
            return words
    return "a file of an unknown type"
