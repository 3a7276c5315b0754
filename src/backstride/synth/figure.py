"""Drawing a flat-shaded runner that BlazePose detects: head with a face, torso, limbs, shoes.

Limbs are tapered capsules, the torso a hull of discs, shoes polygons built on the heel-toe line.
Limbs nearer the camera are drawn lighter and after the far ones (painter's algorithm), which is
the "distinct near/far shading" that lets a viewer, and a pose model, tell the legs apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np
from numpy.typing import NDArray

from backstride.skeleton import Landmark, side_landmark
from backstride.synth.body import Body
from backstride.synth.camera import Camera
from backstride.synth.kinematics import Array

L = Landmark
Color = tuple[int, int, int]  # BGR
SHIFT = 4  # sub-pixel bits for OpenCV drawing
SCALE = 1 << SHIFT


@dataclass(frozen=True)
class Style:
    """Colours of a synthetic person (BGR)."""

    skin: Color = (118, 151, 206)
    shirt: Color = (40, 90, 220)
    shorts: Color = (90, 45, 30)
    shoe: Color = (235, 235, 235)
    sole: Color = (40, 40, 40)
    hair: Color = (30, 40, 60)
    far_shade: float = 0.62  # far limbs are darker by this factor


PASSERBY = Style(
    skin=(95, 125, 170),
    shirt=(60, 160, 70),
    shorts=(70, 70, 70),
    shoe=(30, 30, 160),
    hair=(20, 20, 20),
)


def shade(color: Color, factor: float) -> Color:
    """Darken (factor < 1) or lighten (factor > 1) a colour."""
    b, g, r = (int(np.clip(c * factor, 0, 255)) for c in color)
    return (b, g, r)


def _pts(uv: Array) -> np.ndarray:
    return np.round(uv * SCALE).astype(np.int32)


def capsule(img: np.ndarray, p0: Array, p1: Array, r0: float, r1: float, color: Color) -> None:
    """A tapered limb from p0 (radius r0) to p1 (radius r1), in pixels."""
    d = p1 - p0
    n = np.linalg.norm(d)
    if not np.isfinite(n):
        return
    if n > 1e-6:
        perp = np.array([-d[1], d[0]]) / n
        quad = np.array([p0 + perp * r0, p1 + perp * r1, p1 - perp * r1, p0 - perp * r0])
        cv2.fillConvexPoly(img, _pts(quad), color, cv2.LINE_AA, SHIFT)
    for p, r in ((p0, r0), (p1, r1)):
        cv2.circle(img, tuple(_pts(p)), max(1, int(r * SCALE)), color, -1, cv2.LINE_AA, SHIFT)


def hull(img: np.ndarray, centres: Array, radii: Array, color: Color) -> None:
    """Fill the convex hull of discs (centres (N, 2), radii (N,))."""
    ang = np.linspace(0, 2 * np.pi, 20, endpoint=False)
    ring = np.stack([np.cos(ang), np.sin(ang)], axis=-1)
    pts = (centres[:, None, :] + radii[:, None, None] * ring[None]).reshape(-1, 2)
    if not np.all(np.isfinite(pts)):
        return
    cv2.fillConvexPoly(
        img, _pts(cv2.convexHull(pts.astype(np.float32))[:, 0]), color, cv2.LINE_AA, SHIFT
    )


def _shoe_outline(heel: Array, toe: Array, side_normal: Array) -> Array:
    """Five world points of a shoe's side outline from the heel and toe landmarks."""
    fwd = (toe - heel) / np.linalg.norm(toe - heel)
    up = np.cross(side_normal, fwd)
    up /= np.linalg.norm(up)
    length = np.linalg.norm(toe - heel)
    return np.array(
        [
            heel - fwd * 0.01,
            toe,
            toe + up * 0.035 - fwd * 0.025,
            heel + fwd * 0.45 * length + up * 0.10,
            heel + up * 0.085 - fwd * 0.01,
        ]
    )


@dataclass(frozen=True)
class Capsule:
    """A tapered limb in pixels."""

    p0: Array
    p1: Array
    r0: float
    r1: float
    color: Color

    def draw(self, img: np.ndarray) -> None:
        capsule(img, self.p0, self.p1, self.r0, self.r1, self.color)


@dataclass(frozen=True)
class Hull:
    """The convex hull of discs in pixels (torso, pelvis, shoe)."""

    centres: Array
    radii: Array
    color: Color

    def draw(self, img: np.ndarray) -> None:
        hull(img, self.centres, self.radii, self.color)


@dataclass(frozen=True)
class Shoe:
    """An upper (hull) with a dark sole along the heel-toe line."""

    upper: Hull
    sole: Capsule

    def draw(self, img: np.ndarray) -> None:
        self.upper.draw(img)
        self.sole.draw(img)


