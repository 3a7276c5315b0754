"""Safe, streaming XML for GPX and TCX: defusedxml's iterparse, with its errors mapped to ours.

GPX and TCX arrive from anywhere (exports, forums, mail), so entity declarations (the "billion
laughs" expansion attack) and external references are refused outright by defusedxml. A file
that is not XML, or whose root is not the expected one, is an `InputError`; a file that breaks
off part-way (a cut download) keeps what was read and records the damage, like a truncated FIT.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from backstride.errors import InputError
from backstride.training.ingest.raw import local_name


class SafeXml:
    """Iterate ``(event, element)`` pairs of a GPX or TCX file safely.

    Parameters
    ----------
    path
        The file.
    root
        The required first element (``"gpx"``, ``"TrainingCenterDatabase"``).
    kind
        The format's name for messages (``"GPX"``).

    Attributes
    ----------
    damage
        Set when the XML broke off after the root element: what was read before is usable.
    """

    def __init__(self, path: Path, *, root: str, kind: str) -> None:
        self.path = path
        self.root = root
        self.kind = kind
        self.damage: str | None = None

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        events = iterparse(
            str(self.path),
            events=("start", "end"),
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        )
        first = True
        try:
            for event, element in events:
                if first:
                    first = False
                    self._check_root(element)
                yield event, element
        except DefusedXmlException as exc:
            raise InputError(
                f"declares XML entities or external references ({type(exc).__name__}); refused, "
                "as such files can expand to gigabytes (an entity-expansion attack)"
            ) from None
        except ParseError as exc:
            if first:
                raise InputError(f"is not a {self.kind} file (not XML: {exc})") from None
            self.damage = f"the XML breaks off or is malformed ({exc})"

    def _check_root(self, element: Any) -> None:
        name = local_name(element.tag)
        if name != self.root:
            raise InputError(f"is not a {self.kind} file (its first element is <{name}>)")
