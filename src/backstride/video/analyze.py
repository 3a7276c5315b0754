"""Analyse one video end to end: decode, pose, science, quality, findings, files.

This is the I/O edge of the video stage. The science lives in `pipeline` (pure); this module
reads the file, reports progress, writes ``metrics.json``, ``keypoints.csv``, a TRC file and
annotated frames, and returns a `VideoAnalysis` that the CLI prints and the store keeps.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from backstride.findings import Confidence, Finding
from backstride.video.decode import VideoInfo, iter_frames, probe
from backstride.video.encode import VideoWriter
from backstride.video.estimate import estimate_pose, pose_workers
from backstride.video.events import foot_height
from backstride.video.export import write_keypoints_csv, write_trc
from backstride.video.findings import load_thresholds, side_view_findings
from backstride.video.metrics import SideViewMetrics
from backstride.video.overlay import (
    Annotation,
    annotate,
    annotate_frame,
    event_label,
    nearest_indices,
    save_png,
)
from backstride.video.pipeline import SideViewResult, foot_signals, run_side_view
from backstride.video.pose import MediaPipePose, PoseBackend
from backstride.video.quality import (
    QualityIssue,
    camera_angle_deg,
    check_cadence,
    check_detection,
    check_frame_rate,
    check_framing,
    check_other_people,
    check_side_on,
    check_steps,
    raise_for_errors,
)

View = Literal["side", "rear"]
Progress = Callable[[str, int, int], None]  # (stage, done, total)
ASSUMED_HEIGHT_CM = 170.0
KEY_CONTACTS_PER_FOOT = 4

#: What a single 2D phone video cannot measure, said instead of inventing numbers.
CANNOT_MEASURE = (
    "lumbar lordosis (the curve of the lower back): pose models find joint centres, not the spine",
    "true pelvic tilt: it needs the bony landmarks of the pelvis (ASIS/PSIS), which a pose model "
    "does not find",
    "spinal rotation in 3D and forces or loads on the spine",
)


class AnalyzeOptions(BaseModel):
    """What the user asked for."""

    model_config = ConfigDict(frozen=True)

    view: View = "side"
    height_cm: float | None = None
    treadmill: bool | None = None
    capture_fps: float | None = None
    out_dir: Path = Path("out/video")
    annotated_video: bool = False


class VideoAnalysis(BaseModel):
    """The result of analysing one clip."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    video: VideoInfo
    view: View
    pose_backend: str
    height_cm: float
    height_assumed: bool
    treadmill: bool | None
    facing: str
    near_side: str
    camera_angle_deg: float
    quality: list[QualityIssue]
    metrics: SideViewMetrics
    events: dict[str, dict[str, list[float]]]
    findings: list[Finding]
    thresholds: str
    files: dict[str, list[Path]]

    def headline_values(self) -> dict[str, float]:
        """Median of each metric (what the assessment and program read)."""
        out = {k: m.value for k, m in self.metrics.metrics.items()}
        out["step_time_si_pct"] = self.metrics.step_time_si_pct
        out["contact_time_si_pct"] = self.metrics.contact_time_si_pct
        return out


def _noop(stage: str, done: int, total: int) -> None:
    return None


def _pose(info: VideoInfo, backend: PoseBackend | None, progress: Progress) -> Any:
    models = [backend] if backend is not None else [MediaPipePose() for _ in range(pose_workers())]
    try:
        return estimate_pose(
            info, models, progress=lambda d, t: progress("pose", d, t), face_right=True
        )
    finally:
        if backend is None:
            for model in models:
                model.close()


def _quality(
    info: VideoInfo, result: SideViewResult, seq_raw: Any
) -> tuple[list[QualityIssue], float]:
    m = result.metrics
    near = result.events[result.near_side]
    n_steps = sum(len(e.all_strikes()) for e in result.events.values())
    angle = camera_angle_deg(result.pose)
    issues = [
        *check_frame_rate(result.clean.fps),
        *check_detection(seq_raw),
        *check_framing(seq_raw),
        *check_side_on(angle),
        *check_steps(max(n_steps - 1, 0), len(near.contacts())),
        *check_cadence(m.metrics["cadence_spm"].value, info.container_fps),
        *check_other_people(
            float(result.track.foreign.mean()) if result.track.foreign.size else 0.0
        ),
    ]
    if result.near_agreement < 0.8:
        issues.append(
            QualityIssue(
                code="legs_uncertain",
                level="warning",
                message=(
                    "the pose model was often unsure which leg is nearer the camera; left/right "
                    "values may be mixed"
                ),
            )
        )
    return issues, angle


