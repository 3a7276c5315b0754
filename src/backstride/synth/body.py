"""Segment lengths of a synthetic runner, as fractions of standing height.

References
----------
Winter D.A. Biomechanics and Motor Control of Human Movement, 4th ed. Wiley 2009, Fig. 4.1
(segment lengths as fractions of height H).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Body(BaseModel):
    """A runner's body: standing height sets every segment length (Winter 2009 proportions).

    Examples
    --------
    >>> b = Body(height_m=1.75)
    >>> round(b.leg_length_m, 3)
    0.859
    """

    model_config = ConfigDict(frozen=True)

    height_m: float = Field(default=1.75, ge=1.3, le=2.2)

    @property
    def thigh_m(self) -> float:
        """Hip joint centre to knee joint centre (0.245 H)."""
        return 0.245 * self.height_m

    @property
    def shank_m(self) -> float:
        """Knee joint centre to ankle joint centre (0.246 H)."""
        return 0.246 * self.height_m

    @property
    def leg_length_m(self) -> float:
        """Hip to ankle joint centre with the knee straight: thigh + shank.

        This is the "leg length" of ``overstride_pct_leg`` everywhere in backstride, because it is
        what a pose model can measure (hip, knee and ankle keypoints).
        """
        return self.thigh_m + self.shank_m

    @property
    def ankle_height_m(self) -> float:
        """Ankle joint centre above the sole (0.039 H)."""
        return 0.039 * self.height_m

    @property
    def foot_length_m(self) -> float:
        """Heel to toe tip, shoe included (0.152 H)."""
        return 0.152 * self.height_m

    @property
    def ankle_from_heel_m(self) -> float:
        """Horizontal distance from the back of the heel to the ankle joint (a quarter foot)."""
        return 0.25 * self.foot_length_m

    @property
    def hip_width_m(self) -> float:
        """Distance between the two hip joint centres (about 0.10 H)."""
        return 0.10 * self.height_m

    @property
    def trunk_m(self) -> float:
        """Mid-hip to mid-shoulder (0.818 H - 0.530 H)."""
        return 0.288 * self.height_m

    @property
    def shoulder_width_m(self) -> float:
        """Distance between the shoulder joint centres (about 0.22 H)."""
        return 0.22 * self.height_m

    @property
    def upper_arm_m(self) -> float:
        """Shoulder to elbow (0.186 H)."""
        return 0.186 * self.height_m

    @property
    def forearm_m(self) -> float:
        """Elbow to wrist (0.146 H)."""
        return 0.146 * self.height_m

    @property
    def hand_m(self) -> float:
        """Wrist to finger tips (0.108 H)."""
        return 0.108 * self.height_m

    @property
    def neck_m(self) -> float:
        """Mid-shoulder to the centre of the head (about 0.10 H)."""
        return 0.10 * self.height_m

    @property
    def head_radius_m(self) -> float:
        """Radius of the head (about 0.06 H)."""
        return 0.06 * self.height_m
