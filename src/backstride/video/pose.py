"""Pose estimation behind one small protocol; MediaPipe BlazePose "full" is the default backend.

A backend turns an upright RGB frame into 33 landmarks in pixels (BlazePose topology, see
`backstride.skeleton`) with a visibility per landmark, or nothing when no person is found. The
rest of the pipeline sees only `PoseSequence`, so another model can be added by writing one class.

BlazePose "full" ships inside the mediapipe 0.10.21 wheel: nothing is downloaded at run time. We
never ask for "lite" or "heavy": those are not bundled and mediapipe would try to download them.

References
----------
Bazarevsky V. et al. BlazePose: On-device Real-time Body Pose tracking. arXiv:2006.10204, 2020.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from backstride.skeleton import N_LANDMARKS


@dataclass(frozen=True)
class PoseResult:
    """Landmarks of one person in one frame: (33, 2) pixels, (33,) visibility, (33,) depth."""

    xy_px: NDArray[np.float64]
    visibility: NDArray[np.float64]
    depth: NDArray[np.float64]  # relative depth (BlazePose z, scaled like x): smaller is nearer


class PoseBackend(Protocol):
    """What a pose model must do for backstride.

    A backend that answers from stored landmarks rather than pixels sets ``replays = True``
    (`replay.ReplayPose`), so frames are never mirrored for it.
    """

    name: str

    def detect(self, image: NDArray[np.uint8], time_s: float) -> PoseResult | None:
        """Landmarks of the most prominent person in an upright RGB frame, or None."""
        ...

    def reset(self) -> None:
        """Forget any tracking state (the next frame is detected from scratch)."""
        ...

    def close(self) -> None:
        """Release the model."""
        ...


#: File descriptor 2 is process-wide: pose workers in parallel threads must not interleave
#: silencing it, or one thread saves the other's /dev/null as "the real stderr" and every later
#: message (our error lines included) is lost.
_STDERR_LOCK = threading.Lock()


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence the C++ logging mediapipe prints when a graph starts (it is not actionable)."""
    with _STDERR_LOCK:
        try:
            fd = os.dup(2)
        except OSError:  # no real stderr (e.g. captured by pytest): nothing to silence
            yield None
            return
        with Path(os.devnull).open("w") as devnull:
            os.dup2(devnull.fileno(), 2)
            try:
                yield None
            finally:
                os.dup2(fd, 2)
                os.close(fd)


#: Calls during which mediapipe's C++ start-up logging is silenced.
WARM_CALLS = 5


class MediaPipePose:
    """BlazePose "full" (model_complexity=1) from the bundled mediapipe wheel.

    ``tracking=True`` uses BlazePose's own tracker (the previous frame's landmarks give the next
    region of interest), which is how it reaches ~50 fps on two cores; ``tracking=False`` detects
    every image from scratch (for crops and still images).
    """

    name = "mediapipe-blazepose-full-0.10.21"

    def __init__(self, *, tracking: bool = True, min_confidence: float = 0.5) -> None:
        os.environ.setdefault("GLOG_minloglevel", "2")
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import mediapipe as mp  # heavy import, only when a video is analysed

        self._mp = mp
        self._tracking = tracking
        self._min_confidence = min_confidence
        self._pose = self._make()
        self._warm = 0

    def _make(self) -> object:
        with _quiet_stderr(), contextlib.redirect_stdout(io.StringIO()):
            return self._mp.solutions.pose.Pose(
                static_image_mode=not self._tracking,
                model_complexity=1,
                smooth_landmarks=False,  # we filter ourselves, zero-phase, with known cut-offs
                enable_segmentation=False,
                min_detection_confidence=self._min_confidence,
                min_tracking_confidence=self._min_confidence,
            )

    def detect(self, image: NDArray[np.uint8], time_s: float) -> PoseResult | None:
        """Run BlazePose on one upright RGB frame."""
        h, w = image.shape[:2]
        if self._warm < WARM_CALLS:  # the first calls load the models and log to stderr
            with _quiet_stderr():
                result = self._pose.process(image)  # type: ignore[attr-defined]
            self._warm += 1
        else:
            result = self._pose.process(image)  # type: ignore[attr-defined]
        if result.pose_landmarks is None:
            return None
        lm = result.pose_landmarks.landmark
        arr = np.array([(p.x * w, p.y * h, p.z * w, p.visibility) for p in lm], dtype=float)
        return PoseResult(xy_px=arr[:, :2], visibility=arr[:, 3], depth=arr[:, 2])

    def reset(self) -> None:
        """Start again from detection (a fresh graph)."""
        self.close()
        self._pose = self._make()
        self._warm = 0

    def close(self) -> None:
        """Release the mediapipe graph."""
        close = getattr(self._pose, "close", None)
        if close is not None:
            close()


@dataclass
class PoseSequence:
    """Landmarks of one runner over a clip: the type every later step of the pipeline takes.

    Attributes
    ----------
    xy_px : (T, 33, 2) ndarray
        Landmark positions in displayed pixels; NaN where the runner was not found.
    visibility : (T, 33) ndarray
        Backend's visibility (0..1); 0 where not found.
    depth : (T, 33) ndarray
        Backend's relative depth (smaller = nearer the camera); NaN where not found.
    times_s : (T,) ndarray
        Real time of each frame (slow motion already undone).
    frame_size : (width, height)
        Displayed frame size in pixels.
    backend : str
        Which pose model produced it.
    mirrored : bool
        Estimated on horizontally mirrored frames (a side-view runner facing left); the landmarks
        are already mapped back to the original orientation.
    """

    xy_px: NDArray[np.float64]
    visibility: NDArray[np.float64]
    depth: NDArray[np.float64]
    times_s: NDArray[np.float64]
    frame_size: tuple[int, int]
    backend: str
    notes: list[str] = field(default_factory=list)
    mirrored: bool = False

    def __post_init__(self) -> None:
        t = self.times_s.size
        if self.xy_px.shape != (t, N_LANDMARKS, 2):
            raise ValueError(f"xy_px must be (T, 33, 2), got {self.xy_px.shape}")

    @property
    def detected(self) -> NDArray[np.bool_]:
        """(T,) True where the runner was found."""
        return np.isfinite(self.xy_px[:, :, 0]).any(axis=1)

    @property
    def fps(self) -> float:
        """Median frame rate from the timestamps."""
        if self.times_s.size < 2:
            return 0.0
        return float(1.0 / np.median(np.diff(self.times_s)))

    @classmethod
    def empty(
        cls, times_s: NDArray[np.float64], frame_size: tuple[int, int], backend: str
    ) -> PoseSequence:
        """A sequence with nothing detected yet."""
        t = times_s.size
        return cls(
            xy_px=np.full((t, N_LANDMARKS, 2), np.nan),
            visibility=np.zeros((t, N_LANDMARKS)),
            depth=np.full((t, N_LANDMARKS), np.nan),
            times_s=times_s,
            frame_size=frame_size,
            backend=backend,
        )


def copy_sequence(seq: PoseSequence) -> PoseSequence:
    """An independent copy (arrays and notes), for a caller that may change it."""
    return PoseSequence(
        xy_px=seq.xy_px.copy(),
        visibility=seq.visibility.copy(),
        depth=seq.depth.copy(),
        times_s=seq.times_s.copy(),
        frame_size=seq.frame_size,
        backend=seq.backend,
        notes=list(seq.notes),
        mirrored=seq.mirrored,
    )
