"""Analyse one rear-view video end to end: the waistband pass, the science, quality, findings,
files.

This is the I/O edge of the rear view, beside `analyze.py` (the side view's). It takes the
landmarks and waistband tilts already read in the pose pass (the view was decided on them,
`session.look`), measures (`rear_pipeline`), judges the video (`rear_quality` and the shared
checks of `quality`), and writes ``metrics.json``, ``keypoints.csv`` and annotated key frames
(PNG, decoding only up to the last of them), optionally an annotated MP4.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from backstride.findings import Confidence, Finding
from backstride.skeleton import Landmark, side_landmark
from backstride.video.analyze import ASSUMED_HEIGHT_CM, AnalyzeOptions, Progress
from backstride.video.analyze import _json as json_default
from backstride.video.decode import VideoInfo, iter_frames
from backstride.video.encode import VideoWriter
from backstride.video.export import write_keypoints_csv
from backstride.video.findings import load_thresholds
from backstride.video.overlay import annotate_frame, save_png
from backstride.video.pelvis_line import waistband_line
from backstride.video.pose import PoseSequence
from backstride.video.quality import (
    QualityIssue,
    check_detection,
    check_frame_rate,
    check_framing,
    check_other_people,
    raise_for_errors,
)
from backstride.video.rear_events import SupportWindow
from backstride.video.rear_findings import rear_view_findings
from backstride.video.rear_metrics import (
    REAR_DEFINITIONS,
    RearViewMetrics,
    measure_rear_view,
)
from backstride.video.rear_overlay import RearAnnotation, annotate_rear
from backstride.video.rear_pipeline import RearTracking, rear_input, track_rear
from backstride.video.rear_quality import (
    check_camera_position,
    check_facing,
    check_feet_visible,
    check_hands_seen,
    check_pelvis_line,
    check_runner_size,
    check_support_windows,
    check_tilt,
    height_note,
    runner_height_share,
)
from backstride.video.view import ViewEstimate

L = Landmark
KEY_WINDOWS_PER_SIDE = 3
#: Kept in metrics.json but not among the headline values the assessment reads: from behind the
#: pose model's feet put step-time asymmetry 5-20 points off (docs/accuracy-rear.md).
LOW_CONFIDENCE_ONLY = ("rear_step_time_si_pct",)

#: What a rear view cannot measure, said instead of inventing numbers.
REAR_CANNOT_MEASURE = (
    "anything along the running direction: overstride, shank angle, forward trunk lean, and "
    "contact time with a side view's precision",
    "arm crossing while the hands are hidden in front of the trunk (the pose model marks them "
    "unseen from behind); film from the front, or watch the side view's arm swing",
    "step-time asymmetry within less than about 15 points of symmetry index: from behind the "
    "pose model's feet are too uncertain (the value in metrics.json is low confidence); the side "
    "view measures it",
    "rotation of the pelvis or the trunk about the vertical axis",
    "true pelvic tilt and the curve of the lower back (no bony landmarks of pelvis or spine)",
    "knee valgus in 3D: the frontal knee angle is a 2D proxy that did not track 3D knee "
    "abduction in running (Dingenen 2018)",
)


class RearAnalysis(BaseModel):
    """The result of analysing one rear-view clip."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    video: VideoInfo
    view: Literal["rear"] = "rear"
    pose_backend: str
    height_cm: float
    height_assumed: bool
    treadmill: bool | None
    from_front: bool
    view_estimate: ViewEstimate
    runner_height_share: float
    quality: list[QualityIssue]
    metrics: RearViewMetrics
    windows: list[dict[str, Any]]
    findings: list[Finding]
    thresholds: str
    files: dict[str, list[Path]]

    def headline_values(self) -> dict[str, float]:
        """Medians (what the assessment and program read): overall, per side, asymmetries."""
        m = self.metrics
        out = {k: s.value for k, s in m.metrics.items() if s.n}
        for side, detail in m.sides.items():
            for name in ("pelvic_drop_deg", "lateral_lean_deg", "foot_offset_cm", "arm_cross_cm"):
                s = getattr(detail, name)
                if s.n:
                    stem, unit = name.rsplit("_", 1)
                    out[f"{stem}_{side}_{unit}"] = s.value
        for name, value in m.asymmetry.items():
            if name not in LOW_CONFIDENCE_ONLY:
                out[name] = value
        return out


def on_grid(times_s: np.ndarray, values: np.ndarray, grid_s: np.ndarray) -> np.ndarray:
    """Per-frame values moved to the cleaned time grid: the nearest frame within half a frame
    interval, NaN otherwise (a resampled variable-frame-rate clip).

    Examples
    --------
    >>> on_grid(np.array([0.0, 0.034, 0.066]), np.array([1.0, 2.0, 3.0]),
    ...         np.array([0.0, 0.033, 0.066, 0.099])).tolist()
    [1.0, 2.0, 3.0, nan]
    """
    k = np.clip(np.searchsorted(times_s, grid_s), 1, times_s.size - 1)
    k = np.where(np.abs(times_s[k - 1] - grid_s) <= np.abs(times_s[k] - grid_s), k - 1, k)
    half = 0.5 * float(np.median(np.diff(grid_s)))
    return np.where(np.abs(times_s[k] - grid_s) <= half, values[k], np.nan)