class Drawable(Protocol):
    def draw(self, img: np.ndarray) -> None: ...


def runner_primitives(
    cam: Camera, kp: Array, head: Array, body: Body, style: Style, *, shade_far: bool = True
) -> list[tuple[float, Drawable]]:
    """Everything to draw for one person in one frame, each with its depth.

    ``kp`` is (33, 3) in world coordinates, ``head`` the head centre (3,). With ``shade_far``
    the limbs of the side farther from the camera are darker (side views).
    """
    uv, z = cam.project(kp)
    _, hz = cam.project(head)
    if float(hz) <= 0.1 or np.any(z <= 0.1):
        return []
    px_per_m = cam.focal_px / z  # (33,)
    out: list[tuple[float, Drawable]] = []
    leg_depth = {
        s: float(
            np.mean(
                z[[side_landmark(s, "HIP"), side_landmark(s, "KNEE"), side_landmark(s, "ANKLE")]]
            )
        )
        for s in ("LEFT", "RIGHT")
    }
    near = min(leg_depth, key=lambda s: leg_depth[s])

    def limb(a: int, b: int, ra_m: float, rb_m: float, color: Color, dz: float = 0.0) -> None:
        shape = Capsule(
            uv[a].copy(), uv[b].copy(), ra_m * float(px_per_m[a]), rb_m * float(px_per_m[b]), color
        )
        out.append((float(0.5 * (z[a] + z[b])) + dz, shape))

    for s in ("LEFT", "RIGHT"):
        f = 1.0 if (s == near or not shade_far) else style.far_shade
        skin = shade(style.skin, f)
        hip, knee, ankle = (
            side_landmark(s, "HIP"),
            side_landmark(s, "KNEE"),
            side_landmark(s, "ANKLE"),
        )
        limb(hip, knee, 0.085, 0.055, skin)
        limb(knee, ankle, 0.055, 0.038, skin)
        # shorts over the upper thigh
        mid_thigh = 0.45 * kp[hip] + 0.55 * kp[knee]
        muv, mz = cam.project(mid_thigh)
        shorts = Capsule(
            uv[hip].copy(),
            muv,
            0.09 * cam.focal_px / float(z[hip]),
            0.075 * cam.focal_px / float(mz),
            shade(style.shorts, f),
        )
        out.append((float(0.5 * (z[hip] + mz)) - 0.01, shorts))
        out.append(_shoe(cam, kp, uv, px_per_m, s, shade(style.shoe, f), shade(style.sole, f)))
        sh, el, wr = (
            side_landmark(s, "SHOULDER"),
            side_landmark(s, "ELBOW"),
            side_landmark(s, "WRIST"),
        )
        limb(sh, el, 0.05, 0.04, skin)
        limb(el, wr, 0.04, 0.032, skin)
        limb(wr, side_landmark(s, "INDEX"), 0.035, 0.03, shade(skin, 0.95))
        s_uv, e_uv = uv[sh].copy(), uv[el].copy()
        rs = 0.058 * float(px_per_m[sh])
        sleeve = Capsule(s_uv, s_uv + 0.4 * (e_uv - s_uv), rs, rs * 0.9, shade(style.shirt, f))
        out.append((float(z[sh]) - 0.005, sleeve))

    torso_ids = [L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.RIGHT_HIP, L.LEFT_HIP]
    torso_depth = float(np.mean(z[torso_ids]))
    radii = np.array([0.075, 0.075, 0.095, 0.095]) * px_per_m[torso_ids]
    out.append((torso_depth, Hull(uv[torso_ids].copy(), radii, style.shirt)))
    pel_ids = [L.LEFT_HIP, L.RIGHT_HIP]
    out.append(
        (torso_depth - 0.001, Hull(uv[pel_ids].copy(), 0.105 * px_per_m[pel_ids], style.shorts))
    )
    neck_top = head - np.array([0.0, body.head_radius_m * 0.9, 0.0])
    n_uv, _ = cam.project(np.stack([0.5 * (kp[L.LEFT_SHOULDER] + kp[L.RIGHT_SHOULDER]), neck_top]))
    r_neck = 0.045 * cam.focal_px / float(hz)
    out.append(
        (float(hz) + 0.001, Capsule(n_uv[0], n_uv[1], r_neck, r_neck, shade(style.skin, 0.9)))
    )
    out.append((float(hz), Head.build(cam, kp, head, body, style)))
    return out


