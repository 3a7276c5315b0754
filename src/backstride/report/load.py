"""The I/O edge of the report: one stored assessment and everything it points at, as `ReportData`.

Reads the ``kind="assessment"`` row, the ``gait``, ``training``, ``triage`` and ``program`` rows
named by its `StageRefs` (each keeps its own summary schema), and from the gait row's artifacts
the annotated key frames and the per-stride values in ``metrics.json`` (kinds ``frames`` and
``metrics_json``, prefixed ``side_`` / ``rear_`` when one row holds both views). A stage row that
is absent (an input not given, or deleted since) becomes ``None``: the report says "not assessed".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic import ValidationError as PydanticError
from sqlalchemy import select
from sqlalchemy.orm import Session

from backstride.assess.models import Assessment
from backstride.errors import DataError, NotFoundError
from backstride.findings import Finding
from backstride.program.models import Program
from backstride.report import bands as bd
from backstride.report import frames as fr
from backstride.report.data import (
    GaitData,
    KeyFrame,
    LoadEvent,
    ReportData,
    ShoeUse,
    StrideSeries,
    TrainingData,
    View,
    WeekLoad,
)
from backstride.store import BlobStore, Database
from backstride.store.tables import Artifact
from backstride.store.tables import Assessment as Row
from backstride.symptoms.models import Triage
from backstride.video.findings import load_thresholds

ASSESSMENT_KIND = "assessment"
M = TypeVar("M", bound=BaseModel)


def load_report_data(
    db: Database, assessment_id: int, *, blobs: BlobStore | None = None
) -> ReportData:
    """Read assessment ``assessment_id`` and its stages; raise `NotFoundError` if there is none."""
    with db.session() as s:
        row = s.get(Row, assessment_id)
        if row is None or row.kind != ASSESSMENT_KIND:
            raise NotFoundError(f"there is no assessment #{assessment_id}")
        assessment = _parse(Assessment, row.summary, assessment_id)
        refs = assessment.stages
        gait_row = _stage(s, refs.gait, "gait", row.runner_id)
        training_row = _stage(s, refs.training, "training", row.runner_id)
        triage_row = _stage(s, refs.triage, "triage", row.runner_id)
        program_row = _stage(s, refs.program, "program", row.runner_id)
        files = [] if gait_row is None else _gait_files(s, gait_row.id)
    store = blobs or BlobStore()
    return ReportData(
        assessment_id=assessment_id,
        assessment=assessment,
        gait=None if gait_row is None else gait_data(gait_row, _read_blobs(store, files)),
        training=None if training_row is None else training_data(training_row),
        triage=None if triage_row is None else _parse(Triage, triage_row.summary, triage_row.id),
        program=None
        if program_row is None
        else _parse(Program, program_row.summary, program_row.id),
    )


def _parse(model: type[M], summary: Mapping[str, Any], row_id: int) -> M:
    try:
        return model.model_validate(summary)
    except PydanticError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise DataError(
            f"stored result #{row_id} does not match the {model.__name__} schema "
            f"({where}: {first['msg']})"
        ) from exc


def _stage(s: Session, row_id: int | None, kind: str, runner_id: int) -> Row | None:
    """The stage row, or None when not given or gone (a row of another kind or runner too)."""
    if row_id is None:
        return None
    row = s.get(Row, row_id)
    if row is None or row.kind != kind or row.runner_id != runner_id:
        return None
    return row


def _gait_files(s: Session, gait_id: int) -> list[tuple[str, str, str]]:
    """(kind, original name, sha256) of the gait row's ``metrics.json`` and the frames shown."""
    arts = s.scalars(
        select(Artifact).where(Artifact.assessment_id == gait_id).order_by(Artifact.id)
    ).all()
    wanted = {f"{stem}.png" for stems in fr.WANTED.values() for stem in stems}
    return [
        (a.kind, a.original_name, a.sha256)
        for a in arts
        if (a.kind.endswith("frames") and a.original_name in wanted)
        or a.kind.endswith("metrics_json")
    ]


def _read_blobs(store: BlobStore, files: list[tuple[str, str, str]]) -> dict[str, bytes]:
    """``"<kind>/<name>"`` -> bytes; a missing blob is left out (the report shows less)."""
    out = {}
    for kind, name, sha in files:
        path = store.path_for(sha)
        if path.is_file():
            out[f"{kind}/{name}"] = path.read_bytes()
    return out


# ---------------------------------------------------------------- gait


def _views(summary: Mapping[str, Any]) -> dict[View, tuple[Mapping[str, Any], str]]:
    """view -> (its summary, the artifact kind prefix)."""
    view = summary.get("view")
    if view == "side+rear":
        return {
            "side": (summary["views"]["side"], "side_"),
            "rear": (summary["views"]["rear"], "rear_"),
        }
    if view in ("side", "rear"):
        return {view: (summary, "")}
    raise DataError(f"stored gait result has an unknown view {view!r}")


