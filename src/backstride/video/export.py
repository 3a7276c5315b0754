"""Files an analysis writes: keypoints as CSV and as a TRC file OpenSim and Sports2D can open.

TRC is the tab-separated marker format of OpenSim (Delp et al. 2007): a header of file
information, then one row per frame of ``Frame#``, ``Time`` and X, Y, Z per marker. From a single
2D camera Z is 0; X is forward along the running direction and Y up, in metres from the
runner's height (or an assumed 1.70 m, stated in metrics.json).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from backstride.skeleton import Landmark

#: Marker names in the style Sports2D uses for BlazePose.
TRC_NAMES = {
    Landmark.NOSE: "Nose",
    Landmark.LEFT_EYE: "LEye",
    Landmark.RIGHT_EYE: "REye",
    Landmark.LEFT_EAR: "LEar",
    Landmark.RIGHT_EAR: "REar",
    Landmark.LEFT_SHOULDER: "LShoulder",
    Landmark.RIGHT_SHOULDER: "RShoulder",
    Landmark.LEFT_ELBOW: "LElbow",
    Landmark.RIGHT_ELBOW: "RElbow",
    Landmark.LEFT_WRIST: "LWrist",
    Landmark.RIGHT_WRIST: "RWrist",
    Landmark.LEFT_HIP: "LHip",
    Landmark.RIGHT_HIP: "RHip",
    Landmark.LEFT_KNEE: "LKnee",
    Landmark.RIGHT_KNEE: "RKnee",
    Landmark.LEFT_ANKLE: "LAnkle",
    Landmark.RIGHT_ANKLE: "RAnkle",
    Landmark.LEFT_HEEL: "LHeel",
    Landmark.RIGHT_HEEL: "RHeel",
    Landmark.LEFT_FOOT_INDEX: "LBigToe",
    Landmark.RIGHT_FOOT_INDEX: "RBigToe",
}


def write_keypoints_csv(
    path: Path,
    times_s: NDArray[np.float64],
    xy_px: NDArray[np.float64],
    observed: NDArray[np.bool_],
) -> Path:
    """One row per frame: time, then x, y (pixels) and observed (0/1) for every landmark."""
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        header = ["time_s"]
        for lm in Landmark:
            name = lm.name.lower()
            header += [f"{name}_x_px", f"{name}_y_px", f"{name}_observed"]
        w.writerow(header)
        for i, t in enumerate(times_s):
            row: list[str] = [f"{t:.5f}"]
            for k in range(xy_px.shape[1]):
                x, y = xy_px[i, k]
                row += [_fmt(x), _fmt(y), "1" if observed[i, k] else "0"]
            w.writerow(row)
    return path


def _fmt(v: float) -> str:
    return "" if not np.isfinite(v) else f"{v:.2f}"


def write_trc(
    path: Path,
    times_s: NDArray[np.float64],
    xy_px: NDArray[np.float64],
    *,
    px_per_m: float,
    direction: int,
    floor_y_px: float,
) -> Path:
    """Write landmarks as an OpenSim TRC file (metres, X forward, Y up, Z = 0)."""
    markers = list(TRC_NAMES.items())
    n = len(times_s)
    rate = 1.0 / float(np.median(np.diff(times_s))) if n > 1 else 0.0
    lines = [
        f"PathFileType\t4\t(X/Y/Z)\t{path.name}",
        "DataRate\tCameraRate\tNumFrames\tNumMarkers\tUnits\tOrigDataRate\tOrigDataStartFrame"
        "\tOrigNumFrames",
        f"{rate:.2f}\t{rate:.2f}\t{n}\t{len(markers)}\tm\t{rate:.2f}\t1\t{n}",
        "Frame#\tTime\t" + "\t\t\t".join(name for _, name in markers) + "\t\t",
        "\t\t" + "\t".join(f"X{i}\tY{i}\tZ{i}" for i in range(1, len(markers) + 1)),
        "",
    ]
    x0 = float(np.nanmedian(xy_px[:, [Landmark.LEFT_HIP, Landmark.RIGHT_HIP], 0]))
    for i, t in enumerate(times_s):
        vals = []
        for lm, _ in markers:
            x = direction * (xy_px[i, lm, 0] - x0) / px_per_m
            y = (floor_y_px - xy_px[i, lm, 1]) / px_per_m
            vals += [_fmt6(x), _fmt6(y), "0.000000"]
        lines.append(f"{i + 1}\t{t:.5f}\t" + "\t".join(vals))
    path.write_text("\n".join(lines) + "\n")
    return path


def _fmt6(v: float) -> str:
    return "" if not np.isfinite(v) else f"{v:.6f}"
