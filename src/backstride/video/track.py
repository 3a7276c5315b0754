"""One runner, one direction, legs that keep their identity.

Side-view pose output has two known faults (reference/gait.md, "what goes wrong in practice"):
the left and right legs (and arms) swap labels for a few frames, above all when they cross, and a
per-frame notion of facing flips with them. We fix both once per clip:

- **Label swaps** are undone by fitting each limb's trajectory with a robust local quadratic
  (a few swapped frames barely pull it) and giving every frame the labelling closer to those
  trajectories, repeated until it settles. The labelling of the whole clip is then chosen to
  agree with the pose model on most frames, because its left/right is right far more often
  than not.
- **Facing** is decided once per clip from anatomy (toes ahead of heels, nose ahead of ears).
- **Near leg**: BlazePose's relative depth puts one labelled side nearer for the whole clip;
  that is the side facing the camera.
- **One runner**: when the pose jumps to another person for a few frames (a passer-by), the
  frames whose body centre or size breaks from the runner's track are dropped, never averaged in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from backstride.skeleton import Landmark
from backstride.video.pose import PoseSequence

L = Landmark
Array = NDArray[np.float64]

LEFT_LEG = [L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_HEEL, L.LEFT_FOOT_INDEX]
RIGHT_LEG = [L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_HEEL, L.RIGHT_FOOT_INDEX]
LEFT_ARM = [L.LEFT_SHOULDER, L.LEFT_ELBOW, L.LEFT_WRIST, L.LEFT_PINKY, L.LEFT_INDEX, L.LEFT_THUMB]
RIGHT_ARM = [
    L.RIGHT_SHOULDER,
    L.RIGHT_ELBOW,
    L.RIGHT_WRIST,
    L.RIGHT_PINKY,
    L.RIGHT_INDEX,
    L.RIGHT_THUMB,
]
#: The landmarks that tell two legs apart (hips nearly coincide in a side view).
LEG_CUES = slice(1, 5)
ARM_CUES = slice(1, 3)

Facing = Literal["right", "left"]


def _limb_cost(a: Array, b: Array) -> Array:
    """Mean distance between limb landmark sets (..., K, 2), ignoring missing points."""
    d = np.linalg.norm(a - b, axis=-1)
    with np.errstate(all="ignore"):
        out = np.nanmean(d, axis=-1)
    return np.nan_to_num(out, nan=0.0)


def robust_trend(x: Array, window: int, *, iterations: int = 3) -> Array:
    """A robust local quadratic fit of (T, ...) data over a centred window, ignoring NaN.

    Each frame's value is a quadratic fitted to its window by iteratively reweighted least squares
    with Tukey's biweight, so a few wrong frames (label swaps) barely pull the trend while a
    fast-moving limb is still followed. Frames with fewer than 4 complete samples in their window
    are NaN. All frames are solved together (a 3x3 system each), so a clip of thousands of frames
    costs milliseconds.

    Examples
    --------
    >>> t = np.arange(21.0)
    >>> x = (0.5 * t**2)[:, None]
    >>> x[10] = 500.0  # one wrong frame
    >>> bool(abs(robust_trend(x, 7)[10, 0] - 50.0) < 1e-6)
    True
    """
    n = x.shape[0]
    flat = x.reshape(n, -1).astype(float)
    half = window // 2
    padded = np.full((n + 2 * half, flat.shape[1]), np.nan)
    padded[half : half + n] = flat
    seg = padded[np.arange(n)[:, None] + np.arange(2 * half + 1)]  # (T, W, D)
    u = np.arange(-half, half + 1, dtype=float)
    design = np.stack([np.ones_like(u), u, u * u], axis=1)  # (W, 3)
    ok = np.isfinite(seg).all(axis=2)
    y = np.where(ok[..., None], seg, 0.0)
    fitted = ok.sum(axis=1) >= 4
    active = fitted.copy()
    coef = np.zeros((n, 3, flat.shape[1]))
    w = ok.astype(float)
    for _ in range(iterations):
        if not active.any():
            break
        # Weighted least squares with weights w**2 (the rows of the fit scaled by w).
        w2 = w[active] ** 2
        normal = np.einsum("tw,wi,wj->tij", w2, design, design)
        rhs = np.einsum("tw,wi,twd->tid", w2, design, y[active])
        coef[active] = np.linalg.solve(normal, rhs)
        resid = np.linalg.norm(y - np.einsum("wi,tid->twd", design, coef), axis=2)
        with np.errstate(all="ignore"):
            med = np.nanmedian(np.where(ok, resid, np.nan), axis=1)
        scale = 6.0 * np.maximum(np.nan_to_num(med, nan=0.0), 1e-6)
        new_w = np.clip(1 - (resid / scale[:, None]) ** 2, 0, None) ** 2 * ok
        w = np.where(active[:, None], new_w, w)
        active &= new_w.sum(axis=1) >= 3  # too few inliers left: keep this fit
    out = np.where(fitted[:, None], coef[:, 0, :], np.nan)
    return out.reshape(x.shape)


def swap_states(
    first: Array, second: Array, *, window: int = 13, rounds: int = 4
) -> tuple[NDArray[np.bool_], Array]:
    """Per frame, whether two labelled limbs should exchange labels, and how sure that is.

    Each limb's trajectory is estimated by a robust local quadratic (`robust_trend`), which
    label swaps lasting less than about half the window barely pull; every frame is then
    assigned to the labelling closer to those trajectories; the two steps repeat. The whole
    clip's labelling is the one that agrees with the pose model on most frames.

    Parameters
    ----------
    first, second : (T, K, 2) ndarray
        Landmarks of the two limbs as labelled, best in a body-centred frame (NaN where missing).
    window : int
        Trend window in frames (about 0.3 s of video).

    Returns
    -------
    swapped : (T,) bool ndarray
        True where the labels should be exchanged.
    margin : (T,) ndarray
        How much closer (pixels, mean over landmarks) the chosen labelling is than the other:
        small values mean the pose model confused the limbs in that frame.

    Examples
    --------
    >>> t = np.arange(40.0)[:, None, None]
    >>> a = np.concatenate([40 * np.sin(t / 6), 0 * t], axis=-1)
    >>> b = np.concatenate([-40 * np.sin(t / 6), 0 * t + 5], axis=-1)
    >>> a2, b2 = a.copy(), b.copy()
    >>> a2[20:23], b2[20:23] = b[20:23], a[20:23]  # a three-frame label swap
    >>> swap_states(a2, b2, window=9)[0].nonzero()[0].tolist()
    [20, 21, 22]
    """
    n = first.shape[0]
    swapped = np.zeros(n, dtype=bool)
    margin = np.zeros(n)
    if n < 3:
        return swapped, margin
    window = max(3, min(window, n) | 1)
    for _ in range(rounds):
        a = np.where(swapped[:, None, None], second, first)
        b = np.where(swapped[:, None, None], first, second)
        ta, tb = robust_trend(a, window), robust_trend(b, window)
        keep = _limb_cost(first, ta) + _limb_cost(second, tb)
        swap = _limb_cost(second, ta) + _limb_cost(first, tb)
        new = swap < keep
        margin = np.abs(swap - keep) / 2
        if np.array_equal(new, swapped):
            break
        swapped = new
    if swapped.mean() > 0.5:  # the pose model's labels are right more often than not
        swapped = ~swapped
    return swapped, margin


def fix_label_swaps(seq: PoseSequence) -> tuple[PoseSequence, dict[str, int]]:
    """Undo left/right label swaps of the legs and of the arms; return how many frames changed."""
    xy, vis, depth = seq.xy_px.copy(), seq.visibility.copy(), seq.depth.copy()
    changed = {}
    for name, left, right, cues in (
        ("legs", LEFT_LEG, RIGHT_LEG, LEG_CUES),
        ("arms", LEFT_ARM, RIGHT_ARM, ARM_CUES),
    ):
        centre = 0.5 * (xy[:, [L.LEFT_HIP]] + xy[:, [L.RIGHT_HIP]])
        window = max(5, round(0.35 * seq.fps)) if seq.fps else 13
        swapped, _ = swap_states(
            xy[:, left[cues]] - centre, xy[:, right[cues]] - centre, window=window
        )
        idx = np.nonzero(swapped)[0]
        for arr in (xy, vis, depth):
            a, b = arr[idx][:, left].copy(), arr[idx][:, right].copy()
            cols_l, cols_r = np.array(left, dtype=int), np.array(right, dtype=int)
            arr[np.ix_(idx, cols_l)] = b
            arr[np.ix_(idx, cols_r)] = a
        changed[name] = int(swapped.sum())
    fixed = PoseSequence(xy, vis, depth, seq.times_s, seq.frame_size, seq.backend, list(seq.notes))
    return fixed, changed


def decide_facing(seq: PoseSequence) -> tuple[Facing, float]:
    """The image direction the runner faces, once per clip, and the share of frames agreeing.

    Votes: toes ahead of heels (both feet), nose ahead of the ears.
    """
    xy = seq.xy_px
    votes = [
        xy[:, L.LEFT_FOOT_INDEX, 0] - xy[:, L.LEFT_HEEL, 0],
        xy[:, L.RIGHT_FOOT_INDEX, 0] - xy[:, L.RIGHT_HEEL, 0],
        xy[:, L.NOSE, 0] - 0.5 * (xy[:, L.LEFT_EAR, 0] + xy[:, L.RIGHT_EAR, 0]),
    ]
    signs = np.sign(np.concatenate([v[np.isfinite(v)] for v in votes]))
    if signs.size == 0:
        return "right", 0.0
    facing: Facing = "right" if np.sum(signs) >= 0 else "left"
    agree = float(np.mean(signs == (1 if facing == "right" else -1)))
    return facing, agree


def near_side(seq: PoseSequence) -> tuple[Literal["left", "right"], float]:
    """Which labelled side is nearer the camera, by the pose model's relative depth, and the
    share of frames agreeing."""
    d = seq.depth
    left = np.nanmean(d[:, [L.LEFT_HIP, L.LEFT_KNEE, L.LEFT_ANKLE, L.LEFT_SHOULDER]], axis=1)
    right = np.nanmean(d[:, [L.RIGHT_HIP, L.RIGHT_KNEE, L.RIGHT_ANKLE, L.RIGHT_SHOULDER]], axis=1)
    ok = np.isfinite(left) & np.isfinite(right)
    if not ok.any():
        return "right", 0.0
    right_nearer = np.mean(right[ok] < left[ok])
    if right_nearer >= 0.5:
        return "right", float(right_nearer)
    return "left", float(1 - right_nearer)


@dataclass(frozen=True)
class RunnerTrack:
    """Per-frame body centre and size of the runner, and which frames are someone else."""

    centre_px: Array  # (T, 2) mid-hip
    size_px: Array  # (T,) shoulder-centre to ankle-centre distance
    foreign: NDArray[np.bool_]  # (T,) frames whose pose is not the runner's


def keep_one_runner(seq: PoseSequence, *, jump: float = 0.35, resize: float = 0.3) -> RunnerTrack:
    """Flag frames where the pose jumped to another person.

    The runner's body centre moves smoothly and their size changes slowly; a pose whose centre
    is more than ``jump`` body sizes from the running median track, or whose size differs by more
    than ``resize`` from it, belongs to someone else (or is a gross error) and is flagged.
    """
    xy = seq.xy_px
    centre = 0.5 * (xy[:, L.LEFT_HIP] + xy[:, L.RIGHT_HIP])
    shoulders = 0.5 * (xy[:, L.LEFT_SHOULDER] + xy[:, L.RIGHT_SHOULDER])
    ankles = 0.5 * (xy[:, L.LEFT_ANKLE] + xy[:, L.RIGHT_ANKLE])
    size = np.linalg.norm(shoulders - ankles, axis=1)
    n = len(size)
    window = max(5, round(seq.fps * 0.5) if seq.fps else 15)
    foreign = ~np.isfinite(size)
    for _ in range(2):  # re-estimate the track without the frames flagged the first time
        ref_c = np.full((n, 2), np.nan)
        ref_s = np.full(n, np.nan)
        for t in range(n):
            lo, hi = max(0, t - window), min(n, t + window + 1)
            ok = ~foreign[lo:hi]
            if ok.sum() >= 3:
                ref_c[t] = np.median(centre[lo:hi][ok], axis=0)
                ref_s[t] = np.median(size[lo:hi][ok])
        with np.errstate(invalid="ignore"):
            far = np.linalg.norm(centre - ref_c, axis=1) > jump * ref_s
            bad_size = np.abs(size / ref_s - 1) > resize
        foreign = ~np.isfinite(size) | (far & np.isfinite(ref_s)) | (bad_size & np.isfinite(ref_s))
    return RunnerTrack(centre_px=centre, size_px=size, foreign=foreign)