def wrist_visibility(seq: PoseSequence, times_s: np.ndarray) -> dict[str, np.ndarray]:
    """The pose model's visibility of each wrist on the cleaned time grid."""
    return {
        side: np.interp(times_s, seq.times_s, seq.visibility[:, side_landmark(side, "WRIST")])
        for side in ("right", "left")
    }


def _pre_checks(seq: PoseSequence, fps: float) -> list[QualityIssue]:
    """Checks on the raw landmarks, before anything is measured."""
    return [
        *check_frame_rate(fps),
        *check_detection(seq),
        *check_framing(seq),
        *check_runner_size(runner_height_share(seq)),
        *check_feet_visible(seq),
    ]


def _findings(metrics: RearViewMetrics, values: dict[str, float]) -> list[Finding]:
    drop_conf = Confidence.HIGH if metrics.pelvic_drop.source == "waistband" else Confidence.LOW
    return rear_view_findings(
        values,
        confidence={
            "pelvic_drop_deg": drop_conf,
            "pelvic_drop_asymmetry_deg": drop_conf,
            "step_width_cm": Confidence.MODERATE,
            "arm_cross_cm": Confidence.LOW,
        },
    )


def _post_checks(
    estimate: ViewEstimate,
    seq: PoseSequence,
    tracking: RearTracking,
    metrics: RearViewMetrics,
    height_given: bool,
) -> list[QualityIssue]:
    """What the runner should know about the measured clip (warnings only)."""
    foreign = float(tracking.track.foreign.mean()) if seq.times_s.size else 0.0
    return [
        *check_camera_position(estimate, seq),
        *check_tilt(metrics.tilt),
        *check_pelvis_line(metrics.pelvic_drop),
        *check_hands_seen(metrics),
        *check_other_people(foreign),
        *check_facing(tracking.from_front),
        *height_note(height_given, ASSUMED_HEIGHT_CM),
    ]


def analyze_rear(
    info: VideoInfo,
    seq: PoseSequence,
    waistband_deg: np.ndarray,
    estimate: ViewEstimate,
    options: AnalyzeOptions,
    *,
    progress: Progress,
) -> RearAnalysis:
    """Analyse a rear-view clip whose landmarks are ``seq`` and whose waistband tilt per frame
    is ``waistband_deg`` (read in the pose pass, `pelvis_line.WaistbandRecorder`); raise
    `VideoQualityError` on a video that cannot give trustworthy numbers."""
    issues = _pre_checks(seq, seq.fps)
    raise_for_errors(issues, str(info.path))
    tracking = track_rear(seq)
    issues += check_support_windows(len(tracking.windows))
    raise_for_errors(issues, str(info.path))
    height_cm = options.height_cm or ASSUMED_HEIGHT_CM
    tilts = on_grid(seq.times_s, waistband_deg, tracking.clean.times_s)
    seen = wrist_visibility(seq, tracking.clean.times_s)
    metrics = measure_rear_view(rear_input(tracking, height_cm, tilts, seen))
    issues += _post_checks(estimate, seq, tracking, metrics, options.height_cm is not None)
    analysis = RearAnalysis(
        video=info,
        pose_backend=seq.backend,
        height_cm=height_cm,
        height_assumed=options.height_cm is None,
        treadmill=options.treadmill,
        from_front=tracking.from_front,
        view_estimate=estimate,
        runner_height_share=runner_height_share(seq),
        quality=issues,
        metrics=metrics,
        windows=[
            {
                "side": w.side,
                "start_s": round(w.start_s, 4),
                "end_s": round(w.end_s, 4),
                "landing_s": round(w.landing_s, 4),
            }
            for w in tracking.windows
        ],
        findings=[],
        thresholds="",
        files={},
    )
    thresholds, digest = load_thresholds()
    analysis = analysis.model_copy(
        update={
            "findings": _findings(metrics, analysis.headline_values()),
            "thresholds": f"{thresholds.version}+{digest}",
        }
    )
    return _write_outputs(info, tracking, analysis, options, progress)


