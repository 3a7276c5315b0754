"""Stored results: one page per stored result (findings, measures, key frames), its JSON, and the
runner's stored files (through this access check only: the blob folder is never served).

ASSESSMENT WIRING (issue 8, not on ``main`` yet): a ``kind="assessment"`` result is shown as the
report itself, ``render_report_html(db, id)`` served with its own Content-Security-Policy
(``default-src 'none'; img-src data:; style-src 'unsafe-inline'``), and downloaded as PDF through
``render_report_pdf`` into a temporary file.
"""

from __future__ import annotations

from typing import Any

import pydantic
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from sqlalchemy import select

from backstride.errors import NotFoundError
from backstride.findings import Finding
from backstride.store.tables import Artifact, Assessment
from backstride.web.guard import RunnerRef, check_csrf, database, runner_scope
from backstride.web.render import page
from backstride.web.runner_view import KIND_LABELS, headline

router = APIRouter(dependencies=[Depends(check_csrf)])
INLINE_TYPES = frozenset({"image/png", "image/jpeg"})


def stored_result(request: Request, runner: RunnerRef, result_id: int) -> Assessment:
    """The runner's stored result ``result_id`` (another runner's is not found)."""
    with database(request).session() as s:
        row = s.get(Assessment, result_id)
        if row is None or row.runner_id != runner.id:
            raise NotFoundError(f"no result #{result_id} for this runner")
        s.expunge(row)
        return row


def findings_of(summary: dict[str, Any]) -> list[Finding]:
    """The findings stored in a result (unreadable ones are left out)."""
    out = []
    for raw in summary.get("findings") or []:
        try:
            out.append(Finding.model_validate(raw))
        except pydantic.ValidationError:
            continue
    return out


def _metrics(summary: dict[str, Any]) -> list[tuple[str, float]]:
    raw = summary.get("metrics") or {}
    return [
        (name, float(v))
        for name, v in sorted(raw.items())
        if isinstance(v, int | float) and not isinstance(v, bool)
    ]


@router.get("/runners/{runner_id}/results/{result_id}.json")
def result_json(
    request: Request, result_id: int, runner: RunnerRef = Depends(runner_scope)
) -> Response:
    """A stored result as JSON."""
    row = stored_result(request, runner, result_id)
    return JSONResponse(
        {
            "id": row.id,
            "kind": row.kind,
            "created_at": row.created_at.isoformat(),
            "summary": row.summary,
        }
    )


@router.get("/runners/{runner_id}/results/{result_id}")
def result_page(
    request: Request, result_id: int, runner: RunnerRef = Depends(runner_scope)
) -> Response:
    """One stored result: its headline, findings, measures and images."""
    row = stored_result(request, runner, result_id)
    with database(request).session() as s:
        images = list(
            s.scalars(
                select(Artifact)
                .where(Artifact.assessment_id == row.id, Artifact.media_type.in_(INLINE_TYPES))
                .order_by(Artifact.id)
                .limit(24)
            )
        )
    context = {
        "runner": runner,
        "row": row,
        "label": KIND_LABELS.get(row.kind, row.kind),
        "headline": headline(row.kind, row.summary),
        "findings": findings_of(row.summary),
        "metrics": _metrics(row.summary),
        "images": images,
        "summary": row.summary,
    }
    return page(request, "result.html", context)


@router.get("/runners/{runner_id}/files/{artifact_id}")
def stored_file(
    request: Request, artifact_id: int, runner: RunnerRef = Depends(runner_scope)
) -> Response:
    """One of the runner's stored files (images inline, everything else as a download)."""
    with database(request).session() as s:
        artifact = s.get(Artifact, artifact_id)
        if artifact is None or artifact.runner_id != runner.id:
            raise NotFoundError(f"no file #{artifact_id} for this runner")
        sha, media, name = artifact.sha256, artifact.media_type, artifact.original_name
    path = request.app.state.blobs.path_for(sha)
    if not path.exists():
        raise NotFoundError(f"the file {name!r} is missing from the store")
    inline = media in INLINE_TYPES
    return FileResponse(
        path,
        media_type=media,
        filename=name,
        content_disposition_type="inline" if inline else "attachment",
    )
