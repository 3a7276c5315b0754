"""Accuracy of the rear view on synthetic runners: the markdown section of docs/accuracy.md.

``rear_section(cache_dir)`` renders every clip of the grid (cached by spec and generator
version), runs the real pose model once per clip as the command does (its parallel workers;
landmarks cached too), analyses each clip
exactly as ``backstride video analyze`` does (`backstride.video.session.analyze_clip`, view
``auto``) and compares with the truth the generator knows. ``python scripts/accuracy_rear.py
[cache_dir]`` prints it (``docs/accuracy-rear.md`` is its output).

The grid (issue 4): pelvic drop 0-12 deg, lateral lean 0-10 deg, step width -5..+10 cm, arm
crossing on/off, step-time and contact asymmetry on/off, 30 fps with sensor noise and 60 fps
clean, each factor varied around a base runner; then a seeded random sample mixing all factors
with noise; then the camera conditions (off-axis, tilted, higher and looking down, overground
following), the front view and side views (for ``--view auto``).
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from backstride.errors import InputError
from backstride.synth.camera import CameraSpec
from backstride.synth.gait import GaitParams
from backstride.synth.render import ClipSpec, RenderedClip, render_clip
from backstride.video.analyze import AnalyzeOptions
from backstride.video.analyze_rear import RearAnalysis
from backstride.video.decode import probe
from backstride.video.estimate import estimate_pose, pose_workers
from backstride.video.frontal import category
from backstride.video.pose import MediaPipePose, PoseSequence
from backstride.video.rear_metrics import DROP_EDGES_DEG
from backstride.video.replay import ReplayPose
from backstride.video.session import analyze_clip

BASE = {"pelvic_drop_deg": 4.0, "lateral_lean_deg": 3.0, "step_width_cm": 6.0, "arm_cross_cm": -8.0}
ARM_ON, ARM_OFF = 5.0, -8.0
ASYM = {"step_time_asymmetry_pct": 8.0, "contact_asymmetry_pct": 6.0}
FPS_VARIANTS: dict[str, dict[str, Any]] = {
    "60 fps": {"fps": 60.0},
    "30 fps + noise": {"fps": 30.0, "noise_sigma": 6.0},
}
SIZE = {"width": 960, "height": 540, "duration_s": 3.0}
BARS = {"drop_deg": 2.0, "category_share": 0.90, "lean_deg": 2.0, "detect_share": 0.95}


@dataclass(frozen=True)
class Case:
    """One clip of the grid."""

    group: str
    label: str
    spec: ClipSpec
    view: str  # the view a perfect --view auto picks


def _rear(gait: dict[str, Any], *, camera: dict[str, Any] | None = None, **clip: Any) -> ClipSpec:
    params = GaitParams(**{**BASE, **gait})
    cam = CameraSpec(**{"view": "rear", **(camera or {})})
    return ClipSpec(gait=params, camera=cam, **{**SIZE, **clip})


def _factor_cases() -> list[Case]:
    levels = [
        ("pelvic drop", "pelvic_drop_deg", [0.0, 3.0, 6.5, 9.5, 12.0]),
        ("lateral lean", "lateral_lean_deg", [0.0, 5.0, 10.0]),
        ("step width", "step_width_cm", [-5.0, -2.0, 4.0, 10.0]),
        ("arm crossing", "arm_cross_cm", [ARM_OFF, ARM_ON]),
    ]
    out = []
    for fps_name, fps in FPS_VARIANTS.items():
        for group, key, values in levels:
            for v in values:
                out.append(Case(group, f"{key}={v:g}, {fps_name}", _rear({key: v}, **fps), "rear"))
        for on in (False, True):
            gait = ASYM if on else {}
            out.append(
                Case(
                    "asymmetry",
                    f"asymmetry {'on' if on else 'off'}, {fps_name}",
                    _rear(gait, **fps),
                    "rear",
                )
            )
    return out


def _random_cases(n: int = 12, seed: int = 4) -> list[Case]:
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        gait = {
            "pelvic_drop_deg": float(rng.choice([0.0, 3.0, 6.5, 9.5, 12.0])),
            "lateral_lean_deg": float(rng.choice([0.0, 2.0, 5.0, 8.0, 10.0])),
            "step_width_cm": float(rng.choice([-5.0, -2.0, 2.0, 6.0, 10.0])),
            "arm_cross_cm": float(rng.choice([ARM_OFF, ARM_ON])),
        }
        if rng.random() < 0.5:
            gait.update(ASYM)
        fps = float(rng.choice([30.0, 60.0]))
        spec = _rear(gait, fps=fps, noise_sigma=float(rng.choice([3.0, 6.0])), seed=i)
        out.append(Case("random mix", f"mix {i + 1}, {fps:.0f} fps + noise", spec, "rear"))
    return out


def _camera_cases() -> list[Case]:
    drop = {"pelvic_drop_deg": 7.0, "lateral_lean_deg": 5.0}
    return [
        Case("camera", "10 deg off straight behind", _rear(drop, camera={"yaw_deg": 10}), "rear"),
        Case("camera", "camera tilted 5 deg", _rear(drop, camera={"roll_deg": 5}), "rear"),
        Case("camera", "camera tilted -4 deg", _rear(drop, camera={"roll_deg": -4}), "rear"),
        Case(
            "camera",
            "camera 1.6 m high, looking down 10 deg",
            _rear(drop, camera={"height_m": 1.6, "pitch_deg": -10}),
            "rear",
        ),
        Case(
            "camera", "overground, camera following", _rear({**drop, "mode": "overground"}), "rear"
        ),
        Case("camera", "front view", _rear(drop, camera={"view": "front"}), "rear"),
        Case("side view", "side, facing right", ClipSpec(**SIZE), "side"),
        Case(
            "side view",
            "side, facing left, overground",
            ClipSpec(camera=CameraSpec(side="left"), gait=GaitParams(mode="overground"), **SIZE),
            "side",
        ),
        Case(
            "side view",
            "side, 25 deg oblique",
            ClipSpec(camera=CameraSpec(yaw_deg=25), **SIZE),
            "side",
        ),
    ]


def grid() -> list[Case]:
    """Every clip of the accuracy grid."""
    return [*_factor_cases(), *_random_cases(), *_camera_cases()]


def _code_version() -> str:
    import backstride.synth as synth_pkg

    digest = hashlib.sha256()
    for source in sorted(Path(synth_pkg.__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    return digest.hexdigest()[:10]


def _clip(spec: ClipSpec, cache: Path) -> RenderedClip:
    path = cache / "synth" / _code_version() / f"{spec.key()}.mp4"
    if path.exists() and path.with_suffix(".truth.json").exists():
        return RenderedClip.load(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return render_clip(spec, path)


def _pose(clip: RenderedClip, cache: Path) -> PoseSequence:
    path = cache / "pose" / _code_version() / f"{clip.spec.key()}.npz"
    if path.exists():
        d = np.load(path)
        return PoseSequence(d["xy"], d["vis"], d["depth"], d["t"], tuple(d["size"]), str(d["name"]))
    models = [MediaPipePose() for _ in range(pose_workers())]  # as the command runs it
    try:
        seq = estimate_pose(probe(clip.path), models)
    finally:
        for model in models:
            model.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(
        path,
        xy=seq.xy_px,
        vis=seq.visibility,
        depth=seq.depth,
        t=seq.times_s,
        size=np.array(seq.frame_size),
        name=np.array(seq.backend),
    )
    return seq


@dataclass(frozen=True)
class Row:
    """One clip's result against its truth (NaN / None where not measured)."""

    case: Case
    view: str | None
    error: str | None
    drop_true: float
    drop: float
    drop_source: str
    cat_true: str | None
    cat: str | None
    lean_true: float
    lean: float
    width_true: float
    width: float
    arm_true: float
    arm: float
    si_true: float
    si: float


