"""Side or rear? The camera's angle to the running direction, from the keypoint geometry.

Two cues, each strong where the other is weak:

- **Body width.** The shoulders' image separation over the leg length is about 0.45 (shoulder
  width 0.22 H over leg length 0.49 H, Winter 2009) seen square-on from behind or in front and
  near 0 from the side: it grows like the sine of the angle from side-on, so it is sensitive near
  side-on (``quality.camera_angle_deg`` uses the same idea).
- **Fore-aft swing.** Each ankle swings forward and back relative to the pelvis by about 0.7 of a
  leg length over a stride (measured on our synthetic runners; faster running swings more). A
  side view sees all of it, a view from straight behind none of it: it shrinks like the cosine,
  so it is sensitive near straight behind, where the body width barely changes.

The angle is ``atan2(width / 0.45, swing / 0.7)``: 0 deg side-on, 90 deg straight behind (or in
front). Up to 35 deg it is a side view, from 55 deg a rear view; in between the camera is too
oblique for either and we say so rather than guess.

References
----------
Winter D.A. Biomechanics and Motor Control of Human Movement, 4th ed. Wiley 2009 (segment
lengths as fractions of height).
Puig-Divi A. et al. Validity and reliability of the Kinovea program in obtaining angles and
distances using coordinates in 4 perspectives. PLoS One 2019;14(6):e0216448 (2D sagittal angles
hold to about 45 deg off perpendicular).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from backstride.skeleton import Landmark
from backstride.video.pose import PoseSequence
from backstride.video.rear_pipeline import leg_length_px

L = Landmark
View = Literal["side", "rear"]

SHOULDER_TO_LEG = 0.22 / 0.491
FORE_AFT_TO_LEG = 0.7
SIDE_MAX_DEG = 35.0
REAR_MIN_DEG = 55.0


class ViewEstimate(BaseModel):
    """The view decided from a clip's keypoints, with the evidence."""

    model_config = ConfigDict(frozen=True)

    view: View | None  # None: too oblique for either
    angle_deg: float  # 0 = side-on, 90 = straight behind or in front
    width_ratio: float  # shoulder separation / leg length
    swing_ratio: float  # ankle fore-aft range relative to the pelvis / leg length

    def describe(self) -> str:
        """One line for the runner: what the view is and why."""
        if self.view == "side":
            how = "from the side"
        elif self.view == "rear":
            how = "from behind (or in front)"
        else:
            how = "at an angle, neither from the side nor from behind"
        return (
            f"filmed {how}: the camera is about {self.angle_deg:.0f} deg from side-on "
            f"(shoulders {self.width_ratio:.2f} and ankle swing {self.swing_ratio:.2f} of a leg)"
        )


def _range(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(np.percentile(x, 95) - np.percentile(x, 5)) if x.size >= 5 else float("nan")


def estimate_view(seq: PoseSequence) -> ViewEstimate:
    """Decide side or rear from a clip's landmarks (see the module docstring).

    Examples
    --------
    >>> t = np.arange(0, 2, 1 / 60)
    >>> xy = np.zeros((t.size, 33, 2))
    >>> xy[:, [L.LEFT_HIP, L.RIGHT_HIP], 1] = 300.0
    >>> xy[:, [L.LEFT_KNEE, L.RIGHT_KNEE], 1] = 380.0
    >>> xy[:, [L.LEFT_ANKLE, L.RIGHT_ANKLE], 1] = 460.0
    >>> xy[:, L.RIGHT_SHOULDER, 0], xy[:, L.LEFT_SHOULDER, 0] = 36.0, -36.0  # square-on
    >>> seq = PoseSequence(xy, np.ones((t.size, 33)), np.zeros((t.size, 33)), t, (640, 480), "x")
    >>> est = estimate_view(seq)
    >>> est.view, round(est.angle_deg)
    ('rear', 90)
    """
    xy = seq.xy_px
    leg = leg_length_px(xy)
    width = float(np.nanmedian(np.abs(xy[:, L.RIGHT_SHOULDER, 0] - xy[:, L.LEFT_SHOULDER, 0])))
    pelvis_x = 0.5 * (xy[:, L.LEFT_HIP, 0] + xy[:, L.RIGHT_HIP, 0])
    swing = float(
        np.nanmean([_range(xy[:, a, 0] - pelvis_x) for a in (L.LEFT_ANKLE, L.RIGHT_ANKLE)])
    )
    w, s = width / leg, swing / leg
    if not (np.isfinite(w) and np.isfinite(s)):
        return ViewEstimate(view=None, angle_deg=float("nan"), width_ratio=w, swing_ratio=s)
    angle = float(np.degrees(np.arctan2(w / SHOULDER_TO_LEG, s / FORE_AFT_TO_LEG)))
    view: View | None = None
    if angle <= SIDE_MAX_DEG:
        view = "side"
    elif angle >= REAR_MIN_DEG:
        view = "rear"
    return ViewEstimate(view=view, angle_deg=angle, width_ratio=w, swing_ratio=s)
