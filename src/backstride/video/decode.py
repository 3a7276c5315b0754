"""Reading a phone video: real timestamps, rotation, slow motion, one frame at a time.

Phones record variable frame rate, store portrait video as landscape frames with a rotation tag,
and write slow-motion clips whose container says 30 fps while the sensor captured 240. We read
the presentation timestamp of every frame (never assume a constant rate), turn frames upright,
and, when the user tells us the capture rate, stretch time back to real time. Frames are yielded
one by one, so memory does not grow with the clip's length.

PyAV and FFmpeg errors are mapped here to `VideoError` with the file's name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from pydantic import BaseModel, ConfigDict

from backstride.errors import InputError


class VideoError(InputError):
    """The file is missing, empty, not a video, or cannot be decoded."""


class VideoInfo(BaseModel):
    """What the container says about a video, with display size after rotation."""

    model_config = ConfigDict(frozen=True)

    path: Path
    width: int  # displayed (after rotation)
    height: int
    rotation_deg: int  # counter-clockwise rotation applied for display
    container_fps: float  # average frame rate the container reports
    capture_fps: float  # real frames per second (differs for slow motion)
    frames: int  # frame count (from the container, or estimated)
    duration_s: float  # real time covered
    codec: str

    @property
    def slow_motion_factor(self) -> float:
        """How many times slower than real time the file plays (1 for normal video)."""
        return self.capture_fps / self.container_fps


@dataclass(frozen=True)
class Frame:
    """One decoded frame, upright, with its real time from the start of the clip."""

    index: int
    time_s: float
    image: np.ndarray  # (H, W, 3) uint8 RGB


def _open(path: Path) -> av.container.InputContainer:
    if not path.exists():
        raise VideoError("file not found", path=path)
    if path.is_dir():
        raise VideoError("is a folder, not a video file", path=path)
    if path.stat().st_size == 0:
        raise VideoError("the file is empty (0 bytes)", path=path)
    try:
        container = av.open(str(path), mode="r")
    except av.error.FFmpegError as exc:
        raise VideoError(
            f"not a video file this tool can read ({exc.strerror})", path=path
        ) from None
    if not container.streams.video:
        container.close()
        raise VideoError("the file has no video track", path=path)
    return container


def _rotation(stream: av.video.stream.VideoStream, first: av.VideoFrame | None) -> int:
    rot = round(first.rotation) if first is not None and first.rotation else 0
    return rot % 360


def probe(path: Path, *, capture_fps: float | None = None) -> VideoInfo:
    """Read a video's properties (decodes only the first frame).

    ``capture_fps`` is the real capture rate of a slow-motion file; without it the container's
    rate is taken as real time.
    """
    with _open(path) as container:
        stream = container.streams.video[0]
        try:
            first = next(container.decode(stream), None)
        except av.error.FFmpegError as exc:
            raise VideoError(f"the video cannot be decoded ({exc.strerror})", path=path) from None
        if first is None:
            raise VideoError("the video has no frames", path=path)
        rot = _rotation(stream, first)
        rate = stream.average_rate or stream.guessed_rate or Fraction(30)
        container_fps = float(rate)
        frames = int(stream.frames or 0)
        tb = stream.time_base
        duration = float(stream.duration * tb) if stream.duration and tb else 0.0
        if not frames and duration:
            frames = round(duration * container_fps)
        w, h = first.width, first.height
        if rot in (90, 270):
            w, h = h, w
        real_fps = capture_fps or container_fps
        return VideoInfo(
            path=path,
            width=w,
            height=h,
            rotation_deg=rot,
            container_fps=container_fps,
            capture_fps=real_fps,
            frames=frames,
            duration_s=duration * container_fps / real_fps,
            codec=stream.codec_context.name,
        )


def _upright(image: np.ndarray, rotation_deg: int) -> np.ndarray:
    """Turn a stored frame upright: rotate counter-clockwise by the display rotation."""
    k = (rotation_deg // 90) % 4
    return np.ascontiguousarray(np.rot90(image, k=k)) if k else image


def iter_frames(
    info: VideoInfo,
    *,
    max_height: int | None = None,
    start_s: float = 0.0,
    end_s: float | None = None,
) -> Iterator[Frame]:
    """Yield upright RGB frames with real timestamps (seconds from the first frame).

    ``max_height`` scales frames down (in FFmpeg, before they reach Python) when the displayed
    height is larger; landmark coordinates are later scaled back by the caller.
    """
    scale = 1.0
    if max_height and info.height > max_height:
        scale = max_height / info.height
    stretch = info.container_fps / info.capture_fps
    with _open(info.path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        t0: float | None = None
        index = 0
        try:
            for frame in container.decode(stream):
                if frame.time is None:
                    continue
                t = float(frame.time)
                t0 = t if t0 is None else t0
                t_real = (t - t0) * stretch
                if t_real < start_s:
                    continue
                if end_s is not None and t_real > end_s:
                    break
                # Stored size: swap back when the display is rotated by 90 or 270 degrees.
                w, h = frame.width, frame.height
                if scale < 1.0:
                    w, h = int(round(w * scale / 2) * 2), int(round(h * scale / 2) * 2)
                # AREA: proper downsampling, and about 1.4x faster than FFmpeg's default bicubic
                image = frame.to_ndarray(format="rgb24", width=w, height=h, interpolation="AREA")
                yield Frame(index=index, time_s=t_real, image=_upright(image, info.rotation_deg))
                index += 1
        except av.error.FFmpegError as exc:
            if index == 0:
                raise VideoError(
                    f"the video cannot be decoded ({exc.strerror})", path=info.path
                ) from None
            # A truncated file: keep what decoded; the caller sees fewer frames than expected.
            return
