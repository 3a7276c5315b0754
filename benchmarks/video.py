"""Speed of the video stage, end to end (decode to metrics), against a naive baseline.

    .venv/bin/python benchmarks/video.py            # 10 s 1080p60 synthetic clip
    .venv/bin/python benchmarks/video.py --memory   # also: peak memory on a 60 s 4K clip

The baseline is what a first script does: ``cv2.VideoCapture`` reading full frames, a BGR->RGB
copy, mediapipe's Pose on every full-size frame, then the same metrics. Ours decodes with PyAV in
a background thread, scales frames in FFmpeg before they reach Python, and runs BlazePose in
tracking mode. Both run in this process on the same file; the script prints frames per second,
the real-time factor and the ratio ours / baseline.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from backstride.synth.gait import GaitParams
from backstride.synth.render import ClipSpec, RenderedClip, render_clip
from backstride.video.decode import probe
from backstride.video.estimate import estimate_pose, pose_workers
from backstride.video.pipeline import run_side_view
from backstride.video.pose import MediaPipePose, PoseSequence

CACHE = Path(__file__).resolve().parents[1] / ".cache" / "bench"


def clip(width: int, height: int, duration_s: float) -> RenderedClip:
    spec = ClipSpec(
        gait=GaitParams(), width=width, height=height, fps=60, duration_s=duration_s, crf=23
    )
    path = CACHE / f"{spec.key()}.mp4"
    if path.exists() and path.with_suffix(".truth.json").exists():
        return RenderedClip.load(path)
    print(f"rendering a {duration_s:.0f} s {width}x{height} clip once (cached)...", flush=True)
    return render_clip(spec, path)


def upscaled(src: RenderedClip, width: int, height: int) -> Path:
    """The clip re-encoded at a larger size (cached): a 4K file without drawing 4K frames.

    Rendering 60 s of synthetic 4K video takes most of an hour on two cores; scaling a rendered
    1080p clip up and encoding it with x264's fastest preset takes minutes, and the analysis of the
    result does the same work as for any 4K phone video (decode 4K, scale, estimate, measure).
    """
    out = CACHE / f"{src.path.stem}-{width}x{height}.mp4"
    if out.exists():
        return out
    print(f"encoding {src.path.name} at {width}x{height} once (cached)...", flush=True)
    part = out.with_suffix(".part.mp4")
    with av.open(str(src.path)) as inp, av.open(str(part), "w") as dst:
        s_in = inp.streams.video[0]
        rate = s_in.average_rate or Fraction(60)
        s_out = dst.add_stream("libx264", rate=rate)
        s_out.width, s_out.height, s_out.pix_fmt = width, height, "yuv420p"
        s_out.options = {"preset": "ultrafast", "crf": "23"}
        for i, frame in enumerate(inp.decode(s_in)):
            big = frame.reformat(width=width, height=height, format="yuv420p")
            big.pts, big.time_base = i, 1 / rate
            dst.mux(s_out.encode(big))
        dst.mux(s_out.encode(None))
    part.rename(out)
    return out


def baseline(path: Path) -> tuple[float, int]:
    """cv2.VideoCapture + per-frame mediapipe on full frames + the same metrics."""
    import cv2
    import mediapipe as mp

    t0 = time.perf_counter()
    cap = cv2.VideoCapture(str(path))
    fps = cap.get(cv2.CAP_PROP_FPS)
    pose = mp.solutions.pose.Pose(model_complexity=1)
    rows, times = [], []
    i = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        h, w = frame.shape[:2]
        result = pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
        if result.pose_landmarks is None:
            rows.append(np.full((33, 2), np.nan))
        else:
            rows.append(np.array([(p.x * w, p.y * h) for p in result.pose_landmarks.landmark]))
        times.append(i / fps)
        i += 1
    cap.release()
    pose.close()
    seq = PoseSequence(
        np.stack(rows), np.ones((i, 33)), np.zeros((i, 33)), np.array(times), (w, h), "baseline"
    )
    run_side_view(seq, height_cm=175)
    return time.perf_counter() - t0, i


def ours(path: Path) -> tuple[float, int, float]:
    t0 = time.perf_counter()
    info = probe(path)
    backends = [MediaPipePose() for _ in range(pose_workers())]
    seq = estimate_pose(info, backends, face_right=True)
    for backend in backends:
        backend.close()
    result = run_side_view(seq, height_cm=175)
    return time.perf_counter() - t0, seq.times_s.size, result.metrics.metrics["cadence_spm"].value


def peak_memory_mb(path: Path) -> float:
    """Peak resident memory of a fresh process analysing ``path`` (decode to metrics)."""
    code = (
        "import sys, resource; from pathlib import Path; sys.path.insert(0, 'benchmarks');"
        "import video as v; v.ours(Path(sys.argv[1]));"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--memory", action="store_true", help="also measure a 60 s 4K clip")
    args = parser.parse_args()
    c = clip(1920, 1080, 10.0)
    ours(c.path)  # warm-up: load the models and the file cache once for both
    t_base, n = baseline(c.path)
    t_ours, n2, cadence = ours(c.path)
    fps_base, fps_ours = n / t_base, n2 / t_ours
    print(
        f"clip: {c.path.name}, 1920x1080, 60 fps, {n} frames; cadence measured {cadence:.1f} "
        f"(true {c.truth.cadence_spm:.0f})"
    )
    print(
        f"baseline (cv2 + per-frame mediapipe on full frames): {fps_base:.1f} frames/s, "
        f"{fps_base / 60:.2f}x real time"
    )
    print(
        f"backstride (threaded decode, scaled frames, {pose_workers()} pose workers): "
        f"{fps_ours:.1f} frames/s, "
        f"{fps_ours / 60:.2f}x real time"
    )
    print(f"ratio backstride / baseline: {fps_ours / fps_base:.2f}x")
    if args.memory:
        big = upscaled(clip(1920, 1080, 60.0), 3840, 2160)
        mb = peak_memory_mb(big)
        print(f"peak memory, 60 s 3840x2160 60 fps clip, decode to metrics: {mb:.0f} MB")


if __name__ == "__main__":
    main()