def gait_data(row: Row, files: Mapping[str, bytes]) -> GaitData:
    """The gait section's data from the ``gait`` row and its files (``"<kind>/<name>"``)."""
    summary = row.summary
    views = _views(summary)
    values: Mapping[str, float | None] = summary.get("metrics", {})
    findings = tuple(Finding.model_validate(f) for f in summary.get("findings", []))
    thresholds, _ = load_thresholds()
    speed = values.get("speed_mps")
    bands = bd.bands_for(thresholds, [m for m, _, _ in bd.TABLE], speed)
    series: list[StrideSeries] = []
    frames: list[KeyFrame] = []
    for view, (_, prefix) in views.items():
        doc = files.get(f"{prefix}metrics_json/metrics.json")
        if doc is not None:
            series += stride_series(view, json.loads(doc), bands)
        frames += key_frames(view, prefix, files)
    quality = tuple(
        q["message"]
        for v, _ in views.values()
        for q in v.get("quality", [])
        if q.get("level") != "info"
    )
    side = views.get("side")
    return GaitData(
        id=row.id,
        created_at=row.created_at,
        views=tuple(views),
        findings=findings,
        rows=bd.metric_rows(values, bands, findings),
        series=tuple(series),
        frames=tuple(frames),
        quality=quality,
        thresholds=str(summary.get("thresholds", "")),
        strike_pattern=None if side is None else side[0].get("strike_pattern"),
    )


def stride_series(
    view: View, metrics_doc: Mapping[str, Any], bands: Mapping[str, Any]
) -> list[StrideSeries]:
    """Per-stride values of the table's metrics of this view that have two strides or more."""
    summaries: Mapping[str, Any] = metrics_doc.get("metrics", {}).get("metrics", {})
    out = []
    for metric, label, table_view in bd.TABLE:
        m = summaries.get(metric)
        if table_view != view or m is None or m.get("value") is None:
            continue
        strides = [x for x in m.get("per_stride", ()) if x is not None]
        if len(strides) < 2:
            continue
        out.append(
            StrideSeries(
                metric=metric,
                label=label,
                view=view,
                units=bd.UNITS[metric],
                per_stride=tuple(float(x) for x in strides),
                median=float(m["value"]),
                band=bands.get(metric),
            )
        )
    return out


def key_frames(view: View, prefix: str, files: Mapping[str, bytes]) -> list[KeyFrame]:
    """The wanted frames of one view that exist, downscaled into ``data:`` URIs."""
    out = []
    for stem in fr.WANTED[view]:
        png = files.get(f"{prefix}frames/{stem}.png")
        if png is None:
            continue
        jpeg, w, h = fr.downscaled_jpeg(png)
        out.append(
            KeyFrame(
                view=view,
                label=fr.frame_label(view, stem),
                alt=fr.frame_alt(view, stem),
                data_uri=fr.data_uri(jpeg),
                width_px=w,
                height_px=h,
            )
        )
    return out


# ---------------------------------------------------------------- training


def training_data(row: Row) -> TrainingData:
    """The training section's data from the ``training`` row (``load.json`` content)."""
    s = row.summary
    try:
        weeks = tuple(
            WeekLoad(
                week_start=date.fromisoformat(w["week_start"]),
                distance_km=float(w["distance_km"]),
                descent_m=float(w["descent_m"]),
                complete=bool(w.get("complete", True)),
            )
            for w in s["weekly"]
        )
        return TrainingData(
            id=row.id,
            start=date.fromisoformat(s["window"]["start"]),
            end=date.fromisoformat(s["window"]["end"]),
            weeks=weeks,
            events=load_events(s.get("flags", {})),
            shoes=tuple(_shoe(x) for x in s.get("shoes", [])),
            findings=tuple(Finding.model_validate(f) for f in s.get("findings", [])),
            trail_runner=bool(s.get("trail_runner", {}).get("is_trail_runner", False)),
            ruleset=str(s.get("ruleset", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"stored training result #{row.id} is incomplete ({exc})") from exc


def load_events(flags: Mapping[str, Any]) -> tuple[LoadEvent, ...]:
    """Single-run spikes and big descents (per run) in date order."""
    events = [
        LoadEvent(
            on=date.fromisoformat(x["date"]),
            kind="spike",
            level=x["level"],
            text=f"{x['distance_km']:.1f} km, {x['ratio']:.1f}x your longest run of the "
            "previous 30 days",
        )
        for x in flags.get("single_run_spike", [])
    ]
    events += [
        LoadEvent(
            on=date.fromisoformat(x["date"]),
            kind="descent",
            level=x["level"],
            text=f"{x['descent_m']:.0f} m of descent in one run, {x['ratio']:.1f}x your "
            "recent maximum",
        )
        for x in flags.get("descent_exposure", [])
        if x.get("kind") == "run"
    ]
    return tuple(sorted(events, key=lambda e: (e.on, e.kind)))


def _shoe(x: Mapping[str, Any]) -> ShoeUse:
    retired = x.get("retired_on")
    return ShoeUse(
        name=str(x["name"]),
        total_km=float(x["total_km"]),
        limit_km=x.get("limit_km"),
        fraction_of_limit=x.get("fraction_of_limit"),
        retired_on=None if retired is None else date.fromisoformat(retired),
    )
