"""The rear view end to end on rendered clips with the real pose model: accuracy bars on a small
grid, the view decision, and every bad-video check (in process; the command is tested in
test_rear_cli.py).

The pose model runs once per clip: refusals of a wrong ``--view`` replay the landmarks already
estimated (`ReplayPose`), exactly as ``--view auto`` does in the command.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from backstride.errors import InputError
from backstride.synth.camera import CameraSpec
from backstride.synth.gait import GaitParams
from backstride.synth.render import ClipSpec, RenderedClip
from backstride.video.analyze import AnalyzeOptions, VideoAnalysis
from backstride.video.analyze_rear import RearAnalysis
from backstride.video.frontal import category
from backstride.video.quality import VideoQualityError
from backstride.video.rear_metrics import DROP_EDGES_DEG
from backstride.video.replay import ReplayPose
from backstride.video.session import ClipResult, Looked, finish, look

from .rear_helpers import hide_feet, truth_mean

pytestmark = pytest.mark.slow
Clip = Callable[[ClipSpec], RenderedClip]
SIZE = {"width": 960, "height": 540, "duration_s": 2.5}


def rear_spec(gait: dict[str, Any], camera: dict[str, Any] | None = None, **clip: Any) -> ClipSpec:
    return ClipSpec(
        gait=GaitParams(**gait),
        camera=CameraSpec(**{"view": "rear", **(camera or {})}),
        **{**SIZE, **clip},
    )


GRID = {
    "marked-crossover-arms-60fps": rear_spec(
        {
            "pelvic_drop_deg": 9.5,
            "lateral_lean_deg": 6.0,
            "step_width_cm": -4.0,
            "arm_cross_cm": 5.0,
        }
    ),
    "usual-wide-asymmetric-30fps-noise": rear_spec(
        {
            "pelvic_drop_deg": 3.0,
            "lateral_lean_deg": 1.5,
            "step_width_cm": 8.0,
            "step_time_asymmetry_pct": 8.0,
        },
        fps=30.0,
        noise_sigma=5.0,
    ),
    "increased-overground-60fps": rear_spec(
        {
            "pelvic_drop_deg": 6.5,
            "lateral_lean_deg": 0.0,
            "step_width_cm": 2.0,
            "mode": "overground",
        }
    ),
}


class Analysed:
    """A clip, its landmarks and its analysis (computed once per module)."""

    def __init__(self, clip: RenderedClip, looked: Looked, result: ClipResult) -> None:
        self.clip, self.looked, self.result = clip, looked, result

    @property
    def rear(self) -> RearAnalysis:
        assert isinstance(self.result.analysis, RearAnalysis)
        return self.result.analysis


def analyse(clip: RenderedClip, out: Path, **options: Any) -> Analysed:
    opts = AnalyzeOptions(height_cm=clip.truth.height_m * 100, out_dir=out, **options)
    looked = look(clip.path, opts)
    return Analysed(clip, looked, finish(looked, opts))


@pytest.fixture(scope="module")
def grid(synth_clip: Clip, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Analysed]:
    out = tmp_path_factory.mktemp("rear-grid")
    return {name: analyse(synth_clip(spec), out / name) for name, spec in GRID.items()}


@pytest.mark.parametrize("name", list(GRID))
def test_rear_accuracy_bars(grid: dict[str, Analysed], name: str) -> None:
    """Issue 4's bars: pelvic drop within 2 deg and its category right, lateral lean within 2 deg,
    crossover detected, the view decided right."""
    a = grid[name]
    truth, rear = a.clip.truth, a.rear
    assert a.result.estimate.view == "rear"
    drop_true = truth_mean(truth, "pelvic_drop_deg")
    drop = rear.metrics.pelvic_drop
    assert drop.source == "waistband"
    assert drop.value_deg == pytest.approx(drop_true, abs=2.0)
    assert drop.category == category(drop_true, *DROP_EDGES_DEG)
    assert 0 < drop.uncertainty_deg < 2.0
    lean = rear.metrics.metrics["lateral_lean_deg"].value
    assert lean == pytest.approx(truth_mean(truth, "lateral_lean_deg"), abs=2.0)
    width = rear.metrics.metrics["step_width_cm"].value
    assert (width < 0) == (truth.step_width_cm < 0)
    assert width == pytest.approx(truth.step_width_cm, abs=2.5)
    codes = {f.code for f in rear.findings}
    assert ("crossover_gait" in codes) == (truth.step_width_cm < 0)
    assert ("pelvic_drop" in codes) == (drop_true >= DROP_EDGES_DEG[0])


def test_rear_files_are_written_and_named(grid: dict[str, Analysed]) -> None:
    rear = grid["marked-crossover-arms-60fps"].rear
    frames = rear.files["frames"]
    assert {p.name for p in frames} >= {"right_stance_1.png", "left_stance_1.png"}
    assert all(p.stat().st_size > 10_000 for p in frames)
    doc = rear.files["metrics_json"][0].read_text()
    assert '"schema": "backstride.video.rear-metrics/1"' in doc
    assert "cannot_measure" in doc and "pelvic_drop_right_deg" in doc


def test_hands_hidden_from_behind_are_not_guessed(grid: dict[str, Analysed]) -> None:
    """From behind the wrists pass behind the trunk: arm crossing is reported as not visible."""
    rear = grid["marked-crossover-arms-60fps"].rear
    assert "arm_cross_cm" not in rear.headline_values()
    assert "hands_hidden" in {q.code for q in rear.quality}
    assert "arm_crossing" not in {f.code for f in rear.findings}


def test_a_wrong_view_is_refused_with_what_the_video_looks_like(
    grid: dict[str, Analysed], synth_clip: Clip, tmp_path: Path
) -> None:
    a = grid["increased-overground-60fps"]
    opts = AnalyzeOptions(out_dir=tmp_path)
    with pytest.raises(
        VideoQualityError, match="given as a side view but looks filmed from behind"
    ):
        look(a.clip.path, opts, view="side", backend=ReplayPose(a.looked.pose))
    side = synth_clip(ClipSpec(**SIZE))
    looked = look(side.path, opts)
    assert looked.estimate.view == "side"
    with pytest.raises(
        VideoQualityError, match="given as a rear view but looks filmed from the side"
    ):
        look(side.path, opts, view="rear", backend=ReplayPose(looked.pose))
    result = finish(looked, opts)  # and auto sends it to the side-view analysis
    assert isinstance(result.analysis, VideoAnalysis)
    assert result.analysis.metrics.metrics["cadence_spm"].value == pytest.approx(170, abs=3)


def test_an_oblique_camera_is_refused_in_auto(synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(ClipSpec(camera=CameraSpec(yaw_deg=45), **SIZE))
    with pytest.raises(VideoQualityError, match="between a side view"):
        look(clip.path, AnalyzeOptions(out_dir=tmp_path))


def test_a_tilted_camera_is_estimated_corrected_and_said(synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(
        rear_spec({"pelvic_drop_deg": 7.0, "lateral_lean_deg": 4.0}, {"roll_deg": 5.0})
    )
    rear = analyse(clip, tmp_path).rear
    assert rear.metrics.tilt.camera_roll_deg == pytest.approx(5.0, abs=1.5)
    assert "camera_tilted" in {q.code for q in rear.quality}
    assert rear.metrics.pelvic_drop.value_deg == pytest.approx(7.0, abs=2.0)
    assert abs(rear.metrics.asymmetry["pelvic_drop_asymmetry_deg"]) < 2.0


def test_a_camera_off_to_the_side_is_warned(synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(rear_spec({"pelvic_drop_deg": 5.0}, {"yaw_deg": 22.0}))
    rear = analyse(clip, tmp_path).rear
    off = [q for q in rear.quality if q.code == "off_axis"]
    assert off and "off straight behind" in off[0].message


def test_front_view_is_analysed_as_a_mirrored_rear_view(synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(
        rear_spec({"pelvic_drop_deg": 6.0, "lateral_lean_deg": 5.0}, {"view": "front"})
    )
    a = analyse(clip, tmp_path)
    assert a.result.estimate.view == "rear"
    rear = a.rear
    assert rear.from_front and "from_front" in {q.code for q in rear.quality}
    lean = rear.metrics.metrics["lateral_lean_deg"].value
    assert lean == pytest.approx(truth_mean(clip.truth, "lateral_lean_deg"), abs=2.0)


def test_feet_hidden_by_a_treadmill_frame_are_refused(synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(rear_spec({}, fps=30.0))
    knee = np.median(clip.frames.keypoints_array()[:, [25, 26], 1])
    heel = np.median(clip.frames.keypoints_array()[:, [29, 30], 1])
    masked = hide_feet(clip.path, tmp_path / "masked.mp4", int(knee + 0.35 * (heel - knee)))
    with pytest.raises(VideoQualityError, match="feet are hidden"):
        look_and_finish(masked, tmp_path)


def look_and_finish(path: Path, out: Path) -> ClipResult:
    opts = AnalyzeOptions(out_dir=out)
    return finish(look(path, opts), opts)


def test_a_runner_too_small_to_find_is_refused(synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(rear_spec({}, {"fill": 0.22}, fps=30.0))
    with pytest.raises(InputError, match=r"too far|no runner was found"):
        look_and_finish(clip.path, tmp_path)


def test_too_few_strides_are_refused(synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(rear_spec({}, fps=30.0, duration_s=1.0))
    with pytest.raises(VideoQualityError, match="complete step"):
        look_and_finish(clip.path, tmp_path)
