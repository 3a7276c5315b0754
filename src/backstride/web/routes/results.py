"""Stored results: one page per stored result (findings, measures, key frames), its JSON, and the
runner's stored files (through this access check only: the blob folder is never served).

An assessment (``kind="assessment"``) also has its report: the same self-contained HTML the
command line writes (`backstride.report.render_report_html`), served with its own
Content-Security-Policy (no scripts, images only as ``data:``), and as a PDF printed by headless
chromium into a temporary folder that is removed once the download is sent.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pydantic
from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from sqlalchemy import select
from starlette.background import BackgroundTask

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
    """The findings stored in a result, in its order (an assessment's ranked findings hold theirs
    under ``finding``; unreadable ones are left out)."""
    out = []
    for raw in summary.get("findings") or []:
        if isinstance(raw, dict) and isinstance(raw.get("finding"), dict):
            raw = raw["finding"]
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


REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _assessment(request: Request, runner: RunnerRef, result_id: int) -> Assessment:
    row = stored_result(request, runner, result_id)
    if row.kind != "assessment":
        raise NotFoundError(f"result #{result_id} is not an assessment and has no report")
    return row


@router.get("/runners/{runner_id}/results/{result_id}/report")
def report_page(
    request: Request, result_id: int, runner: RunnerRef = Depends(runner_scope)
) -> Response:
    """The assessment's report, exactly the file ``backstride assess`` writes."""
    from backstride.report import render_report_html

    row = _assessment(request, runner, result_id)
    html = render_report_html(database(request), row.id)
    return HTMLResponse(html, headers={"Content-Security-Policy": REPORT_CSP})


@router.get("/runners/{runner_id}/results/{result_id}/report.pdf")
def report_pdf(
    request: Request, result_id: int, runner: RunnerRef = Depends(runner_scope)
) -> Response:
    """The assessment's report as a PDF (printed by headless chromium)."""
    from backstride.report import render_report_html, render_report_pdf

    row = _assessment(request, runner, result_id)
    folder = Path(tempfile.mkdtemp(prefix="backstride-report-"))
    try:
        html = folder / "report.html"
        html.write_text(render_report_html(database(request), row.id), encoding="utf-8")
        pdf = folder / "report.pdf"
        render_report_pdf(html, pdf)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    name = f"backstride-report-{row.created_at:%Y-%m-%d}-{row.id}.pdf"
    return FileResponse(
        pdf,
        media_type="application/pdf",
        filename=name,
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )


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
