"""A new assessment: upload the videos and activity files, answer the check-in, submit.

1. ``GET  /runners/{id}/assessments/new``: the upload form (every file optional).
2. ``POST /runners/{id}/intakes``: the files, streamed and checked (`backstride.web.uploads`);
   on success a draft *intake* holds them as the runner's artifacts.
3. ``GET|POST /runners/{id}/intakes/{n}/checkin``: the check-in questions, step by step
   (`backstride.web.checkin_form`), saved after every step.
4. ``GET /runners/{id}/intakes/{n}``: the review: files, answers, and the triage the answers give
   (the same pure `triage` the command line uses), emergency advice first.
5. ``POST /runners/{id}/intakes/{n}/submit``: the jobs are queued and the runner page shows them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from backstride.errors import InputError, ValidationError
from backstride.store import BlobStore, Database
from backstride.store.artifacts import files_and_rows
from backstride.store.intakes import add_upload, create_intake, get_intake, uploads
from backstride.store.jobs import enqueue
from backstride.symptoms.checkin import CheckIn, with_birth_year
from backstride.symptoms.models import Triage
from backstride.symptoms.questions import load_questions
from backstride.symptoms.ruleset import load_ruleset
from backstride.symptoms.triage import IncompleteCheckInError, triage
from backstride.web.guard import (
    CSRF_FIELD,
    RunnerRef,
    check_csrf,
    database,
    require_csrf,
    runner_scope,
    viewer,
    visit_of,
)
from backstride.web.render import page, redirect
from backstride.web.routes.runners import optional_number
from backstride.web.settings import WebSettings
from backstride.web.uploads import (
    FileRule,
    StagedFile,
    UploadError,
    UploadReceiver,
    activity_rule,
    store_staged,
    video_rule,
)
from backstride.web.visit import Viewer

router = APIRouter(dependencies=[Depends(check_csrf)])

ROLES = {"side_video": "side_video", "rear_video": "rear_video", "activities": "activity"}


def upload_rules(settings: WebSettings) -> list[FileRule]:
    """The file fields of the new-assessment form and their limits."""
    return [
        video_rule("side_video", "Side video", settings.max_video_bytes),
        video_rule("rear_video", "Rear video", settings.max_video_bytes),
        activity_rule(
            "activities", "Activity files", settings.max_activity_bytes, settings.max_activity_files
        ),
    ]


def _limits(settings: WebSettings) -> dict[str, int]:
    return {
        "video_mib": settings.max_video_bytes // 2**20,
        "activity_mib": settings.max_activity_bytes // 2**20,
        "files": settings.max_activity_files,
    }


@router.get("/runners/{runner_id}/assessments/new")
def new_assessment(request: Request, runner: RunnerRef = Depends(runner_scope)) -> Response:
    """The upload form."""
    context = {"runner": runner, "limits": _limits(request.app.state.settings)}
    return page(request, "intake_new.html", context)


async def _receive(
    request: Request, receiver: UploadReceiver
) -> tuple[dict[str, list[str]], list[StagedFile]]:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > receiver.max_bytes:
        raise UploadError(
            f"the upload is larger than the limit of {receiver.max_bytes // 2**20} MiB", status=413
        )
    async for chunk in request.stream():
        await anyio.to_thread.run_sync(receiver.feed, chunk)
    return await anyio.to_thread.run_sync(receiver.finish)


def _store(
    db: Database,
    blobs: BlobStore,
    runner: RunnerRef,
    who: Viewer,
    files: list[StagedFile],
    height_cm: float | None,
) -> int:
    """Record the intake and its files in one unit of work (`files_and_rows`: a failure leaves
    no new blob behind)."""
    answers = with_birth_year(CheckIn(), runner.birth_year, date.today()).answered()
    with files_and_rows(db, BlobStore(blobs.root)) as (s, unit):
        intake = create_intake(
            s, runner.id, created_by=who.user_id, height_cm=height_cm, answers=answers
        )
        for staged in files:
            artifact = store_staged(s, unit, runner.id, staged, kind=ROLES[staged.field])
            add_upload(s, intake, artifact, ROLES[staged.field], staged.format)
        return intake.id


@router.post("/runners/{runner_id}/intakes")
async def upload(
    request: Request, runner: RunnerRef = Depends(runner_scope), who: Viewer = Depends(viewer)
) -> Response:
    """Receive the files (streamed, limited, sniffed); make the draft; go to the check-in."""
    settings: WebSettings = request.app.state.settings
    blobs: BlobStore = request.app.state.blobs
    receiver = UploadReceiver(
        request.headers.get("content-type", ""),
        upload_rules(settings),
        blobs,
        max_bytes=settings.max_request_bytes,
    )
    try:
        fields, files = await _receive(request, receiver)
        require_csrf(visit_of(request), next(iter(fields.get(CSRF_FIELD, [])), None))
        height = optional_number("height_cm", (fields.get("height_cm") or [""])[0], float)
        if height is not None and not 100 <= height <= 250:
            raise ValidationError("height_cm", f"must be between 100 and 250, got {height:g}")
        db = database(request)
        intake_id = await anyio.to_thread.run_sync(_store, db, blobs, runner, who, files, height)
    except InputError as exc:
        receiver.discard()
        status = exc.status if isinstance(exc, UploadError) else 400
        context = {"runner": runner, "limits": _limits(settings), "error": str(exc)}
        return page(request, "intake_new.html", context, status=status)
    except BaseException:
        receiver.discard()
        raise
    return redirect(f"/runners/{runner.id}/intakes/{intake_id}/checkin")


def draft_of(request: Request, runner: RunnerRef, intake_id: int) -> dict[str, Any]:
    """The intake as plain values (answers, shown, status, files)."""
    with database(request).session() as s:
        intake = get_intake(s, runner.id, intake_id)
        return {
            "id": intake.id,
            "status": intake.status,
            "answers": dict(intake.answers),
            "shown": list(intake.shown),
            "skipped": intake.checkin_skipped,
            "height_cm": intake.height_cm,
            "files": uploads(s, intake.id),
            "job_id": intake.job_id,
        }


def answered_in_words(answers: dict[str, Any]) -> list[tuple[str, str]]:
    """The answers so far in words, in question order."""
    questions = load_questions()
    return [
        (q.label, questions.format(q.id, answers[q.id]))
        for q in questions.questions
        if answers.get(q.id) is not None
    ]


def open_draft(request: Request, runner: RunnerRef, intake_id: int) -> dict[str, Any]:
    draft = draft_of(request, runner, intake_id)
    if draft["status"] != "draft":
        raise InputError("this assessment was already submitted")
    return draft


def preview_triage(draft: dict[str, Any]) -> Triage | None:
    """The triage the answers give today (nothing is stored), or None without a full check-in."""
    if draft["skipped"]:
        return None
    try:
        return triage(CheckIn.model_validate(draft["answers"]), load_ruleset(), date.today())
    except IncompleteCheckInError:
        return None


@router.get("/runners/{runner_id}/intakes/{intake_id}")
def review(request: Request, intake_id: int, runner: RunnerRef = Depends(runner_scope)) -> Response:
    """The files, the answers and the triage before submitting."""
    draft = draft_of(request, runner, intake_id)
    if draft["status"] != "draft":
        target = f"/runners/{runner.id}"
        if draft["job_id"]:
            target += f"/jobs/{draft['job_id']}"
        return redirect(target)
    result = preview_triage(draft)
    if result is None and not draft["skipped"]:
        return redirect(f"/runners/{runner.id}/intakes/{intake_id}/checkin")
    context = {
        "runner": runner,
        "draft": draft,
        "triage": result,
        "answered": answered_in_words(draft["answers"]),
    }
    return page(request, "intake_review.html", context)


@router.post("/runners/{runner_id}/intakes/{intake_id}/submit")
def submit(
    request: Request,
    intake_id: int,
    runner: RunnerRef = Depends(runner_scope),
    who: Viewer = Depends(viewer),
) -> Response:
    """Queue the assessment: one job running the whole loop on the files and the answers.

    The check-in is decided inside the job (`run_assessment`, triage first), so the decision,
    the analyses and the program are stored together or not at all.
    """
    draft = open_draft(request, runner, intake_id)
    result = preview_triage(draft)
    if result is None and not draft["skipped"]:
        return redirect(f"/runners/{runner.id}/intakes/{intake_id}/checkin")
    with database(request).session() as s:
        intake = get_intake(s, runner.id, intake_id)
        payload = assessment_payload(draft, with_answers=result is not None)
        job = enqueue(s, "assessment", payload, runner_id=runner.id, created_by=who.user_id)
        intake.status = "submitted"
        intake.job_id = job.id
    return redirect(f"/runners/{runner.id}")


def assessment_payload(draft: dict[str, Any], *, with_answers: bool) -> dict[str, Any]:
    """The ``assessment`` job's payload: the uploaded files by role, the height, the answers."""
    files = draft["files"]
    payload: dict[str, Any] = {"height_cm": draft["height_cm"], "files": []}
    for f in files:
        item = {"artifact_id": f.artifact_id, "format": f.format}
        if f.role in ("side_video", "rear_video"):
            payload[f.role.removesuffix("_video")] = item
        elif f.role == "activity":
            payload["files"].append(item)
    if with_answers:
        payload["checkin"] = draft["answers"]
    return payload


@router.post("/runners/{runner_id}/intakes/{intake_id}/discard")
def discard(
    request: Request, intake_id: int, runner: RunnerRef = Depends(runner_scope)
) -> Response:
    """Throw a draft away with its uploaded files."""
    from backstride.store.tables import Artifact

    open_draft(request, runner, intake_id)
    blobs: BlobStore = request.app.state.blobs
    db = database(request)
    with db.session() as s:
        intake = get_intake(s, runner.id, intake_id)
        ids = [f.artifact_id for f in uploads(s, intake.id)]
        hashes = set()
        for artifact_id in ids:
            artifact = s.get(Artifact, artifact_id)
            if artifact is not None:
                hashes.add(artifact.sha256)
                s.delete(artifact)
        s.delete(intake)
    with db.session() as s:
        blobs.remove_unreferenced(s, hashes)
    visit_of(request).set_flash("The draft and its files were deleted.")
    return redirect(f"/runners/{runner.id}")