def _truth_mean(clip: RenderedClip, key: str) -> float:
    return float(np.mean([getattr(clip.truth.feet[s], key) for s in ("right", "left")]))


def evaluate(case: Case, cache: Path) -> Row:
    """Analyse one clip as the CLI does and compare with its truth."""
    clip = _clip(case.spec, cache)
    seq = _pose(clip, cache)
    nan = float("nan")
    drop_true = _truth_mean(clip, "pelvic_drop_deg")
    row = Row(case=case, view=None, error=None, drop_true=drop_true, drop=nan, drop_source="",
              cat_true=category(drop_true, *DROP_EDGES_DEG), cat=None,
              lean_true=_truth_mean(clip, "lateral_lean_deg"), lean=nan,
              width_true=clip.truth.step_width_cm, width=nan,
              arm_true=_truth_mean(clip, "arm_cross_cm"), arm=nan,
              si_true=clip.truth.step_time_si_pct, si=nan)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        options = AnalyzeOptions(height_cm=clip.truth.height_m * 100, out_dir=Path(tmp))
        try:
            result = analyze_clip(clip.path, options, backend=ReplayPose(seq))
        except InputError as exc:
            return replace(row, error=exc.message)
    a = result.analysis
    if not isinstance(a, RearAnalysis):
        return replace(row, view=result.estimate.view)
    m = a.metrics.metrics

    def value(name: str) -> float:
        return m[name].value if name in m and m[name].n else nan

    drop = a.metrics.pelvic_drop
    return replace(row, view="rear", drop=drop.value_deg, drop_source=drop.source,
                   cat=drop.category, lean=value("lateral_lean_deg"),
                   width=value("step_width_cm"), arm=value("arm_cross_cm"),
                   si=a.metrics.asymmetry["rear_step_time_si_pct"])  # fmt: skip


