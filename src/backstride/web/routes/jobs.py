"""Job progress: a page per job and the small JSON the page polls (once a second) while it runs.

A failed job shows the message its stage raised: the same text ``backstride`` prints on the
command line for the same input.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from backstride.errors import NotFoundError
from backstride.store.jobs import get_job
from backstride.store.web_tables import Job
from backstride.web.guard import RunnerRef, check_csrf, database, runner_scope
from backstride.web.jobkinds import title_of
from backstride.web.render import page

router = APIRouter(dependencies=[Depends(check_csrf)])


@dataclass(frozen=True)
class JobView:
    """A job as the page and the JSON show it."""

    id: int
    runner_id: int | None
    kind: str
    title: str
    status: str
    stage: str | None
    done: int
    total: int
    percent: int
    attempts: int
    message: str | None
    result_url: str | None


def job_view(job: Job) -> JobView:
    """What people see of a job."""
    percent = 100 if job.status == "done" else 0
    if job.status == "running" and job.progress_total:
        percent = min(99, round(100 * job.progress_done / job.progress_total))
    result: dict[str, Any] = job.result or {}
    result_id = result.get("assessment_id")
    url = None if result_id is None else f"/runners/{job.runner_id}/results/{result_id}"
    return JobView(
        job.id,
        job.runner_id,
        job.kind,
        title_of(job.kind),
        job.status,
        job.progress_stage,
        job.progress_done,
        job.progress_total,
        percent,
        job.attempts,
        job.message,
        url,
    )


def _job(request: Request, runner: RunnerRef, job_id: int) -> JobView:
    with database(request).session() as s:
        job = get_job(s, job_id)
        if job.runner_id != runner.id:
            raise NotFoundError(f"no job #{job_id}")
        return job_view(job)


@router.get("/runners/{runner_id}/jobs/{job_id}.json")
def job_json(request: Request, job_id: int, runner: RunnerRef = Depends(runner_scope)) -> Response:
    """The job's status, stage and progress as JSON (polled by the page)."""
    return JSONResponse(asdict(_job(request, runner, job_id)))


@router.get("/runners/{runner_id}/jobs/{job_id}")
def job_page(request: Request, job_id: int, runner: RunnerRef = Depends(runner_scope)) -> Response:
    """The progress page of one job."""
    return page(request, "job.html", {"runner": runner, "job": _job(request, runner, job_id)})
