"""`--view auto` on a side-view runner facing left: the pose model runs once, on mirrored frames,
and the result is the one the side-view analysis gives when asked directly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from backstride.synth.camera import CameraSpec
from backstride.synth.render import ClipSpec, RenderedClip
from backstride.video.analyze import AnalyzeOptions, VideoAnalysis, analyze_video
from backstride.video.decode import probe
from backstride.video.pose import MediaPipePose
from backstride.video.session import analyze_clip

pytestmark = pytest.mark.slow
Clip = Callable[[ClipSpec], RenderedClip]


def test_a_runner_facing_left_is_estimated_once_in_auto(
    synth_clip: Clip, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clip = synth_clip(
        ClipSpec(camera=CameraSpec(side="left"), width=960, height=540, duration_s=3.0)
    )
    frames = probe(clip.path).frames
    calls = []
    detect = MediaPipePose.detect

    def counted(self: MediaPipePose, image: NDArray[np.uint8], time_s: float) -> object:
        calls.append(time_s)  # the real model still runs; we only count the frames it is given
        return detect(self, image, time_s)

    monkeypatch.setattr(MediaPipePose, "detect", counted)
    auto = analyze_clip(clip.path, AnalyzeOptions(out_dir=tmp_path / "auto"))
    assert auto.estimate.view == "side"
    # one pass, plus the frames seen before the runner was found facing left (about a second)
    assert frames < len(calls) < frames + 2 * 60
    side = auto.analysis
    assert isinstance(side, VideoAnalysis)
    assert side.facing == "left"

    direct = analyze_video(clip.path, AnalyzeOptions(out_dir=tmp_path / "side", view="side"))
    got, want = side.headline_values(), direct.headline_values()
    assert got.keys() == want.keys()
    for name, value in want.items():
        assert got[name] == pytest.approx(value, rel=1e-6, abs=1e-6, nan_ok=True), name