def _f(x: float, digits: int = 1) -> str:
    return "-" if x != x else f"{x:.{digits}f}"


def _detected(true: float, measured: float) -> str:
    if measured != measured:
        return "not measured"
    return "right" if (true > 0) == (measured > 0) else "WRONG"


def _clip_table(rows: list[Row]) -> list[str]:
    lines = [
        "| group | condition | view | pelvic drop true / measured (err) | category true / measured "
        "| lateral lean true / measured (err) | step width cm true / measured | crossover "
        "| arm cross cm true / measured | arm crossing | step SI % true / measured |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        c = r.case
        view_ok = "ok" if r.view == c.view else f"**{r.view or 'refused'}**"
        if r.view != "rear" or c.view != "rear":
            note = r.error or ""
            lines.append(f"| {c.group} | {c.label} | {c.view}: {view_ok} | {note} | | | | | | | |")
            continue
        src = "" if r.drop_source == "waistband" else " (hip points)"
        lines.append(
            f"| {c.group} | {c.label} | {view_ok} | {_f(r.drop_true)} / {_f(r.drop)} "
            f"({_f(r.drop - r.drop_true)}){src} | {r.cat_true} / {r.cat} "
            f"| {_f(r.lean_true)} / {_f(r.lean)} ({_f(r.lean - r.lean_true)}) "
            f"| {_f(r.width_true)} / {_f(r.width)} | {_detected(-r.width_true, -r.width)} "
            f"| {_f(r.arm_true)} / {_f(r.arm)} | {_detected(r.arm_true, r.arm)} "
            f"| {_f(r.si_true)} / {_f(r.si)} |"
        )
    return lines


def _share(flags: list[bool]) -> str:
    return f"{sum(flags)}/{len(flags)} ({100 * sum(flags) / max(len(flags), 1):.0f}%)"


def _bars(rows: list[Row]) -> list[str]:
    rear = [r for r in rows if r.case.view == "rear" and r.view == "rear"]
    waist = [r for r in rear if r.drop_source == "waistband" and r.case.group != "camera"]
    drop_err = np.array([abs(r.drop - r.drop_true) for r in waist])
    lean_err = np.array([abs(r.lean - r.lean_true) for r in rear if r.case.group != "camera"])
    cat_ok = [r.cat == r.cat_true for r in waist]
    cross = [_detected(-r.width_true, -r.width) == "right" for r in rear]
    arms = [_detected(r.arm_true, r.arm) == "right" for r in rear]
    views = [r.view == r.case.view for r in rows]
    si = [r for r in rear if r.case.group in ("asymmetry", "random mix")]
    si_err = np.array([abs(r.si - r.si_true) for r in si])
    ok = lambda b: "met" if b else "**missed**"  # noqa: E731
    return [
        "| measure | bar | result | |",
        "|---|---|---|---|",
        f"| pelvic drop, all grid clips | within {BARS['drop_deg']:g} deg | max error "
        f"{drop_err.max():.1f} deg, median {np.median(drop_err):.1f} (n={drop_err.size}) "
        f"| {ok(drop_err.max() <= BARS['drop_deg'])} |",
        f"| pelvic drop category | right in >= 90% | {_share(cat_ok)} "
        f"| {ok(np.mean(cat_ok) >= BARS['category_share'])} |",
        f"| lateral trunk lean | within {BARS['lean_deg']:g} deg | max error {lean_err.max():.1f} "
        f"deg, median {np.median(lean_err):.1f} | {ok(lean_err.max() <= BARS['lean_deg'])} |",
        f"| crossover (step width < 0) | right in >= 95% | {_share(cross)} "
        f"| {ok(np.mean(cross) >= BARS['detect_share'])} |",
        f"| arm crossing | right in >= 95% | {_share(arms)} "
        f"| {ok(np.mean(arms) >= BARS['detect_share'])} |",
        f"| --view auto | every clip | {_share(views)} | {ok(all(views))} |",
        f"| step-time asymmetry (no bar) | - | median error {np.median(si_err):.1f} SI points, "
        f"max {si_err.max():.1f} | low confidence |",
    ]


WHY = """\
**What misses a bar, and why.**

- *Arm crossing* is not measured from behind: the wrists are hidden by the trunk as they swing
  towards the midline (BlazePose gives them a visibility of about 0.02 in every rear clip and
  guesses their position: -5 cm for hands truly 5 cm across), so the analysis reports "hands
  hidden, arm crossing cannot be judged" instead of a number. From the front (our synthetic
  front view) the hands are in sight but BlazePose mixes up the two wrists where the forearms
  cross in front of the body (errors of 10-15 cm), so there too the pose model marks them as
  half-seen and we report nothing. On the ideal projected keypoints the same code measures arm
  crossing within 1 cm (tests/video/test_rear_science.py): the limit is the pose model, not the
  definition. Arm swing across the body should be judged by eye from a front video for now.
- *Looking for another arm signal from behind* (investigated, not adopted; exploratory code
  outside the repository). Rule chosen on 10 clips, checked on 40, scored once on held-out
  clips (other seeds, heights 1.6-1.9 m, arm swing 25-40 deg, trunk rotation 4-12 deg, 30/60 fps,
  noise on/off, camera off-axis, tilted or high; arm_cross_cm -8 to +8). (a) BlazePose's guessed
  forearm (elbow to wrist) follows about a third of the true inward change: held-out d' 1.4,
  78% right (at the forward swing d' 0.0, 50%). (b) The wrist's visibility at the back of the
  swing: d' 1.0, 68%. (c) The forearm's inward angle at the back of the swing, read from the
  image (pixels continuous in colour with the upper arm below the elbow): means 5, 9, 16, 23 deg
  for -8, -4, +3, +8 cm, d' 2.5; at 12.6 deg, 36/40 right (90%) over the range and 47/48 for
  -8 vs +5/+8 (the miss: wrong support windows put the back-swing frames elsewhere). Not
  adopted: 90% over the range, and it infers a crossing in front from the forearm's carriage
  behind, a link our synthetic arm builds in (its inward rotation at the back is 35% of the
  front's) but no source gives for real runners; its colour rule is tested on flat colours only.
- *Pelvic drop from the pose model's hip points* tracks about 0.2 deg per degree of true drop
  (the column "(hip points)" where the waistband was not clear, e.g. in the front view where the
  forearms cover it): it is reported as low confidence with a warning, never as the headline.
- *Step-time asymmetry from behind* has no bar; its error is shown because it is large: the
  landings come from the pose model's feet, which from behind are partly hidden behind the
  other leg until they land, and are mixed up when the feet pass close behind each other
  (crossover, some random mixes). On ideal landmarks the same code is within 1 point of
  symmetry index (tests/video/test_rear_science.py). It stays in metrics.json as low confidence,
  is left out of the assessment's metrics and findings, and the side view measures it.
- *Where the camera is:* 10 deg off straight behind, tilted +-4-5 deg (detected and removed),
  1.6 m high looking down, or following an overground runner, pelvic drop and lean stay within
  the bars; from the front the forearms hide the waistband and pelvic drop falls back to the hip
  points (4-5 deg low here, flagged low confidence with a warning).
"""


def rear_section(cache_dir: Path) -> str:
    """The markdown rear-view section: bars, then every clip, then what misses and why."""
    rows = [evaluate(case, cache_dir) for case in grid()]
    parts = [
        "## Rear view (issue 4)",
        "",
        f"{len(rows)} synthetic clips, 960x540, 3 s, BlazePose full; pelvic drop and lean are "
        "compared with the generator's truth at mid-stance (both sides averaged); the category "
        f"edges are {DROP_EDGES_DEG[0]:g} and {DROP_EDGES_DEG[1]:g} deg (thresholds.yaml). "
        "Bars are computed on the factor and random grids; camera conditions are listed beside "
        "them.",
        "",
        *_bars(rows),
        "",
        WHY,
        "### Every clip",
        "",
        *_clip_table(rows),
        "",
    ]
    return "\n".join(parts)


if __name__ == "__main__":
    cache = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".cache/accuracy-rear")
    print(rear_section(cache))
