"""Small helpers for hand-written, accessible SVG: the root element, a linear scale, numbers.

Every chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` it is labelled by, a
``viewBox`` and no fixed size, so it scales with the page and prints crisply. Ids come from the
caller, so the same data always gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


def esc(text: str) -> str:
    """Escape text for SVG element content and attribute values.

    Examples
    --------
    >>> esc('a < "b"')
    'a &lt; &quot;b&quot;'
    """
    return escape(text, quote=True)


def num(x: float) -> str:
    """A coordinate with at most 2 decimals and no trailing zeros.

    Examples
    --------
    >>> num(12.0), num(3.14159), num(-0.004)
    ('12', '3.14', '0')
    """
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def root(chart_id: str, title: str, desc: str, width: int, height: int, body: str) -> str:
    """The ``<svg>`` element around ``body``, labelled by its title and description."""
    cid = esc(chart_id)
    return (
        f'<svg class="chart" id="{cid}" role="img" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{cid}-t {cid}-d" '
        f'aria-label="{esc(title)}">'
        f'<title id="{cid}-t">{esc(title)}</title><desc id="{cid}-d">{esc(desc)}</desc>'
        f"{body}</svg>"
    )


@dataclass(frozen=True)
class Scale:
    """A linear map from a data interval onto a pixel interval.

    Examples
    --------
    >>> Scale(0.0, 10.0, 100.0, 200.0)(2.5)
    125.0
    >>> Scale(5.0, 5.0, 0.0, 10.0)(5.0)  # a zero-width domain maps to the middle
    5.0
    """

    lo: float
    hi: float
    px_lo: float
    px_hi: float

    def __call__(self, x: float) -> float:
        if self.hi == self.lo:
            return 0.5 * (self.px_lo + self.px_hi)
        return self.px_lo + (x - self.lo) / (self.hi - self.lo) * (self.px_hi - self.px_lo)


def padded(values: list[float], share: float = 0.08) -> tuple[float, float]:
    """The range of ``values`` widened by ``share`` on each side (a point gets +-1).

    Examples
    --------
    >>> padded([0.0, 10.0])
    (-0.8, 10.8)
    >>> padded([4.0])
    (3.0, 5.0)
    """
    lo, hi = min(values), max(values)
    pad = (hi - lo) * share if hi > lo else 1.0
    return lo - pad, hi + pad