def _findings(result: SideViewResult, fps: float) -> list[Finding]:
    m = result.metrics
    values = {k: v.value for k, v in m.metrics.items()}
    values["step_time_si_pct"] = m.step_time_si_pct
    values["contact_time_si_pct"] = m.contact_time_si_pct
    low = Confidence.LOW if fps < 50 else Confidence.HIGH
    conf = {
        "contact_ms": low,
        "step_time_si_pct": Confidence.MODERATE,
        "contact_time_si_pct": Confidence.LOW if fps < 50 else Confidence.MODERATE,
    }
    speed = m.metrics["speed_mps"].value if "speed_mps" in m.metrics else None
    return side_view_findings(values, confidence=conf, speed_mps=speed)


def _key_frames(
    info: VideoInfo, result: SideViewResult, out_dir: Path, progress: Progress
) -> list[Path]:
    """PNG at each strike and mid-stance (first few contacts of each foot)."""
    m = result.metrics.metrics
    wanted: list[tuple[float, str, str, bool]] = []  # time, label, file stem, is strike
    for side, ev in result.events.items():
        for i, (strike, toe_off) in enumerate(ev.contacts()[:KEY_CONTACTS_PER_FOOT], 1):
            wanted.append((strike, f"{side} foot strike {i}", f"{side}_strike_{i}", True))
            mid = strike + 0.5 * (toe_off - strike)
            wanted.append((mid, f"{side} mid-stance {i}", f"{side}_midstance_{i}", False))
    if not wanted:
        return []
    traj = result.clean
    frames_dir = out_dir / "frames"
    scale = result.metrics.px_per_m
    times = np.array([w[0] for w in wanted])
    idx_clean = nearest_indices(traj.times_s, times)
    targets: dict[int, list[int]] = {}
    paths: list[Path] = []
    for j, k in enumerate(nearest_indices(result.pose.times_s, times)):
        targets.setdefault(k, []).append(j)
    done = 0
    last = max(targets)
    for frame in iter_frames(info):
        if frame.index > last:
            break
        for j in targets.get(frame.index, []):
            _, label, stem, is_strike = wanted[j]
            side = stem.split("_")[0]
            xy = traj.xy_unfiltered_px[idx_clean[j]]
            over = None
            if is_strike and side == result.near_side:
                px = result.metrics.direction * (
                    xy[side_index(side, "HEEL"), 0] - 0.5 * (xy[23, 0] + xy[24, 0])
                )
                pct = 100 * px / result.metrics.leg_length_px
                over = f"overstride {pct:.0f}% leg" + (
                    f" ({100 * px / scale:.0f} cm)" if scale else ""
                )
            ann = Annotation(
                time_s=frame.time_s,
                label=label,
                landmarks=xy,
                near_side=result.near_side,
                direction=result.metrics.direction,
                trunk_lean_deg=None if is_strike else _trunk_at(xy, result.metrics.direction),
                shank_angle_deg=_shank_at(xy, side, result.metrics.direction)
                if is_strike
                else None,
                overstride_text=over,
            )
            paths.append(save_png(annotate(frame.image, ann), frames_dir / f"{stem}.png"))
            done += 1
            progress("frames", done, len(wanted))
    del m
    return sorted(paths)


def _annotated_video(
    info: VideoInfo, result: SideViewResult, path: Path, progress: Progress
) -> Path:
    """Every frame with the skeleton drawn and events labelled, as an MP4 at the source timing."""
    traj = result.clean
    events = {s: (e.all_strikes(), e.all_toe_offs()) for s, e in result.events.items()}
    stretch = info.capture_fps / info.container_fps  # keep a slow-motion clip slow
    window = 0.6 / traj.fps
    total = max(info.frames, 1)
    with VideoWriter(path, (info.width, info.height), info.container_fps) as writer:
        for frame in iter_frames(info):
            k = int(np.argmin(np.abs(traj.times_s - frame.time_s)))
            img = annotate_frame(
                frame.image,
                traj.xy_px[k],
                result.near_side,
                event_label(frame.time_s, events, window),
            )
            writer.write(img, frame.time_s * stretch)
            progress("video", frame.index + 1, total)
    return path


def side_index(side: str, part: str) -> int:
    from backstride.skeleton import side_landmark

    return int(side_landmark(side, part))


def _trunk_at(xy: np.ndarray, direction: int) -> float:
    from backstride.video.sagittal import angle_from_vertical_deg

    hip = 0.5 * (xy[23] + xy[24])
    sh = 0.5 * (xy[11] + xy[12])
    return float(angle_from_vertical_deg(hip[None], sh[None], direction)[0])


