"""The rear view's quality checks, the pair merge and the store helper, without video."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import sqlalchemy as sa

from backstride.errors import InputError
from backstride.findings import Finding, Severity, Source
from backstride.store import Database
from backstride.store.runners import RunnerProfile, add_runner
from backstride.video.camera_tilt import CameraTilt
from backstride.video.combined import cadence_check, merge_findings
from backstride.video.pose import PoseSequence
from backstride.video.rear_metrics import PelvicDrop
from backstride.video.rear_quality import (
    check_feet_visible,
    check_pelvis_line,
    check_runner_size,
    check_support_windows,
    check_tilt,
    check_view,
)
from backstride.video.view import View, ViewEstimate


def est(view: View | None, angle: float) -> ViewEstimate:
    return ViewEstimate(view=view, angle_deg=angle, width_ratio=0.4, swing_ratio=0.1)


def test_view_checks_word_the_mismatch() -> None:
    assert check_view(est("rear", 85), "auto", "a.mp4") == []
    assert check_view(est("rear", 85), "rear", "a.mp4") == []
    [issue] = check_view(est("side", 8), "rear", "a.mp4")
    assert issue.level == "error" and issue.message == (
        "the runner is not seen from behind: a.mp4 was given as a rear view but looks filmed "
        "from the side (the camera is about 8 deg from side-on); use --view side or --view auto"
    )
    [issue] = check_view(est(None, 45), "auto", "a.mp4")
    assert issue.code == "view_unclear" and "about 45 deg from side-on" in issue.message


@pytest.mark.parametrize(
    ("share", "expected"),
    [
        (0.1, ("too_far", "error")),
        (0.3, ("small", "warning")),
        (0.6, None),
        (0.95, ("too_close", "warning")),
    ],
)
def test_runner_size(share: float, expected: tuple[str, str] | None) -> None:
    issues = check_runner_size(share)
    assert [(i.code, i.level) for i in issues] == ([expected] if expected else [])


def test_tilt_is_said_as_camera_or_as_runner() -> None:
    [cam] = check_tilt(
        CameraTilt(pelvis_offset_deg=4.0, trunk_offset_deg=-4.2, camera_roll_deg=4.1)
    )
    assert cam.code == "camera_tilted" and "about 4 deg" in cam.message
    [pelvis] = check_tilt(
        CameraTilt(pelvis_offset_deg=-3.5, trunk_offset_deg=0.2, camera_roll_deg=0)
    )
    assert pelvis.code == "pelvis_tilted" and "lower on the right" in pelvis.message
    [trunk] = check_tilt(CameraTilt(pelvis_offset_deg=0.1, trunk_offset_deg=3.6, camera_roll_deg=0))
    assert "leans to the right" in trunk.message
    assert (
        check_tilt(CameraTilt(pelvis_offset_deg=1.0, trunk_offset_deg=-1.0, camera_roll_deg=0))
        == []
    )


def test_hidden_feet_from_the_pose_models_visibility() -> None:
    n = 100
    xy = np.zeros((n, 33, 2))
    vis = np.ones((n, 33))
    seq = PoseSequence(xy, vis, np.zeros((n, 33)), np.arange(n) / 60, (640, 480), "x")
    assert check_feet_visible(seq) == []
    vis[:70, [27, 28, 29, 30]] = 0.2
    [issue] = check_feet_visible(seq)
    assert issue.level == "error" and "hidden in 70% of the frames" in issue.message
    vis[:70, [27, 28, 29, 30]] = 1.0
    vis[:30, [27, 28, 29, 30]] = 0.2
    assert [i.level for i in check_feet_visible(seq)] == ["warning"]


def test_steps_and_waistband_checks() -> None:
    assert check_support_windows(3)[0].level == "error"
    assert check_support_windows(6)[0].level == "warning"
    assert check_support_windows(9) == []
    drop = PelvicDrop(value_deg=2, uncertainty_deg=3, category="within usual range",
                      borderline=False, source="hip keypoints", waistband_share=0.3,
                      categories={})  # fmt: skip
    [issue] = check_pelvis_line(drop)
    assert "clear in only 30% of stance frames" in issue.message
    assert check_pelvis_line(drop.model_copy(update={"source": "waistband"})) == []


def test_pair_checks_and_merge() -> None:
    assert cadence_check(170, 168) == []
    [issue] = cadence_check(170, 150)
    assert issue.code == "sessions_differ" and "12%" in issue.message
    assert cadence_check(170, float("nan")) == []
    low = Finding(code="a", source=Source.VIDEO_REAR, title="a", severity=Severity.LOW,
                  explanation="x")  # fmt: skip
    high = low.model_copy(
        update={"code": "b", "severity": Severity.HIGH, "source": Source.VIDEO_SIDE}
    )
    assert [f.code for f in merge_findings([low], [high])] == ["b", "a"]


def test_a_failed_file_stores_nothing(db_url: str, tmp_path: Path) -> None:
    """One transaction: a file that cannot be stored leaves no assessment and no artifact."""
    from backstride.store.gait import store_summary

    db = Database.open(db_url)
    try:
        with db.session() as s:
            add_runner(s, RunnerProfile(name="Ana"))
        good = tmp_path / "metrics.json"
        good.write_text("{}")
        files = [(good, "metrics_json"), (tmp_path / "gone.png", "frames")]
        with pytest.raises(InputError):
            store_summary(db, "Ana", {"view": "rear"}, files)
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("select count(*) from assessments")).scalar() == 0
            assert conn.execute(sa.text("select count(*) from artifacts")).scalar() == 0
        store_summary(db, "Ana", {"view": "rear"}, files[:1])
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("select count(*) from artifacts")).scalar() == 1
    finally:
        db.dispose()
