"""Safe, streaming XML for GPX and TCX, with the errors mapped to ours.

GPX and TCX arrive from anywhere (exports, forums, mail). Entities can only be declared in a
document type declaration (``<!DOCTYPE ... [...]>``) before the root element, so:

- a file whose prolog has a ``<!DOCTYPE``, or that is not plain UTF-8/ASCII up to its root
  element (UTF-16 and friends could hide one), is read with defusedxml, which refuses entity
  declarations (the "billion laughs" expansion attack) and external references outright;
- every other file, which cannot declare an entity, is read with the standard C-accelerated
  ``iterparse`` (defusedxml's parser is pure Python and about twice as slow); an undeclared entity
  reference is then simply malformed XML.

A file that is not XML, or whose root element is not the expected one, is an `InputError`; a
file that breaks off part-way (a cut download) keeps what was read and records the damage, like
a truncated FIT file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.etree.ElementTree import iterparse as fast_iterparse

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse as defused_iterparse

from backstride.errors import InputError
from backstride.training.ingest.raw import local_name

HEAD_BYTES = 64 * 1024
_FIRST_TAG = re.compile(rb"<(?![?!])([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_UNSAFE_START = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")


def root_of(head: bytes) -> tuple[str | None, bool]:
    """The local name of the first element in ``head``, and whether the prolog before it may
    declare entities (a DOCTYPE, or an encoding this sniff cannot read).

    Examples
    --------
    >>> root_of(b'<?xml version="1.0"?><!-- x --><gpx version="1.1">')
    ('gpx', False)
    >>> root_of(b'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY a "b">]><gpx>')
    ('gpx', True)
    """
    if head.startswith(_UNSAFE_START) or b"\x00" in head:
        return None, True
    match = _FIRST_TAG.search(re.sub(rb"<!--.*?-->", b"", head, flags=re.S))
    if match is None:
        return None, True
    prolog = head[: head.find(b"<" + (match.group(1) or b"") + match.group(2))]
    return match.group(2).decode("ascii", "replace"), b"<!DOCTYPE" in prolog.upper()


class SafeXml:
    """Iterate the elements of a GPX or TCX file safely, as each one ends.

    Parameters
    ----------
    path
        The file.
    root
        The required root element (``"gpx"``, ``"TrainingCenterDatabase"``).
    kind
        The format's name for messages (``"GPX"``).

    Attributes
    ----------
    damage
        Set when the XML broke off after the root element: what was read before is usable.
    head
        The first 64 KiB of the file (readers take root attributes such as ``creator`` from it).
    """

    def __init__(self, path: Path, *, root: str, kind: str) -> None:
        self.path = path
        self.root = root
        self.kind = kind
        self.damage: str | None = None
        self.head = b""

    def _parser(self) -> Iterator[tuple[str, Any]]:
        with self.path.open("rb") as stream:
            self.head = stream.read(HEAD_BYTES)
        name, needs_defusing = root_of(self.head)
        if not needs_defusing and name != self.root:
            raise InputError(f"is not a {self.kind} file (its first element is <{name}>)")
        if needs_defusing:
            return defused_iterparse(
                str(self.path),
                events=("start", "end"),
                forbid_dtd=False,
                forbid_entities=True,
                forbid_external=True,
            )
        return fast_iterparse(str(self.path), events=("end",))

    def __iter__(self) -> Iterator[Any]:
        checked = False
        try:
            for event, element in self._parser():
                if event == "end":
                    yield element
                elif not checked:  # only the defused path asks for start events
                    self._check_root(element)
                    checked = True
        except DefusedXmlException as exc:
            raise InputError(
                f"declares XML entities or external references ({type(exc).__name__}); refused, "
                "as such files can expand to gigabytes (an entity-expansion attack)"
            ) from None
        except ParseError as exc:
            if not self.head.strip() or root_of(self.head)[0] is None:
                raise InputError(f"is not a {self.kind} file (not XML: {exc})") from None
            self.damage = f"the XML breaks off or is malformed ({exc})"

    def _check_root(self, element: Any) -> None:
        name = local_name(element.tag)
        if name != self.root:
            raise InputError(f"is not a {self.kind} file (its first element is <{name}>)")

    def root_attribute(self, name: str) -> str | None:
        """An attribute of the root element, from the file's head (e.g. GPX ``creator``)."""
        match = re.search(
            rb"<(?:[\w.\-]+:)?"
            + self.root.encode()
            + rb"\b[^>]*?\s"
            + name.encode()
            + rb'\s*=\s*["\']([^"\']*)',
            self.head,
        )
        return match.group(1).decode("utf-8", "replace") if match else None
