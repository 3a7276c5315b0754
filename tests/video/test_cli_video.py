"""``backstride video analyze`` through the real command, on rendered clips and bad files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from backstride.synth.camera import CameraSpec
from backstride.synth.render import ClipSpec, RenderedClip
from backstride.video.encode import VideoWriter
from tests.cli.conftest import Run

pytestmark = pytest.mark.slow
Clip = Callable[[ClipSpec], RenderedClip]
SMALL = {"width": 960, "height": 540, "duration_s": 3.0}


def test_side_view_end_to_end(cli: Run, synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(ClipSpec(**SMALL))
    out = tmp_path / "out"
    r = cli("video", "analyze", str(clip.path), "--height-cm", "175", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "cadence_spm" in r.stdout and "overstride_pct_leg" in r.stdout
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["schema"] == "backstride.video.metrics/1"
    assert abs(doc["metrics"]["metrics"]["cadence_spm"]["value"] - 170) < 1
    assert len(doc["metrics"]["metrics"]["contact_ms"]["per_stride"]) >= 3
    assert any("lordosis" in c for c in doc["cannot_measure"])
    assert doc["near_side"] == "right" and doc["facing"] == "right"
    frames = sorted((out / "frames").glob("*.png"))
    assert any("strike" in f.name for f in frames) and any("midstance" in f.name for f in frames)
    header = (out / "keypoints.csv").read_text().splitlines()[0]
    assert header.startswith("time_s,nose_x_px,nose_y_px,nose_observed")
    trc = (out / "keypoints.trc").read_text().splitlines()
    assert trc[0].startswith("PathFileType\t4") and trc[2].split("\t")[4] == "m"
    assert len(trc[6].split("\t")) == 2 + 3 * 21  # frame, time, 21 markers x 3


def test_stores_the_analysis_for_a_runner(
    cli: Run, synth_clip: Clip, tmp_path: Path, db_url: str
) -> None:
    clip = synth_clip(ClipSpec(**SMALL))
    assert cli("runner", "add", "Ana", "--height-cm", "175", db=db_url).returncode == 0
    r = cli(
        "video",
        "analyze",
        str(clip.path),
        "--runner",
        "Ana",
        "--out",
        str(tmp_path / "o"),
        db=db_url,
    )
    assert r.returncode == 0, r.stderr
    assert "stored as assessment" in r.stdout
    assert "no height given" not in r.stderr  # the runner's height was used
    engine = sa.create_engine(db_url)
    with engine.connect() as conn:
        kind, summary = conn.execute(sa.text("select kind, summary from assessments")).one()
        kinds = [row[0] for row in conn.execute(sa.text("select kind from artifacts"))]
    engine.dispose()
    summary = summary if isinstance(summary, dict) else json.loads(summary)
    assert kind == "gait"
    assert abs(summary["metrics"]["cadence_spm"] - 170) < 1
    assert isinstance(summary["findings"], list)
    assert "video" in kinds and "metrics_json" in kinds and "frames" in kinds


def test_unknown_runner_stores_nothing(cli: Run, synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(ClipSpec(**SMALL))
    r = cli("video", "analyze", str(clip.path), "--runner", "Nobody", "--out", str(tmp_path))
    assert r.returncode == 2 and "no runner named 'Nobody'" in r.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        (b"", "the file is empty"),
        (b"this is not a video at all\n" * 50, "not a video file"),
    ],
)
def test_bad_files_exit_2_with_one_line(
    cli: Run, tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "run.mp4"
    if content is not None:
        path.write_bytes(content)
    r = cli("video", "analyze", str(path), "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    assert message in r.stderr and str(path) in r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "o" / "metrics.json").exists()


def test_truncated_video(cli: Run, synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(ClipSpec(**SMALL))
    data = clip.path.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 3])
    r = cli("video", "analyze", str(cut), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "cut.mp4" in r.stderr and "Traceback" not in r.stderr


def test_frame_rate_too_low_is_refused(cli: Run, synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(ClipSpec(fps=20, **SMALL))
    r = cli("video", "analyze", str(clip.path), "--out", str(tmp_path))
    assert r.returncode == 2 and "at least 25" in r.stderr


def test_slow_motion_needs_its_capture_rate(cli: Run, synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(ClipSpec(fps=240, container_fps=30, duration_s=2.5, width=640, height=360))
    r = cli("video", "analyze", str(clip.path), "--out", str(tmp_path / "a"))
    assert r.returncode == 2
    assert "not running" in r.stderr and "--capture-fps 240" in r.stderr
    r = cli(
        "video",
        "analyze",
        str(clip.path),
        "--capture-fps",
        "240",
        "--height-cm",
        "175",
        "--out",
        str(tmp_path / "b"),
    )
    assert r.returncode == 0, r.stderr
    doc = json.loads((tmp_path / "b" / "metrics.json").read_text())
    assert abs(doc["metrics"]["metrics"]["cadence_spm"]["value"] - 170) < 1


def test_no_runner_in_the_video(cli: Run, tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    rng = np.random.default_rng(0)
    with VideoWriter(empty, (640, 360), 60) as w:
        for i in range(90):
            w.write(
                np.full((360, 640, 3), 180, np.uint8)
                + rng.integers(0, 5, (360, 640, 3), dtype=np.uint8),
                i / 60,
            )
    r = cli("video", "analyze", str(empty), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "no runner was found" in r.stderr


def test_too_short_to_measure(cli: Run, synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(ClipSpec(width=960, height=540, duration_s=0.6))
    r = cli("video", "analyze", str(clip.path), "--out", str(tmp_path))
    assert r.returncode == 2 and "at least 8 steps" in r.stderr


def test_rear_video_is_not_a_side_view(cli: Run, synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(ClipSpec(camera=CameraSpec(view="rear"), **SMALL))
    r = cli("video", "analyze", str(clip.path), "--view", "side", "--out", str(tmp_path))
    assert r.returncode == 2 and "not seen from the side" in r.stderr


def test_portrait_phone_video(cli: Run, synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(ClipSpec(portrait=True, **SMALL))
    r = cli("video", "analyze", str(clip.path), "--height-cm", "175", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    doc = json.loads((tmp_path / "metrics.json").read_text())
    assert doc["video"]["width"] == 540 and doc["video"]["height"] == 960
    assert abs(doc["metrics"]["metrics"]["cadence_spm"]["value"] - 170) < 1


def test_annotated_video(cli: Run, synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(ClipSpec(width=640, height=360, duration_s=2.5))
    r = cli("video", "analyze", str(clip.path), "--annotated-video", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    import av

    with av.open(str(tmp_path / "annotated.mp4")) as c:
        assert sum(1 for _ in c.decode(video=0)) == 150