def _write_outputs(
    info: VideoInfo,
    tracking: RearTracking,
    analysis: RearAnalysis,
    options: AnalyzeOptions,
    progress: Progress,
) -> RearAnalysis:
    out_dir = options.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    traj = tracking.clean
    files: dict[str, list[Path]] = {
        "keypoints_csv": [
            write_keypoints_csv(
                out_dir / "keypoints.csv",
                traj.times_s,
                tracking.image_xy(traj.xy_px),
                traj.observed,
            )
        ],
        "frames": key_frames(info, tracking, analysis.metrics, out_dir, progress),
    }
    if options.annotated_video:
        files["annotated_video"] = [
            annotated_video(info, tracking, out_dir / "annotated.mp4", progress)
        ]
    analysis = analysis.model_copy(update={"files": files})
    metrics_path = out_dir / "metrics.json"
    metrics_path.write_text(
        json.dumps(rear_metrics_document(analysis), indent=2, default=json_default)
    )
    analysis.files["metrics_json"] = [metrics_path]
    return analysis


def _key_times(windows: list[SupportWindow]) -> list[tuple[float, SupportWindow, int]]:
    """Mid-stance instants of the first few windows of each side: (time, window, number)."""
    out = []
    for side in ("right", "left"):
        mine = [w for w in windows if w.side == side][:KEY_WINDOWS_PER_SIDE]
        out += [(w.start_s + 0.4 * w.duration_s, w, i) for i, w in enumerate(mine, 1)]
    return out


def _annotation(
    frame: Any, tracking: RearTracking, m: RearViewMetrics, w: SupportWindow, i: int
) -> RearAnnotation:
    traj = tracking.clean
    k = int(np.argmin(np.abs(traj.times_s - frame.time_s)))
    xy = tracking.image_xy(traj.xy_unfiltered_px[k])
    line = waistband_line(frame.image, tracking.image_xy(traj.xy_px[k]))
    side = m.sides[w.side]
    drop = side.pelvic_drop_deg.value
    category = m.pelvic_drop.categories.get(w.side) or "not measured"
    offset = side.foot_offset_cm.value
    return RearAnnotation(
        time_s=frame.time_s,
        label=f"{w.side} stance {i}",
        landmarks=xy,
        stance_side=w.side,
        pelvis_line=(line.left_xy, line.right_xy) if line.ok else None,
        pelvis_text=f"pelvic drop {drop:.0f} deg ({category})",
        lean_text=f"lateral lean {side.lateral_lean_deg.value:.0f} deg",
        foot_text=f"foot {offset:+.0f} cm from midline",
        camera_roll_deg=m.tilt.camera_roll_deg,
    )


def key_frames(
    info: VideoInfo,
    tracking: RearTracking,
    m: RearViewMetrics,
    out_dir: Path,
    progress: Progress,
) -> list[Path]:
    """An annotated PNG at mid-stance of the first few stances of each foot."""
    wanted = _key_times(tracking.windows)
    if not wanted:
        return []
    frame_times = tracking.pose.times_s  # the decoded frames' own times
    targets: dict[int, list[int]] = {}
    for j, (t, _, _) in enumerate(wanted):
        targets.setdefault(int(np.argmin(np.abs(frame_times - t))), []).append(j)
    last = max(targets)
    paths: list[Path] = []
    for frame in iter_frames(info):
        for j in targets.get(frame.index, []):
            _, w, i = wanted[j]
            img = annotate_rear(frame.image, _annotation(frame, tracking, m, w, i))
            paths.append(save_png(img, out_dir / "frames" / f"{w.side}_stance_{i}.png"))
            progress("frames", len(paths), len(wanted))
        if frame.index >= last:
            break  # the key frames are early in the clip: no need to decode the rest
    return sorted(paths)


def annotated_video(
    info: VideoInfo, tracking: RearTracking, path: Path, progress: Progress
) -> Path:
    """Every frame with the skeleton and which foot carries the runner, as an MP4."""
    traj = tracking.clean
    stretch = info.capture_fps / info.container_fps  # keep a slow-motion clip slow
    total = max(info.frames, 1)
    with VideoWriter(path, (info.width, info.height), info.container_fps) as writer:
        for frame in iter_frames(info):
            k = int(np.argmin(np.abs(traj.times_s - frame.time_s)))
            side = next(
                (w.side for w in tracking.windows if w.contains(np.array([frame.time_s]))[0]), ""
            )
            text = f"{side} foot carries" if side else ""
            img = annotate_frame(frame.image, tracking.image_xy(traj.xy_px[k]), "right", text)
            writer.write(img, frame.time_s * stretch)
            progress("video", frame.index + 1, total)
    return path


def rear_metrics_document(a: RearAnalysis) -> dict[str, Any]:
    """The content of a rear view's ``metrics.json``."""
    doc = json.loads(a.model_dump_json(exclude={"files"}))
    doc["schema"] = "backstride.video.rear-metrics/1"
    doc["definitions"] = {k: {"unit": u, "definition": d} for k, (u, d) in REAR_DEFINITIONS.items()}
    doc["headline"] = {k: (None if v != v else round(v, 3)) for k, v in a.headline_values().items()}
    doc["cannot_measure"] = list(REAR_CANNOT_MEASURE)
    doc["files"] = {k: [str(p) for p in v] for k, v in a.files.items()}
    return doc
