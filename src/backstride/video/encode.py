"""Writing H.264 MP4 files frame by frame with real timestamps (PyAV).

Used for annotated videos and by `synth.render`; frames are encoded as they come, so a long clip
is never held in memory. A portrait clip can be stored landscape with a rotation tag, as phones do.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import cv2
import numpy as np

TIME_BASE = Fraction(1, 90000)


class VideoWriter:
    """An MP4 being written; use as a context manager and call `write` per frame.

    Parameters
    ----------
    path : Path
        Output file; written to ``.<name>.part`` and renamed when closed without error.
    size : (width, height)
        Stored frame size (landscape for a rotated portrait clip).
    fps : float
        Nominal rate written in the container.
    rotate_portrait : bool
        Store displayed-portrait frames turned 90 degrees with a display-rotation tag.
    """

    def __init__(
        self,
        path: Path,
        size: tuple[int, int],
        fps: float,
        *,
        crf: int = 20,
        rotate_portrait: bool = False,
    ) -> None:
        self.path = path
        self._tmp = path.with_name(f".{path.name}.{os.getpid()}.part")  # unique per process
        self._rotate = rotate_portrait
        path.parent.mkdir(parents=True, exist_ok=True)
        self._container = av.open(str(self._tmp), "w", format="mp4")
        stream = self._container.add_stream("libx264", rate=Fraction(fps).limit_denominator(1001))
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": "veryfast"}
        stream.codec_context.time_base = TIME_BASE
        stream.time_base = TIME_BASE
        if rotate_portrait:
            stream.set_display_rotation(-90)  # display = stored turned 90 degrees clockwise
        self._stream = stream

    def write(self, image_bgr: np.ndarray, time_s: float) -> None:
        """Encode one displayed frame at ``time_s`` seconds (container time)."""
        stored = (
            cv2.rotate(image_bgr, cv2.ROTATE_90_COUNTERCLOCKWISE) if self._rotate else image_bgr
        )
        frame = av.VideoFrame.from_ndarray(np.asarray(stored, np.uint8), format="bgr24")
        frame.pts = round(time_s / TIME_BASE)
        frame.time_base = TIME_BASE
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            for packet in self._stream.encode():
                self._container.mux(packet)
        self._container.close()
        if exc_type is None:
            self._tmp.replace(self.path)
        else:
            self._tmp.unlink(missing_ok=True)
