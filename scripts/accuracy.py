"""Regenerate docs/accuracy.md: the video pipeline measured against synthetic runners.

    .venv/bin/python scripts/accuracy.py            # full grids (about 10 minutes on 2 cores)
    .venv/bin/python scripts/accuracy.py --quick    # a few clips, to check the script

Clips are rendered once into .cache/accuracy/ and reused. For each clip the real pose model
runs, then our pipeline; the published event methods (Zeni 2008 coordinates, a Pose2Sim-style
foot-height threshold) run on the same cleaned landmarks so the comparison is measured.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from backstride.synth.camera import CameraSpec  # noqa: E402
from backstride.synth.gait import GaitParams, consistent_gait  # noqa: E402
from backstride.synth.render import ClipSpec, RenderedClip, render_clip  # noqa: E402
from backstride.synth.score import BARS, SideViewScore, score_events, score_side_view  # noqa: E402
from backstride.video.decode import probe  # noqa: E402
from backstride.video.estimate import estimate_pose, pose_workers  # noqa: E402
from backstride.video.events import height_threshold_events, zeni_events  # noqa: E402
from backstride.video.pipeline import foot_signals, run_side_view  # noqa: E402
from backstride.video.pose import MediaPipePose, PoseSequence  # noqa: E402

CACHE = ROOT / ".cache" / "accuracy"


def gait(
    cadence: float = 170.0,
    contact: float = 230.0,
    overstride: float = 12.0,
    lean: float = 6.0,
    mode: str = "treadmill",
) -> GaitParams:
    """A consistent runner: speed and oscillation follow from timing and overstride."""
    return consistent_gait(cadence, contact, overstride, lean, mode)  # type: ignore[arg-type]


def side_grid(quick: bool) -> Iterator[tuple[str, str, ClipSpec]]:
    """(condition group, label, spec): one-factor sweeps around a base runner, then random
    combinations across the issue's ranges."""
    base = {"duration_s": 3.0, "width": 1280, "height": 720}
    yield "base", "base 60 fps treadmill", ClipSpec(gait=gait(), fps=60, **base)
    if quick:
        yield "fps", "30 fps", ClipSpec(gait=gait(), fps=30, **base)
        return
    for c in (150, 160, 180, 190):
        contact = 230.0 if c < 185 else 200.0
        yield (
            "cadence",
            f"cadence {c}",
            ClipSpec(gait=gait(cadence=c, contact=contact), fps=60, **base),
        )
    for contact, cad in ((180.0, 170.0), (280.0, 160.0), (320.0, 150.0)):
        yield (
            "contact",
            f"contact {contact} ms",
            ClipSpec(gait=gait(cadence=cad, contact=contact), fps=60, **base),
        )
    for o in (0, 6, 18, 25):
        yield "overstride", f"overstride {o}%", ClipSpec(gait=gait(overstride=o), fps=60, **base)
    for lean in (0.0, 10.0, 15.0, 20.0):
        yield "trunk lean", f"trunk lean {lean} deg", ClipSpec(gait=gait(lean=lean), fps=60, **base)
    for fps in (30, 120):
        yield "fps", f"{fps} fps", ClipSpec(gait=gait(), fps=fps, **base)
    yield "setting", "overground (panning)", ClipSpec(gait=gait(mode="overground"), fps=60, **base)
    yield (
        "setting",
        "facing left",
        ClipSpec(gait=gait(), fps=60, camera=CameraSpec(side="left"), **base),
    )
    yield (
        "setting",
        "portrait phone",
        ClipSpec(gait=gait(mode="overground"), fps=60, portrait=True, **base),
    )
    yield "setting", "variable frame rate", ClipSpec(gait=gait(), fps=60, vfr_jitter=0.3, **base)
    yield (
        "degraded",
        "noise + blur",
        ClipSpec(gait=gait(), fps=60, noise_sigma=6, blur_sigma_px=1.2, **base),
    )
    yield "degraded", "pole occluding", ClipSpec(gait=gait(), fps=60, occlusion=True, **base)
    yield (
        "degraded",
        "passer-by",
        ClipSpec(gait=gait(mode="overground"), fps=60, passerby=True, **base),
    )
    yield (
        "degraded",
        "camera 20 deg off",
        ClipSpec(gait=gait(), fps=60, camera=CameraSpec(yaw_deg=20), **base),
    )
    rng = np.random.default_rng(2026)
    n = 0
    while n < 14:
        cad = float(rng.choice([150, 160, 170, 180, 190]))
        contact = float(rng.choice([180, 210, 250, 280, 320]))
        if contact > 60000 / cad - 60:
            continue
        over, lean = float(rng.choice([0, 8, 15, 25])), float(rng.choice([0, 5, 10, 20]))
        fps = int(rng.choice([30, 60, 120]))
        mode = str(rng.choice(["treadmill", "overground"]))
        noise = float(rng.choice([0.0, 0.0, 5.0]))
        try:
            spec = ClipSpec(
                gait=gait(cad, contact, over, lean, mode),
                fps=fps,
                noise_sigma=noise,
                seed=n,
                **base,
            )
            from backstride.synth.gait import GaitModel

            GaitModel(spec.gait)
        except ValueError:
            continue
        n += 1
        label = f"c{cad:.0f} t{contact:.0f} o{over:.0f} l{lean:.0f} {fps}fps {mode[:5]}" + (
            " noise" if noise else ""
        )
        yield "random", label, spec


