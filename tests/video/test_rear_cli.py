"""``backstride video analyze`` with rear views, ``--view auto`` and a side + rear pair: the real
command in a subprocess, its output, its files, its refusals, and the stored assessment on SQLite
and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from backstride.synth.camera import CameraSpec
from backstride.synth.gait import GaitParams
from backstride.synth.render import ClipSpec, RenderedClip
from tests.cli.conftest import Run

pytestmark = pytest.mark.slow
Clip = Callable[[ClipSpec], RenderedClip]
SMALL = {"width": 960, "height": 540, "duration_s": 2.5, "fps": 30.0}
REAR = ClipSpec(
    gait=GaitParams(pelvic_drop_deg=9.5, lateral_lean_deg=4.0, step_width_cm=-4.0),
    camera=CameraSpec(view="rear"),
    **SMALL,
)
SIDE = ClipSpec(gait=GaitParams(pelvic_drop_deg=9.5, step_width_cm=-4.0), **SMALL)


def error_lines(stderr: str) -> list[str]:
    """Our own lines on stderr (mediapipe's native start-up logging aside)."""
    return [x for x in stderr.splitlines() if x.startswith(("error:", "internal error:"))]


def test_auto_view_analyses_a_rear_video(cli: Run, synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(REAR)
    out = tmp_path / "out"
    r = cli("video", "analyze", str(clip.path), "--height-cm", "175", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "rear view (chosen automatically; filmed from behind" in r.stdout
    assert "pelvic drop: marked" in r.stdout
    assert "pelvic_drop (high)" in r.stdout and "crossover_gait" in r.stdout
    assert "arm crossing cannot be judged" in r.stderr  # said, not guessed
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["view"] == "rear" and doc["metrics"]["pelvic_drop"]["category"] == "marked"
    assert doc["headline"]["pelvic_drop_deg"] == pytest.approx(9.5, abs=2.0)
    assert len(list((out / "frames").glob("*_stance_*.png"))) == 6
    assert (out / "keypoints.csv").read_text().startswith("time_s,nose_x_px")


def test_a_rear_video_given_as_side_is_refused(cli: Run, synth_clip: Clip, tmp_path: Path) -> None:
    clip = synth_clip(REAR)
    r = cli("video", "analyze", str(clip.path), "--view", "side", "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    [line] = error_lines(r.stderr)
    assert "was given as a side view but looks filmed from behind" in line
    assert "use --view rear or --view auto" in line
    assert "Traceback" not in r.stderr and not (tmp_path / "o").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--view", "front"], "--view must be auto, side or rear, not 'front'"),
        (["--view", "rear", "SECOND"], "with two videos the view of each is detected"),
        (["SECOND", "SECOND"], "give one video, or one side-view and one rear-view video"),
        (["--runner", "Nobody"], "no runner named 'Nobody'"),
    ],
)
def test_bad_arguments_exit_2_before_any_work(
    cli: Run, tmp_path: Path, args: list[str], message: str
) -> None:
    video = tmp_path / "a.mp4"
    video.write_bytes(b"not a video")
    argv = [str(video) if a == "SECOND" else a for a in args]
    r = cli("video", "analyze", str(video), *argv, "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    [line] = error_lines(r.stderr)
    assert message in line
    assert not (tmp_path / "o").exists()


def test_empty_and_missing_files_are_named(cli: Run, tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    r = cli("video", "analyze", str(empty), str(tmp_path / "missing.mp4"))
    assert r.returncode == 2
    assert error_lines(r.stderr) == [f"error: {empty}: the file is empty (0 bytes)"]


def test_two_rear_videos_are_not_a_pair(cli: Run, synth_clip: Clip, home: Path) -> None:
    clip = synth_clip(REAR)
    assert cli("runner", "add", "Ana").returncode == 0
    r = cli("video", "analyze", str(clip.path), str(clip.path), "--runner", "Ana")
    assert r.returncode == 2
    [line] = error_lines(r.stderr)
    assert "give one side-view and one rear-view video" in line
    assert "looks filmed from behind" in line
    assert "no assessments yet" in cli("runner", "show", "Ana").stdout  # nothing stored


def _assessments(db_url: str) -> list[tuple[str, dict[str, object]]]:
    engine = sa.create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.text("select kind, summary from assessments order by id"))
            return [(k, s if isinstance(s, dict) else json.loads(s)) for k, s in rows]
    finally:
        engine.dispose()


def test_side_and_rear_make_one_stored_assessment(
    cli: Run, synth_clip: Clip, db_url: str, tmp_path: Path
) -> None:
    side, rear = synth_clip(SIDE), synth_clip(REAR)
    assert cli("runner", "add", "Ana K", "--height-cm", "175", db=db_url).returncode == 0
    out = tmp_path / "out"
    # rear first: the order does not matter, each clip's view is detected
    r = cli("video", "analyze", str(rear.path), str(side.path), "--runner", "Ana K",
            "--out", str(out), db=db_url)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "stored as assessment #1 for Ana K" in r.stdout
    assert (out / "side" / "metrics.json").exists() and (out / "rear" / "metrics.json").exists()
    [(kind, summary)] = _assessments(db_url)
    assert kind == "gait" and summary["view"] == "side+rear"
    metrics = summary["metrics"]
    assert isinstance(metrics, dict)
    assert metrics["cadence_spm"] == pytest.approx(170, abs=4)  # side view
    assert metrics["pelvic_drop_deg"] == pytest.approx(9.5, abs=2.0)  # rear view
    assert "rear_step_time_si_pct" not in metrics  # low confidence: detail only
    findings = summary["findings"]
    assert isinstance(findings, list)
    sources = {f["code"]: f["source"] for f in findings}
    assert sources["pelvic_drop"] == "video_rear" and sources["crossover_gait"] == "video_rear"
    assert all(f["capacities"] and f["ruleset"] for f in findings)
    views = summary["views"]
    assert isinstance(views, dict) and set(views) == {"side", "rear"}
    assert views["rear"]["pelvic_drop"]["category"] == "marked"
    shown = cli("runner", "show", "Ana K", db=db_url).stdout
    assert "#1 gait" in shown and "stored file(s)" in shown


def test_a_pair_without_height_says_so_once(cli: Run, synth_clip: Clip, tmp_path: Path) -> None:
    """Regression: the side view and then the rear view each printed "no height given"."""
    side, rear = synth_clip(SIDE), synth_clip(REAR)
    r = cli("video", "analyze", str(side.path), str(rear.path), "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    notes = [line for line in r.stderr.splitlines() if "no height given" in line]
    assert notes == [
        "note: no height given: centimetres and speed assume 170 cm (pass --height-cm or set it "
        "on the runner)"
    ]
    rear_doc = json.loads((tmp_path / "out" / "rear" / "metrics.json").read_text())
    assert rear_doc["height_assumed"] is True  # the rear clip's own record keeps its note
