"""Key frames for the report: which ones, their alt text, and a downscaled ``data:`` URI.

The video stage saves a PNG at each strike and mid-stance (side) or stance (rear); the report
shows the first of each kind per foot, downscaled to at most ``MAX_WIDTH_PX`` wide and
re-encoded as JPEG so a report with six frames stays a few hundred kilobytes.
"""

from __future__ import annotations

import base64
import re

import cv2
import numpy as np

from backstride.errors import DataError
from backstride.report.data import View

MAX_WIDTH_PX = 800
JPEG_QUALITY = 82

#: The frames the report shows, by file stem, in order.
WANTED: dict[View, tuple[str, ...]] = {
    "side": ("right_strike_1", "right_midstance_1", "left_strike_1", "left_midstance_1"),
    "rear": ("left_stance_1", "right_stance_1"),
}

_WHAT = {
    "strike": "at foot strike: the skeleton with the shin angle and, on the near leg, how far the "
    "heel lands ahead of the pelvis",
    "midstance": "at mid-stance: the skeleton with the forward trunk lean",
    "stance": "at mid-stance seen from behind: the skeleton with the pelvis line and its drop",
}


def frame_label(view: View, stem: str) -> str:
    """A caption from a frame's file stem.

    Examples
    --------
    >>> frame_label("side", "right_strike_1")
    'Side view, right foot strike'
    >>> frame_label("rear", "left_stance_1")
    'Rear view, left foot stance'
    """
    match = re.fullmatch(r"(left|right)_(strike|midstance|stance)_\d+", stem)
    if match is None:
        return f"{view.capitalize()} view, {stem.replace('_', ' ')}"
    side, kind = match.groups()
    kind = "mid-stance" if kind == "midstance" else kind
    return f"{view.capitalize()} view, {side} foot {kind}"


def frame_alt(view: View, stem: str) -> str:
    """Alt text saying what the annotated frame shows."""
    match = re.fullmatch(r"(left|right)_(strike|midstance|stance)_\d+", stem)
    what = "" if match is None else " " + _WHAT[match.group(2)]
    return f"{frame_label(view, stem)}{what}."


def downscaled_jpeg(png: bytes, *, max_width_px: int = MAX_WIDTH_PX) -> tuple[bytes, int, int]:
    """Decode an image, shrink it to ``max_width_px`` wide if wider, encode as JPEG.

    Returns the JPEG bytes and the width and height in pixels. Raises `DataError` when the bytes
    are not an image.

    Examples
    --------
    >>> ok, png = cv2.imencode(".png", np.zeros((900, 1600, 3), np.uint8))
    >>> _, w, h = downscaled_jpeg(png.tobytes())
    >>> (w, h)
    (800, 450)
    """
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise DataError("a stored key frame is not a readable image")
    h, w = image.shape[:2]
    if w > max_width_px:
        h, w = round(h * max_width_px / w), max_width_px
        image = cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA)
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise DataError("a key frame could not be encoded as JPEG")
    return jpeg.tobytes(), w, h


def data_uri(jpeg: bytes) -> str:
    """A ``data:image/jpeg;base64,...`` URI.

    Examples
    --------
    >>> data_uri(b"abc")
    'data:image/jpeg;base64,YWJj'
    """
    return "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