def clip_for(spec: ClipSpec) -> RenderedClip:
    """Render once, reuse from the cache (keyed by the spec and the generator's code)."""
    import backstride.synth as synth_pkg

    digest = hashlib.sha256()
    for source in sorted(Path(synth_pkg.__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    path = CACHE / digest.hexdigest()[:10] / f"{spec.key()}.mp4"
    if path.exists() and path.with_suffix(".truth.json").exists():
        return RenderedClip.load(path)
    return render_clip(spec, path)


def pose_for(clip: RenderedClip, pose: list[MediaPipePose]) -> PoseSequence:
    """The pose model's landmarks for a clip, cached next to it (the slow step)."""
    cached = clip.path.with_suffix(".pose-r2.npz")  # facing-normalised, 2 workers
    if cached.exists():
        d = np.load(cached)
        return PoseSequence(
            d["xy"], d["vis"], d["depth"], d["t"], (int(d["w"]), int(d["h"])), str(d["backend"])
        )
    capture = clip.spec.fps if clip.spec.container_fps else None
    for model in pose:
        model.reset()
    seq = estimate_pose(probe(clip.path, capture_fps=capture), pose, face_right=True)
    np.savez(
        cached,
        xy=seq.xy_px,
        vis=seq.visibility,
        depth=seq.depth,
        t=seq.times_s,
        w=seq.frame_size[0],
        h=seq.frame_size[1],
        backend=seq.backend,
    )
    return seq


def run_side(spec: ClipSpec, pose: list[MediaPipePose]) -> tuple[SideViewScore, dict[str, float]]:
    clip = clip_for(spec)
    seq = pose_for(clip, pose)
    result = run_side_view(seq, height_cm=clip.truth.height_m * 100)
    score = score_side_view(result.metrics, result.events, clip.truth, result.clean.fps)
    near = result.near_side
    sig = foot_signals(result.clean, near, result.metrics.direction, result.metrics.leg_length_px)
    zs, zo = score_events(zeni_events(sig, clip.truth.cadence_spm), clip.truth, near)
    hs, ho = score_events(height_threshold_events(sig), clip.truth, near)
    return score, {"zeni_strike": zs, "zeni_toe_off": zo, "height_strike": hs, "height_toe_off": ho}


def fmt(x: float, digits: int = 1) -> str:
    return "n/a" if x != x else f"{x:+.{digits}f}"


def side_section(quick: bool = False) -> str:
    """Markdown: per-clip errors, the bars, and the comparison with published event methods."""
    pose = [MediaPipePose() for _ in range(pose_workers())]
    rows, scores, peers = [], [], []
    try:
        for group, label, spec in side_grid(quick):
            t0 = time.perf_counter()
            score, peer = run_side(spec, pose)
            scores.append((group, label, score))
            peers.append(peer)
            bars = score.within_bars()
            missed = [k for k, ok in bars.items() if not ok]
            rows.append(
                f"| {group} | {label} | {fmt(score.cadence_spm, 2)} | "
                f"{score.strike_ms_median_abs:.0f} / {score.toe_off_ms_median_abs:.0f} | "
                f"{fmt(score.contact_ms_mean_error, 0)} | {fmt(score.overstride_pct_leg)} | "
                f"{fmt(score.shank_angle_deg)} | {fmt(score.trunk_lean_deg)} | "
                f"{fmt(score.foot_inclination_deg)} | {fmt(score.knee_flexion_contact_deg)} | "
                f"{fmt(score.vertical_oscillation_cm)} | {fmt(score.speed_pct, 0)} | "
                f"{', '.join(missed) or 'all met'} |"
            )
            print(f"{label}: {time.perf_counter() - t0:.1f} s, missed: {missed}", file=sys.stderr)
    finally:
        for model in pose:
            model.close()
    return _side_markdown(rows, scores, peers)


def _side_markdown(
    rows: list[str], scores: list[tuple[str, str, SideViewScore]], peers: list[dict[str, float]]
) -> str:
    at60 = [s for _, _, s in scores if s.fps >= 50]
    clean60 = [s for g, _, s in scores if s.fps >= 50 and g != "degraded"]

    def agg(values: list[float]) -> str:
        v = np.asarray([x for x in values if x == x])
        return "n/a" if v.size == 0 else f"{np.median(np.abs(v)):.1f} (max {np.max(np.abs(v)):.1f})"

    met = {k: sum(1 for _, _, s in scores if s.within_bars().get(k, False)) for k in BARS}
    judged = {k: sum(1 for _, _, s in scores if k in s.within_bars()) for k in BARS}
    lines = [
        "## Side view",
        "",
        f"{len(scores)} synthetic clips (3 s, 1280x720), real pose model (BlazePose full), "
        "our pipeline. Errors are measured minus true. Event errors: median absolute, near foot, "
        "strike / toe-off in ms.",
        "",
        "### The bars (issue 3)",
        "",
        "| bar | threshold | clips meeting it | median abs error at >= 50 fps (max) |",
        "|---|---|---|---|",
        f"| cadence | 1 spm | {met['cadence_spm']}/{judged['cadence_spm']} | "
        f"{agg([s.cadence_spm for s in at60])} |",
        f"| event timing (60 fps+) | 1 frame | {met['event_frames']}/{judged['event_frames']} | "
        f"{agg([s.event_ms_median_abs for s in at60])} ms |",
        f"| contact time, mean (60 fps+) | 20 ms | {met['contact_ms']}/{judged['contact_ms']} | "
        f"{agg([s.contact_ms_mean_error for s in at60])} ms |",
        f"| trunk lean | 3 deg | {met['trunk_lean_deg']}/{judged['trunk_lean_deg']} | "
        f"{agg([s.trunk_lean_deg for s in at60])} |",
        f"| overstride | 3% leg | {met['overstride_pct_leg']}/{judged['overstride_pct_leg']} | "
        f"{agg([s.overstride_pct_leg for s in at60])} |",
        f"| shank angle | 4 deg | {met['shank_angle_deg']}/{judged['shank_angle_deg']} | "
        f"{agg([s.shank_angle_deg for s in at60])} |",
        "",
        f"On clean clips at >= 50 fps ({len(clean60)}): contact-time error "
        f"{agg([s.contact_ms_mean_error for s in clean60])} ms, event error "
        f"{agg([s.event_ms_median_abs for s in clean60])} ms.",
        "",
        "### Event methods compared on the same landmarks (near foot, median absolute error, ms)",
        "",
        "| method | strike | toe-off |",
        "|---|---|---|",
        f"| ours (floor tangent; toe-off at peak knee extension) | "
        f"{np.nanmedian([s.strike_ms_median_abs for _, _, s in scores]):.0f} | "
        f"{np.nanmedian([s.toe_off_ms_median_abs for _, _, s in scores]):.0f} |",
        f"| Zeni 2008 coordinates (as OpenCap) | "
        f"{np.nanmedian([p['zeni_strike'] for p in peers]):.0f} | "
        f"{np.nanmedian([p['zeni_toe_off'] for p in peers]):.0f} |",
        f"| foot-height threshold (as Pose2Sim) | "
        f"{np.nanmedian([p['height_strike'] for p in peers]):.0f} | "
        f"{np.nanmedian([p['height_toe_off'] for p in peers]):.0f} |",
        "",
        "### Every clip",
        "",
        "| group | clip | cadence spm | events ms (strike / toe-off) | contact ms | overstride "
        "% leg | shank deg | trunk deg | foot incl. deg | knee IC deg | VO cm | speed % | "
        "bars missed |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *rows,
    ]
    return "\n".join(lines) + "\n"


HEADER = """# Accuracy of the video pipeline against ground truth

Generated by `scripts/accuracy.py` on synthetic runners whose gait is known by construction
(`backstride.synth`). The same real pose model a user's video goes through (MediaPipe BlazePose
full, bundled) runs on every rendered clip; nothing is simulated after the pixels.

How to read it, and what it does not say:

- The truth is exact for the synthetic runner, but BlazePose was trained on people, not cartoons:
  where it places a landmark on our figure differs from the joint centre we drew by a few pixels
  (about 3 cm at the ankle, measured). Real-video accuracy is bounded by the published figures
  for BlazePose (Young 2023: 10-14 ms timing on the visible foot) more than by this table.
- Foot inclination and knee flexion at contact carry a systematic offset from that landmark
  placement (BlazePose marks the heel bone and big toe inside the shoe, not the shoe's corners),
  so compare them within a runner over time, not against population norms. Vertical oscillation
  reads low because BlazePose's hip points move a little less than true hip joints. None of the
  three has a bar in the issue; we report them rather than hide them.
- At 30 fps one frame is 33 ms: contact times are marked low-confidence in the product, and the
  bars on events and contact time are judged at 50 fps and above, as the issue sets them.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "accuracy.md")
    args = parser.parse_args()
    parts = [HEADER, side_section(args.quick)]
    from accuracy_rear import rear_section  # the rear-view stage's section

    parts.append(rear_section(CACHE))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(parts))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
