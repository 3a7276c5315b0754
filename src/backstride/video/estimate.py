"""Run a pose backend over every frame of a video, with progress, into a `PoseSequence`."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

import numpy as np

from backstride.video.decode import Frame, VideoInfo, iter_frames
from backstride.video.pose import PoseBackend, PoseSequence

#: Frames are scaled down to this height before pose estimation: BlazePose works on a 256 px
#: crop of the person, so larger frames only cost decoding and copying time.
POSE_MAX_HEIGHT = 720
#: Decoded frames waiting for the pose model (bounds memory whatever the clip's length).
QUEUE_FRAMES = 8
_DONE = object()


def prefetch(frames: Iterator[Frame], depth: int = QUEUE_FRAMES) -> Iterator[Frame]:
    """Decode in a background thread while the caller works on earlier frames.

    PyAV releases the interpreter lock while decoding and scaling, so on two cores decoding and
    pose estimation overlap. At most ``depth`` frames wait in memory. An error in the decoding
    thread is raised in the caller.
    """
    q: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def work() -> None:
        try:
            for frame in frames:
                if stop.is_set():
                    return
                q.put(frame)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            q.put(exc)
        finally:
            q.put(_DONE)

    thread = threading.Thread(target=work, name="backstride-decode", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            try:
                q.get_nowait()
            except queue.Empty:
                thread.join(timeout=0.05)


def estimate_pose(
    info: VideoInfo,
    backend: PoseBackend,
    *,
    progress: Callable[[int, int], None] | None = None,
    max_height: int = POSE_MAX_HEIGHT,
) -> PoseSequence:
    """Landmarks of the most prominent person in every frame, in displayed full-size pixels."""
    times: list[float] = []
    rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    nan = np.full((33, 2), np.nan)
    total = max(info.frames, 1)
    for frame in prefetch(iter_frames(info, max_height=max_height)):
        h, w = frame.image.shape[:2]
        sx, sy = info.width / w, info.height / h
        result = backend.detect(frame.image, frame.time_s)
        times.append(frame.time_s)
        if result is None:
            rows.append((nan, np.zeros(33), np.full(33, np.nan)))
        else:
            xy = result.xy_px * np.array([sx, sy])
            rows.append((xy, result.visibility, result.depth * sx))
        if progress is not None:
            progress(len(times), total)
    t = np.asarray(times)
    if not rows:
        return PoseSequence.empty(t, (info.width, info.height), backend.name)
    return PoseSequence(
        xy_px=np.stack([r[0] for r in rows]),
        visibility=np.stack([r[1] for r in rows]),
        depth=np.stack([r[2] for r in rows]),
        times_s=t,
        frame_size=(info.width, info.height),
        backend=backend.name,
    )
