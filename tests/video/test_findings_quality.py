"""Video findings (versioned thresholds, golden bands) and quality checks, without video."""

from __future__ import annotations

import re
from importlib import resources

import numpy as np
import pytest

from backstride.findings import Capacity, Severity, Source
from backstride.video.findings import load_thresholds, side_view_findings
from backstride.video.quality import (
    camera_angle_deg,
    check_cadence,
    check_frame_rate,
    check_side_on,
    check_steps,
)
from tests.video.conftest import side_landmarks

FORBIDDEN = re.compile(r"\b(treats?|diagnos\w*|clinically proven|replaces physiotherapy)\b", re.I)


def test_thresholds_are_versioned_and_sourced() -> None:
    thresholds, digest = load_thresholds()
    assert re.fullmatch(r"[0-9a-f]{12}", digest)
    assert thresholds.version.startswith("video-")
    for code, rule in thresholds.findings.items():
        assert rule.reference.strip(), code
        assert rule.capacities and all(isinstance(c, Capacity) for c in rule.capacities), code
        assert rule.bands.low <= rule.bands.moderate <= rule.bands.high or rule.direction == "below"


def test_wording_avoids_diagnosis_words() -> None:
    text = resources.files("backstride.video").joinpath("thresholds.yaml").read_text()
    assert not FORBIDDEN.search(text)


# (code, values, speed, expected severity or None, why)
GOLDEN = [
    ("overstride", {"overstride_pct_leg": 19.9}, None, None, "just under the low edge"),
    ("overstride", {"overstride_pct_leg": 20.0}, None, Severity.LOW, "on the low edge"),
    ("overstride", {"overstride_pct_leg": 27.0}, None, Severity.MODERATE, "past moderate"),
    ("overstride", {"overstride_pct_leg": 35.0}, None, Severity.HIGH, "past high"),
    ("low_cadence", {"cadence_spm": 150.0}, 3.0, Severity.LOW, "8 below the 158 typical at 3 m/s"),
    ("low_cadence", {"cadence_spm": 156.0}, 3.0, None, "2 below: within normal variation"),
    ("low_cadence", {"cadence_spm": 140.0}, 3.0, Severity.MODERATE, "18 below"),
    ("low_cadence", {"cadence_spm": 140.0}, None, None, "no speed: cannot judge"),
    (
        "waist_lean",
        {"trunk_lean_deg": 16.0, "trunk_to_leg_deg": 3.0},
        None,
        Severity.MODERATE,
        "leans 16 deg, more than the stance leg: from the waist",
    ),
    (
        "waist_lean",
        {"trunk_lean_deg": 16.0, "trunk_to_leg_deg": -4.0},
        None,
        None,
        "leans 16 deg but with the whole body: from the ankles",
    ),
    ("high_vertical_oscillation", {"vertical_oscillation_cm": 11.0}, None, Severity.LOW, ">10"),
    ("long_contact_time", {"contact_ms": 310.0}, None, Severity.MODERATE, "past 308 ms"),
    (
        "step_time_asymmetry",
        {"step_time_si_pct": -13.0},
        None,
        Severity.MODERATE,
        "either side counts",
    ),
    ("contact_time_asymmetry", {"contact_time_si_pct": 5.0}, None, None, "small asymmetry"),
]


@pytest.mark.parametrize(("code", "values", "speed", "expected", "why"), GOLDEN)
def test_golden_bands(
    code: str, values: dict[str, float], speed: float | None, expected: Severity | None, why: str
) -> None:
    found = {f.code: f for f in side_view_findings(values, speed_mps=speed)}
    if expected is None:
        assert code not in found, why
    else:
        f = found[code]
        assert f.severity == expected, why
        assert f.source == Source.VIDEO_SIDE
        assert f.ruleset and f.ruleset.startswith(load_thresholds()[0].version)
        assert not FORBIDDEN.search(f.explanation)
        assert "{" not in f.explanation  # every placeholder filled


def test_frame_rate_checks() -> None:
    assert check_frame_rate(20)[0].level == "error"
    assert check_frame_rate(30)[0].level == "warning"
    assert check_frame_rate(60) == []


@pytest.mark.parametrize(("cadence", "hint"), [(80.0, "--capture-fps 60"), (45.0, "120")])
def test_slow_motion_hint(cadence: float, hint: str) -> None:
    issue = check_cadence(cadence, 30.0)[0]
    assert issue.level == "error" and hint in issue.message


def test_camera_angle_from_geometry() -> None:
    seq, _ = side_landmarks(
        __import__("backstride.synth.gait", fromlist=["GaitParams"]).GaitParams()
    )
    assert camera_angle_deg(seq) < 15  # seen from the side: shoulders and hips overlap
    # the same body seen from behind: shoulders and hips spread to their full width
    from backstride.skeleton import Landmark as L

    xy = seq.xy_px.copy()
    for left, right, half in (
        (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, 48.0),
        (L.LEFT_HIP, L.RIGHT_HIP, 22.0),
    ):
        mid = 0.5 * (xy[:, left] + xy[:, right])
        xy[:, left] = mid - np.array([half, 0.0])
        xy[:, right] = mid + np.array([half, 0.0])
    from dataclasses import replace

    assert camera_angle_deg(replace(seq, xy_px=xy)) > 60
    assert check_side_on(70)[0].level == "error"
    assert check_side_on(30)[0].level == "warning"
    assert check_side_on(5) == []


def test_step_count_checks() -> None:
    assert check_steps(2, 1)[0].level == "error"
    assert check_steps(6, 3)[0].level == "warning"
    assert check_steps(10, 5) == []