def _shoe(
    cam: Camera, kp: Array, uv: Array, px_per_m: Array, s: str, upper: Color, sole: Color
) -> tuple[float, Drawable]:
    """A shoe from the heel and toe landmarks: an upper hull and a sole line."""
    heel_i, toe_i = side_landmark(s, "HEEL"), side_landmark(s, "FOOT_INDEX")
    outline = _shoe_outline(kp[heel_i], kp[toe_i], np.array([0.0, 0.0, 1.0]))
    suv, sz = cam.project(outline)
    w = 0.05 * float(px_per_m[heel_i])
    heel, toe = uv[heel_i].copy(), uv[toe_i].copy()
    shape = Shoe(
        upper=Hull(np.array([heel, toe, suv[3]]), np.array([w * 0.9, w * 0.6, w * 0.7]), upper),
        sole=Capsule(heel, toe, w * 0.35, w * 0.3, sole),
    )
    return float(np.mean(sz)) - 0.02, shape


@dataclass(frozen=True)
class Head:
    """The head: a skin disc, hair on the back and top, and the face features facing the camera."""

    centre: Array
    radius_px: float
    hair_centre: Array
    features: Array  # (7, 2): nose, left eye, right eye, left ear, right ear, mouth l, mouth r
    visible: NDArray[np.bool_]
    style: Style

    @classmethod
    def build(cls, cam: Camera, kp: Array, head: Array, body: Body, style: Style) -> Head:
        huv, hz = cam.project(head)
        face_ids = [
            L.NOSE,
            L.LEFT_EYE,
            L.RIGHT_EYE,
            L.LEFT_EAR,
            L.RIGHT_EAR,
            L.MOUTH_LEFT,
            L.MOUTH_RIGHT,
        ]
        fuv, fz = cam.project(kp[face_ids])
        face_dir = kp[L.NOSE] - head
        back = head - face_dir / np.linalg.norm(face_dir) * body.head_radius_m * 0.28
        back = back + np.array([0.0, body.head_radius_m * 0.18, 0.0])
        buv, _ = cam.project(back)
        return cls(
            centre=huv,
            radius_px=body.head_radius_m * cam.focal_px / float(hz),
            hair_centre=buv,
            features=fuv,
            visible=fz < float(hz) + 0.02,  # on the camera's side of the head
            style=style,
        )

    def draw(self, im: np.ndarray) -> None:
        r, fuv, vis, style = self.radius_px, self.features, self.visible, self.style
        aa = cv2.LINE_AA
        cv2.circle(im, tuple(_pts(self.centre)), int(r * SCALE), style.skin, -1, aa, SHIFT)
        cv2.circle(
            im, tuple(_pts(self.hair_centre)), int(r * 0.93 * SCALE), style.hair, -1, aa, SHIFT
        )
        if vis[0]:  # the face side of the skin over the hair
            fc = self.centre + 0.35 * (fuv[0] - self.centre)
            cv2.circle(im, tuple(_pts(fc)), int(r * 0.72 * SCALE), style.skin, -1, aa, SHIFT)
        dark = (25, 25, 35)
        for i in (1, 2):  # eyes
            if vis[i]:
                axes = (int(r * 0.11 * SCALE), int(r * 0.08 * SCALE))
                cv2.ellipse(im, tuple(_pts(fuv[i])), axes, 0, 0, 360, dark, -1, aa, SHIFT)
                cv2.circle(
                    im, tuple(_pts(fuv[i])), int(r * 0.035 * SCALE), (240, 240, 240), -1, aa, SHIFT
                )
        for i in (3, 4):  # ears
            if vis[i]:
                axes = (int(r * 0.12 * SCALE), int(r * 0.2 * SCALE))
                cv2.ellipse(
                    im, tuple(_pts(fuv[i])), axes, 0, 0, 360, shade(style.skin, 0.8), -1, aa, SHIFT
                )
        if vis[0]:  # nose
            tip = fuv[0]
            base = self.centre + 0.8 * (tip - self.centre)
            perp = np.array([-(tip - self.centre)[1], (tip - self.centre)[0]])
            perp = perp / (np.linalg.norm(perp) + 1e-9) * r * 0.12
            tri = np.array([base + perp, tip + (tip - self.centre) * 0.08, base - perp])
            cv2.fillConvexPoly(im, _pts(tri), shade(style.skin, 0.85), aa, SHIFT)
        if vis[5] or vis[6]:  # mouth
            a = fuv[5] if vis[5] else 0.5 * (fuv[5] + fuv[6])
            b = fuv[6] if vis[6] else 0.5 * (fuv[5] + fuv[6])
            if np.linalg.norm(a - b) < r * 0.1:
                b = a + np.array([r * 0.15, 0.0]) * np.sign(fuv[0][0] - self.centre[0] + 1e-9)
            cv2.line(
                im, tuple(_pts(a)), tuple(_pts(b)), (60, 50, 150), max(1, int(r * 0.06)), aa, SHIFT
            )


def draw_people(img: np.ndarray, primitives: list[tuple[float, Drawable]]) -> None:
    """Draw primitives of every person, farthest first."""
    for _, shape in sorted(primitives, key=lambda p: -p[0]):
        shape.draw(img)
