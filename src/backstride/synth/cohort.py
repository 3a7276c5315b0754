"""A synthetic cohort for batch runs: runners whose gait we know, a manifest and the truth.

`write_cohort` renders each runner from the side (every second one also from behind), writes
a check-in and a short training history for each, and writes ``manifest.csv`` (ready for
``backstride batch run``) and ``truth.csv``: per manifest line, the gait the clip was rendered
with, in the same ``gait_<metric>`` columns as the batch's ``cohort.csv``, so what the batch
measured can be compared with the truth row by row.

The cohort is seeded: the same ``runners`` and ``seed`` give the same runners and files on the
same day (visit dates and check-ins count back from the day it is written). One runner has a
red-flag check-in (from the fifth on), so the batch also shows a referral; the first runner
comes back for a re-test two weeks later with a shorter stride, so it also shows progress.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from backstride.synth.body import Body
from backstride.synth.camera import CameraSpec
from backstride.synth.checkins import (
    NO_PAIN,
    POST_RUN_SORENESS,
    RED_FLAG,
    SUBACUTE_FLEXION,
    write_checkins,
)
from backstride.synth.gait import GaitParams, plausible_speed_mps
from backstride.synth.history import HistorySpec, write_history
from backstride.synth.render import ClipSpec, render_once

#: The gait measures the truth file gives, by the name the pipeline reports them under.
TRUTH_METRICS = (
    "cadence_spm",
    "contact_ms",
    "overstride_pct_leg",
    "trunk_lean_deg",
    "knee_flexion_contact_deg",
    "pelvic_drop_deg",
)
#: Check-ins handed out in turn (the red flag is given to the fifth runner only).
CHECKINS = (SUBACUTE_FLEXION, POST_RUN_SORENESS, NO_PAIN, SUBACUTE_FLEXION)


@dataclass(frozen=True)
class Visit:
    """One manifest row: who, when, their gait and what was filmed."""

    runner: str
    day: date
    height_cm: float
    birth_year: int
    gait: GaitParams
    rear: bool
    checkin: str
    history_seed: int


def plan_cohort(runners: int, seed: int, today: date) -> list[Visit]:
    """The visits of a seeded cohort of ``runners`` (pure: no file is written).

    Examples
    --------
    >>> visits = plan_cohort(3, 1, date(2026, 6, 1))
    >>> [(v.runner, v.day.day, v.rear) for v in visits]  # doctest: +NORMALIZE_WHITESPACE
    [('runner-01', 18, True), ('runner-01', 1, True), ('runner-02', 1, False),
     ('runner-03', 1, True)]
    """
    rng = np.random.default_rng(seed)
    visits: list[Visit] = []
    for i in range(runners):
        height_cm = round(float(rng.uniform(158, 192)))
        body = Body(height_m=height_cm / 100)
        contact = float(rng.uniform(210, 280))
        overstride = float(rng.uniform(4, 26))
        gait = GaitParams(
            cadence_spm=round(float(rng.uniform(156, 184)), 1),
            contact_ms=round(contact),
            overstride_pct_leg=round(overstride, 1),
            trunk_lean_deg=round(float(rng.uniform(3, 13)), 1),
            knee_flexion_contact_deg=round(float(rng.uniform(10, 22)), 1),
            pelvic_drop_deg=round(float(rng.uniform(2, 10)), 1),
            speed_mps=plausible_speed_mps(round(contact), round(overstride, 1), body),
        )
        visit = Visit(
            runner=f"runner-{i + 1:02d}",
            day=today,
            height_cm=height_cm,
            birth_year=int(rng.integers(1965, 2004)),
            gait=gait,
            rear=i % 2 == 0,
            checkin=RED_FLAG if i == 4 else CHECKINS[i % len(CHECKINS)],
            history_seed=seed * 100 + i,
        )
        if i == 0:  # a first visit two weeks before, with a longer stride
            longer = min(overstride + 10, 30)
            before = gait.model_copy(
                update={
                    "overstride_pct_leg": round(longer, 1),
                    "speed_mps": plausible_speed_mps(round(contact), round(longer, 1), body),
                }
            )
            visits.append(replace(visit, day=today - timedelta(days=14), gait=before))
        visits.append(visit)
    return visits


def _history_spec(seed: int) -> HistorySpec:
    """Eight weeks (fixed dates, spring 2025, like the demo's history), with a weekly ramp or a
    spike in some histories (by seed)."""
    return HistorySpec.without_events(
        start=date(2025, 3, 3),
        weeks=8,
        seed=seed,
        ramp_week=6 if seed % 2 else None,
        spike_week=7 if seed % 3 == 0 else None,
    )


MANIFEST_COLUMNS = ("runner", "height_cm", "birth_year", "date", "side", "rear", "activities")


def write_cohort(
    folder: Path,
    runners: int = 6,
    *,
    seed: int = 1,
    today: date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Path:
    """Write a synthetic cohort into ``folder``; return the manifest's path.

    Clips already rendered with the same spec are reused.
    """
    day = today or date.today()
    visits = plan_cohort(runners, seed, day)
    folder.mkdir(parents=True, exist_ok=True)
    report = progress or (lambda _s, _d, _t: None)
    rows: list[dict[str, object]] = []
    truth: list[dict[str, object]] = []
    clips = sum(2 if v.rear else 1 for v in visits)
    rendered = 0
    for line, visit in enumerate(visits, start=2):
        name = f"{visit.runner}-{visit.day.isoformat()}"
        checkins = write_checkins(folder / "checkins" / name, today=visit.day)
        history = folder / "history" / visit.runner
        if not history.exists():
            write_history(history, _history_spec(visit.history_seed))
        paths: dict[str, str] = {}
        for view in ("side", "rear") if visit.rear else ("side",):
            spec = ClipSpec(
                gait=visit.gait,
                height_m=visit.height_cm / 100,
                camera=CameraSpec(view=view),
                seed=visit.history_seed,
                width=960,
                height=540,
                fps=60.0,
                duration_s=4.0,
            )
            report("rendering the runners", rendered, clips)
            clip = render_once(spec, folder / "video" / f"{name}-{view}.mp4")
            rendered += 1
            report("rendering the runners", rendered, clips)
            paths[view] = str(clip.path.relative_to(folder))
        rows.append(
            {
                "runner": visit.runner,
                "height_cm": visit.height_cm,
                "birth_year": visit.birth_year,
                "date": visit.day.isoformat(),
                "side": paths.get("side", ""),
                "rear": paths.get("rear", ""),
                "activities": str(history.relative_to(folder)),
                "checkin": str(checkins[visit.checkin].path.relative_to(folder)),
            }
        )
        g = visit.gait.model_dump()
        truth.append(
            {
                "line": line,
                "runner": visit.runner,
                "checkin": visit.checkin,
                **{
                    f"gait_{m}": g[m] if m != "pelvic_drop_deg" or visit.rear else ""
                    for m in TRUTH_METRICS
                },
            }
        )
    _write_csv(folder / "manifest.csv", [*MANIFEST_COLUMNS, "checkin"], rows)
    _write_csv(folder / "truth.csv", list(truth[0]), truth)
    return folder / "manifest.csv"


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
