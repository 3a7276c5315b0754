"""Rear-view analysis speed: frames per second end to end, against a naive baseline.

backstride (``session.analyze_clip``, ``--view auto``): PyAV decode, BlazePose on frames scaled
to 720 p with its tracker and the waistband read in the same pass, the view decided from those
landmarks (no second pose pass), the rear science, key frames (decoding stops after the last)
and files. The baseline is
what a simple script does: ``cv2.VideoCapture``, BlazePose on every full-size frame, the same
waistband and science on the frames it keeps in memory. Both on the same synthetic 1080p clip,
in this process. Prints frames per second of each, the ratio, and the time of each stage.

Run: .venv/bin/python benchmarks/rear.py [seconds] (default 6 s of 1080p 60 fps)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from backstride.synth.camera import CameraSpec
from backstride.synth.gait import GaitParams
from backstride.synth.render import ClipSpec, RenderedClip, render_clip
from backstride.video.analyze import AnalyzeOptions
from backstride.video.decode import probe
from backstride.video.pelvis_line import waistband_line
from backstride.video.pose import MediaPipePose, PoseSequence
from backstride.video.rear_pipeline import run_rear_view
from backstride.video.session import analyze_clip

CACHE = Path(".cache/bench")


def clip(seconds: float) -> RenderedClip:
    spec = ClipSpec(
        gait=GaitParams(pelvic_drop_deg=7.0, lateral_lean_deg=4.0),
        camera=CameraSpec(view="rear"),
        width=1920,
        height=1080,
        fps=60.0,
        duration_s=seconds,
    )
    path = CACHE / f"rear-{spec.key()}.mp4"
    if path.exists() and path.with_suffix(".truth.json").exists():
        return RenderedClip.load(path)
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"rendering a {seconds:g} s 1080p clip once (cached in {CACHE})...")
    return render_clip(spec, path)


def baseline(path: Path) -> float:
    """cv2 capture, BlazePose per full-size frame, frames kept, then the same science."""
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS)
    pose = MediaPipePose()
    frames: list[np.ndarray] = []
    xy: list[np.ndarray] = []
    vis: list[np.ndarray] = []
    times: list[float] = []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        rgb = np.asarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
        r = pose.detect(rgb, len(times) / fps)
        frames.append(rgb)
        times.append(len(times) / fps)
        xy.append(r.xy_px if r else np.full((33, 2), np.nan))
        vis.append(r.visibility if r else np.zeros(33))
    pose.close()
    cap.release()
    h, w = frames[0].shape[:2]
    seq = PoseSequence(np.stack(xy), np.stack(vis), np.zeros((len(xy), 33)), np.array(times),
                       (w, h), "baseline")  # fmt: skip
    tilts = np.array([waistband_line(f, p).tilt_deg for f, p in zip(frames, xy, strict=True)])
    run_rear_view(seq, height_cm=175, pelvis_tilt_deg=tilts)
    return len(frames)


def main(seconds: float) -> None:
    c = clip(seconds)
    n = probe(c.path).frames
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        stages: dict[str, float] = {}
        started: dict[str, float] = {}

        def progress(stage: str, done: int, total: int) -> None:
            now = time.perf_counter()
            stages[stage] = now - started.setdefault(stage, now)

        analyze_clip(c.path, AnalyzeOptions(height_cm=175, out_dir=Path(tmp)), progress=progress)
    ours = time.perf_counter() - start
    start = time.perf_counter()
    frames = baseline(c.path)
    theirs = time.perf_counter() - start
    print(f"clip: {n} frames, 1920x1080, {c.spec.fps:g} fps ({seconds:g} s)")
    print(f"{'backstride: analyze_clip (auto view, files)':<50} {n / ours:8.1f} frames/s")
    print(
        f"{'baseline: cv2, full-size BlazePose, same science':<50} {frames / theirs:8.1f} frames/s"
    )
    print(f"ratio: {theirs / ours:.2f}x; real time: {seconds / ours:.2f}x")
    for stage, secs in stages.items():
        print(f"  stage {stage:<12} {secs:6.2f} s")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 6.0)