def _shank_at(xy: np.ndarray, side: str, direction: int) -> float:
    from backstride.video.sagittal import angle_from_vertical_deg

    knee, ankle = xy[side_index(side, "KNEE")], xy[side_index(side, "ANKLE")]
    return float(-angle_from_vertical_deg(ankle[None], knee[None], direction)[0])


def _write_outputs(
    analysis_dir: Path, result: SideViewResult, height_cm: float
) -> dict[str, list[Path]]:
    traj = result.clean
    files: dict[str, list[Path]] = {}
    files["keypoints_csv"] = [
        write_keypoints_csv(analysis_dir / "keypoints.csv", traj.times_s, traj.xy_px, traj.observed)
    ]
    leg = result.metrics.leg_length_px
    near = result.near_side
    floor = float(
        np.nanmedian(
            traj.xy_px[:, [side_index(near, "HEEL"), side_index(near, "FOOT_INDEX")], 1].max(axis=1)
        )
    )
    sig = foot_signals(traj, near, result.metrics.direction, leg)
    floor = float(np.nanmax(sig.heel[:, 1])) if not np.isfinite(floor) else floor
    _ = foot_height(sig)
    scale = result.metrics.px_per_m or leg / (0.491 * height_cm / 100)
    files["trc"] = [
        write_trc(
            analysis_dir / "keypoints.trc",
            traj.times_s,
            traj.xy_px,
            px_per_m=scale,
            direction=result.metrics.direction,
            floor_y_px=floor,
        )
    ]
    return files


def analyze_video(
    path: Path,
    options: AnalyzeOptions,
    *,
    backend: PoseBackend | None = None,
    progress: Progress = _noop,
) -> VideoAnalysis:
    """Analyse a side-view running video; raise `VideoError` / `VideoQualityError` on bad input."""
    info = probe(path, capture_fps=options.capture_fps)
    fps_issues = check_frame_rate(info.capture_fps)
    raise_for_errors(fps_issues, str(path))
    seq = _pose(info, backend, progress)
    raise_for_errors(check_detection(seq), str(path))
    height_cm = options.height_cm or ASSUMED_HEIGHT_CM
    result = run_side_view(seq, height_cm=height_cm)
    issues, angle = _quality(info, result, seq)
    raise_for_errors(issues, str(path))
    if options.height_cm is None:
        issues.append(
            QualityIssue(
                code="height_assumed",
                level="warning",
                message=(
                    f"no height given: centimetres and speed assume {ASSUMED_HEIGHT_CM:.0f} cm "
                    "(pass --height-cm or set it on the runner)"
                ),
            )
        )
    findings = _findings(result, result.clean.fps)
    thresholds, digest = load_thresholds()
    out_dir = options.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    files = _write_outputs(out_dir, result, height_cm)
    files["frames"] = _key_frames(info, result, out_dir, progress)
    if options.annotated_video:
        files["annotated_video"] = [
            _annotated_video(info, result, out_dir / "annotated.mp4", progress)
        ]
    analysis = VideoAnalysis(
        video=info,
        view="side",
        pose_backend=seq.backend,
        height_cm=height_cm,
        height_assumed=options.height_cm is None,
        treadmill=options.treadmill,
        facing=result.facing,
        near_side=result.near_side,
        camera_angle_deg=angle,
        quality=issues,
        metrics=result.metrics,
        events={
            side: {
                "strikes_s": [round(float(x), 4) for x in ev.strikes_s],
                "toe_offs_s": [round(float(x), 4) for x in ev.toe_offs_s],
                "toe_off_spread_ms": [round(1000 * float(x), 1) for x in ev.toe_off_spread_s],
                "confidence": [ev.confidence],
            }
            for side, ev in result.events.items()
        },
        findings=findings,
        thresholds=f"{thresholds.version}+{digest}",
        files=files,
    )
    metrics_path = out_dir / "metrics.json"
    metrics_path.write_text(json.dumps(metrics_document(analysis), indent=2, default=_json))
    analysis.files["metrics_json"] = [metrics_path]
    return analysis


def _json(o: Any) -> Any:
    if isinstance(o, Path):
        return str(o)
    if isinstance(o, float) and not np.isfinite(o):
        return None
    raise TypeError(type(o))


def metrics_document(a: VideoAnalysis) -> dict[str, Any]:
    """The content of ``metrics.json``."""
    doc = json.loads(a.model_dump_json(exclude={"files"}))
    doc["schema"] = "backstride.video.metrics/1"
    doc["cannot_measure"] = list(CANNOT_MEASURE)
    doc["files"] = {k: [str(p) for p in v] for k, v in a.files.items()}
    return doc
