"""Run a pose backend over every frame of a video, with progress, into a `PoseSequence`."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterator

import numpy as np

from backstride.skeleton import N_LANDMARKS, Landmark
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


#: Detected frames used to decide which way a side-view runner faces before the full pass.
FACING_FRAMES = 30


def mirror_landmarks(xy: np.ndarray, width: int) -> np.ndarray:
    """Landmarks found on a horizontally mirrored frame, put back into the original frame:
    x reflected and left/right labels exchanged (the mirror's left is the runner's right)."""
    out = xy[..., MIRROR, :].copy()
    out[..., 0] = width - out[..., 0]
    return out


def _mirror_index() -> list[int]:
    index = list(range(N_LANDMARKS))
    for lm in Landmark:
        for a, b in (("LEFT_", "RIGHT_"), ("RIGHT_", "LEFT_")):
            if lm.name.startswith(a):
                index[lm] = Landmark[b + lm.name[len(a) :]]
    return index


MIRROR = _mirror_index()


def _faces_left(rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> bool | None:
    """From the first detected frames: does the runner face left? None until enough frames."""
    found = [xy for xy, _, _ in rows if np.isfinite(xy[0, 0])]
    if len(found) < FACING_FRAMES:
        return None
    xy = np.stack(found)
    votes = np.concatenate(
        [
            xy[:, Landmark.LEFT_FOOT_INDEX, 0] - xy[:, Landmark.LEFT_HEEL, 0],
            xy[:, Landmark.RIGHT_FOOT_INDEX, 0] - xy[:, Landmark.RIGHT_HEEL, 0],
            xy[:, Landmark.NOSE, 0]
            - 0.5 * (xy[:, Landmark.LEFT_EAR, 0] + xy[:, Landmark.RIGHT_EAR, 0]),
        ]
    )
    return bool(np.nansum(np.sign(votes)) < 0)


def estimate_pose(
    info: VideoInfo,
    backend: PoseBackend,
    *,
    progress: Callable[[int, int], None] | None = None,
    max_height: int = POSE_MAX_HEIGHT,
    face_right: bool = False,
) -> PoseSequence:
    """Landmarks of the most prominent person in every frame, in displayed full-size pixels.

    With ``face_right`` (side views), a runner found facing left in the first frames is analysed
    on mirrored frames and the landmarks mirrored back: BlazePose's toe-off-phase landmarks
    are markedly better on right-facing runners (measured: contact-time error -53 ms facing
    left vs -9 ms on the same clip mirrored). The result is in the original orientation.
    """
    flip = False
    while True:
        rows, times, restart = _run(info, backend, progress, max_height, flip, face_right)
        if not restart:
            break
        flip = True
        backend.reset()
    t = np.asarray(times)
    if not rows:
        return PoseSequence.empty(t, (info.width, info.height), backend.name)
    seq = PoseSequence(
        xy_px=np.stack([r[0] for r in rows]),
        visibility=np.stack([r[1] for r in rows]),
        depth=np.stack([r[2] for r in rows]),
        times_s=t,
        frame_size=(info.width, info.height),
        backend=backend.name,
    )
    if flip:
        seq.notes.append("runner faces left: analysed on mirrored frames")
    return seq


def _run(
    info: VideoInfo,
    backend: PoseBackend,
    progress: Callable[[int, int], None] | None,
    max_height: int,
    flip: bool,
    face_right: bool,
) -> tuple[list[tuple[np.ndarray, np.ndarray, np.ndarray]], list[float], bool]:
    """One pass over the frames; returns (rows, times, restart-mirrored?)."""
    times: list[float] = []
    rows: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    nan = np.full((N_LANDMARKS, 2), np.nan)
    total = max(info.frames, 1)
    decided = flip or not face_right
    for frame in prefetch(iter_frames(info, max_height=max_height)):
        h, w = frame.image.shape[:2]
        sx, sy = info.width / w, info.height / h
        image = np.ascontiguousarray(frame.image[:, ::-1]) if flip else frame.image
        result = backend.detect(image, frame.time_s)
        times.append(frame.time_s)
        if result is None:
            rows.append((nan, np.zeros(N_LANDMARKS), np.full(N_LANDMARKS, np.nan)))
        else:
            xy = result.xy_px * np.array([sx, sy])
            vis, depth = result.visibility, result.depth * sx
            if flip:
                xy = mirror_landmarks(xy, info.width)
                vis, depth = vis[MIRROR], depth[MIRROR]
            rows.append((xy, vis, depth))
        if progress is not None:
            progress(len(times), total)
        if not decided:
            left = _faces_left(rows)
            if left is not None:
                decided = True
                if left:
                    return rows, times, True
    return rows, times, False
