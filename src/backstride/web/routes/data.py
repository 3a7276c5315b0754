"""The runner's data: export everything as a ZIP, or delete everything (after a confirmation).

Deleting removes the runner, every stored row about them (database cascades: assessments,
check-ins, programs, activities, jobs, drafts, their account and its sessions) and then every
file no one else's row points to (a file is removed from disk only after the delete committed, so
a failed delete never loses a file).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, Response
from starlette.background import BackgroundTask

from backstride.paths import data_dir, training_streams_dir
from backstride.program.calendar import slug
from backstride.store.erase import erase_runner
from backstride.web.export import write_export
from backstride.web.guard import RunnerRef, check_csrf, database, runner_scope, viewer, visit_of
from backstride.web.render import page, redirect
from backstride.web.visit import Viewer

router = APIRouter(dependencies=[Depends(check_csrf)])


@router.get("/runners/{runner_id}/data")
def data_page(request: Request, runner: RunnerRef = Depends(runner_scope)) -> Response:
    """Export and delete."""
    return page(request, "data.html", {"runner": runner})


@router.get("/runners/{runner_id}/export.zip")
def export(request: Request, runner: RunnerRef = Depends(runner_scope)) -> Response:
    """Everything stored about the runner, as a ZIP download."""
    folder = data_dir() / "web" / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    with database(request).session() as s:
        path = write_export(s, request.app.state.blobs, runner.id, folder)
    return FileResponse(
        path,
        media_type="application/zip",
        filename=f"backstride-{slug(runner.display)}.zip",
        background=BackgroundTask(Path.unlink, path, missing_ok=True),
    )


@router.post("/runners/{runner_id}/delete")
def delete(
    request: Request,
    runner: RunnerRef = Depends(runner_scope),
    who: Viewer = Depends(viewer),
    confirm_name: str = Form(""),
) -> Response:
    """Delete the runner and everything about them, once the name was typed to confirm."""
    if confirm_name.strip() != runner.display:
        error = f"type the name exactly as shown ({runner.display}) to confirm the deletion"
        return page(request, "data.html", {"runner": runner, "error": error}, status=400)
    erased = erase_runner(
        database(request), runner.name, request.app.state.blobs, training_streams_dir()
    )
    if who.runner_id == runner.id:
        visit_of(request).logout()
        return redirect("/login")
    visit_of(request).set_flash(f"Deleted {runner.display} and {erased.files} file(s).")
    return redirect("/runners")
