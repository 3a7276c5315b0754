"""The demo's inputs: one synthetic runner filmed from the side and from behind, sample
check-ins, and (when the training stage provides it) a 16-week history.

The demo runner overstrides and shows increased pelvic drop, so the whole loop has something to
find, explain and train.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from backstride.synth.camera import CameraSpec
from backstride.synth.checkins import SUBACUTE_FLEXION, write_checkins
from backstride.synth.gait import GaitParams, plausible_speed_mps
from backstride.synth.render import ClipSpec, RenderedClip, render_once

DEMO_HEIGHT_CM = 176.0

#: Overstriding at a low cadence, with a marked pelvic drop: what the demo should find.
DEMO_GAIT = GaitParams(
    cadence_spm=158,
    contact_ms=265,
    overstride_pct_leg=28,
    foot_strike_deg=18,
    knee_flexion_contact_deg=10,
    trunk_lean_deg=7,
    vertical_oscillation_cm=9.5,
    pelvic_drop_deg=9,
    lateral_lean_deg=3,
    step_width_cm=5,
    arm_cross_cm=-6,
    speed_mps=plausible_speed_mps(265, 28),
)


def demo_clips() -> dict[str, ClipSpec]:
    """The side and rear clips of the demo runner (4 s at 60 fps)."""
    common = {
        "gait": DEMO_GAIT,
        "height_m": DEMO_HEIGHT_CM / 100,
        "fps": 60.0,
        "duration_s": 4.0,
        "width": 1280,
        "height": 720,
    }
    return {
        "side": ClipSpec(camera=CameraSpec(view="side"), **common),
        "rear": ClipSpec(camera=CameraSpec(view="rear"), **common),
    }


def write_demo_inputs(
    folder: Path, *, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, Path]:
    """Render the demo videos and write the sample inputs into ``folder``; return their paths.

    Clips already rendered with the same spec are reused (the truth file next to each says
    which spec made it).
    """
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, Path] = {}
    for view, spec in demo_clips().items():
        path = folder / f"{view}.mp4"
        out[f"{view} video"] = _render_once(spec, path, view, progress).path
    checkins = write_checkins(folder / "checkins")
    out["check-in"] = checkins[SUBACUTE_FLEXION].path
    try:
        from backstride.synth.history import write_history
    except ImportError:  # the training stage adds it
        return out
    history = folder / "history"
    write_history(history)
    out["training history"] = history
    return out


def _render_once(
    spec: ClipSpec, path: Path, view: str, progress: Callable[[str, int, int], None] | None
) -> RenderedClip:
    report = (lambda d, t: progress(f"rendering the {view} video", d, t)) if progress else None
    return render_once(spec, path, progress=report)
