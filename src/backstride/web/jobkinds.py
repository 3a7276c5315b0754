"""What each kind of job does: the handlers the worker runs, each a thin call into a stage.

A handler gets a `JobContext` (database, blob store, a private work folder, a progress callback)
and the job's payload, and returns the job's result (JSON). Input files are the runner's stored
artifacts, copied out of the content-addressed store into the work folder under their uploaded
names (made safe, ending in the extension of their sniffed type). Bad input raises the stage's own
`InputError`; the worker shows its text with the work folder taken off the paths: exactly what
the command line prints for that file.

Kinds:

- ``video_analysis``: the side video, the rear video, or both as one session, through
  `backstride.video.session` and stored as ``backstride video analyze --runner`` does (the side,
  rear or combined ``gait`` assessment with its files).
- ``training_import``: activity files through the training import pipeline (one transaction per
  file, as ``backstride training import``), then the training report stored as the runner's
  ``training`` assessment (as ``backstride training report``).
- ``assessment``: the whole loop on an intake (`backstride.assess.service.run_assessment`:
  triage first, then the videos, the activity files and the program), exactly as
  ``backstride assess`` runs it; the result is the stored ``kind="assessment"`` row, whose page
  is the report. This is what a submitted intake queues.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from backstride.errors import InputError, NotFoundError
from backstride.store import BlobStore, Database
from backstride.store.tables import Artifact, Runner
from backstride.web.sniff import EXTENSIONS

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class JobContext:
    """What a handler may use."""

    db: Database
    blobs: BlobStore
    work_dir: Path
    progress: Progress
    job_id: int
    runner_id: int | None


Handler = Callable[[JobContext, dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class JobKind:
    """A kind of job: its title for people and its handler."""

    title: str
    handler: Handler


def runner_of(ctx: JobContext) -> Runner:
    """The job's runner (deleted meanwhile: a `NotFoundError`)."""
    with ctx.db.session() as s:
        runner = None if ctx.runner_id is None else s.get(Runner, ctx.runner_id)
        if runner is None:
            raise NotFoundError("the runner of this job no longer exists")
        s.expunge(runner)
        return runner


def file_name(original: str, fmt: str, taken: set[str]) -> str:
    """The name an input file gets in the job's folder: its uploaded name (made safe), ending in
    the extension of its sniffed format, unique in the folder.

    Examples
    --------
    >>> taken = set()
    >>> file_name("Run 1.FIT", "fit", taken), file_name("Run 1.FIT", "fit", taken)
    ('Run 1.FIT', '2-Run 1.FIT')
    >>> file_name("../../etc/passwd", "gpx", taken), file_name("x.txt", "fit.gz", taken)
    ('passwd.gpx', 'x.txt.fit.gz')
    """
    base = Path(original.replace("\\", "/")).name.strip() or "upload"
    base = "".join(c if c.isprintable() and c not in '<>:"|?*' else "_" for c in base)[:120]
    extension = EXTENSIONS.get(fmt, "")
    if not base.lower().endswith(extension):
        base += extension
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{n}-{base}"
    taken.add(name.lower())
    return name


def export_artifact(
    ctx: JobContext, artifact_id: int, fmt: str, folder: Path, taken: set[str]
) -> Path:
    """Copy the runner's artifact out of the store into ``folder`` under its uploaded name."""
    with ctx.db.session() as s:
        artifact = s.get(Artifact, artifact_id)
        if artifact is None or artifact.runner_id != ctx.runner_id:
            raise NotFoundError(f"the uploaded file #{artifact_id} is no longer stored")
        sha, original = artifact.sha256, artifact.original_name
    return ctx.blobs.export(sha, folder / file_name(original, fmt, taken))


def video_analysis(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Analyse the side video, the rear video, or both as one session, and store the ``gait``
    assessment exactly as ``backstride video analyze --runner`` does; result: its id."""
    from backstride.store.gait import store_analysis
    from backstride.store.gait_rear import store_combined, store_rear_analysis
    from backstride.video.analyze import AnalyzeOptions, VideoAnalysis
    from backstride.video.session import analyze_clip, analyze_pair

    runner = runner_of(ctx)
    taken: set[str] = set()
    videos = {
        view: export_artifact(ctx, item["artifact_id"], item["format"], ctx.work_dir, taken)
        for view in ("side", "rear")
        if (item := payload.get(view)) is not None
    }
    options = AnalyzeOptions(
        height_cm=payload.get("height_cm") or runner.height_cm, out_dir=ctx.work_dir / "results"
    )
    names = {"pose": "finding the runner", "frames": "drawing key frames"}

    def progress(stage: str, done: int, total: int) -> None:
        ctx.progress(names.get(stage, stage), done, total)

    if len(videos) == 2:
        pair = analyze_pair((videos["side"], videos["rear"]), options, progress=progress)
        stored = store_combined(ctx.db, runner.name, pair, videos)
        return {"assessment_id": stored, "findings": len(pair.findings)}
    [(view, video)] = videos.items()
    result = analyze_clip(
        video, options, view="side" if view == "side" else "rear", progress=progress
    )
    analysis = result.analysis
    if isinstance(analysis, VideoAnalysis):
        stored = store_analysis(ctx.db, runner.name, analysis, video)
    else:
        stored = store_rear_analysis(ctx.db, runner.name, analysis, video)
    return {"assessment_id": stored, "findings": len(analysis.findings)}


def training_import(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Import the activity files, then store the training report; result: counts and its id."""
    from backstride.paths import training_streams_dir
    from backstride.store.training import known_hashes, save_file_result
    from backstride.training.ingest.pipeline import run_import
    from backstride.training.ingest.results import FileResult, Saved

    runner = runner_of(ctx)
    folder = ctx.work_dir
    taken: set[str] = set()
    paths = [
        export_artifact(ctx, item["artifact_id"], item["format"], folder, taken)
        for item in payload["files"]
    ]
    with ctx.db.session() as s:
        known = known_hashes(s, runner.id)

    def save(result: FileResult) -> Saved:
        with ctx.db.session() as s:
            return save_file_result(s, runner.id, result)

    ctx.progress("reading activities", 0, len(paths))
    report = run_import(
        paths,
        known_hashes=known,
        save=save,
        jobs=1,
        cache_root=training_streams_dir(),
        progress=lambda done, total, _name: ctx.progress("reading activities", done, total),
    )
    usable = report.imported or report.known or report.merged or report.skipped
    if report.failed and not usable:
        name, reason = report.failed[0]
        raise InputError(
            f"none of the {len(report.failed)} file(s) could be imported ({name}: {reason})"
        )
    assessment_id = _store_training_report(ctx, runner)
    return {
        "imported": len(report.imported),
        "known": len(report.known),
        "merged": len(report.merged),
        "skipped": [list(x) for x in report.skipped],
        "failed": [list(x) for x in report.failed],
        "assessment_id": assessment_id,
    }


def _store_training_report(ctx: JobContext, runner: Runner) -> int | None:
    """The 16-week report to the latest run, stored as ``backstride training report`` does."""
    from backstride.store.training import (
        list_activities,
        list_shoes,
        store_training_report,
        to_pair,
    )
    from backstride.training.report import build_report
    from backstride.training.thresholds import load_thresholds

    with ctx.db.session() as s:
        records = list_activities(s, runner.id)
        pairs = [to_pair(shoe) for shoe in list_shoes(s, runner.id)]
    runs = [r.activity.local_date for r in records if r.activity.counts_as_running]
    if not runs:
        return None
    report = build_report(
        records, pairs, load_thresholds(), runner=runner.name, as_of=max(runs), weeks=16
    )
    return store_training_report(ctx.db, runner.id, report)


def assessment(ctx: JobContext, payload: dict[str, Any]) -> dict[str, Any]:
    """Run the whole assessment on the intake's files and check-in answers; result: its id.

    Running it again after a crash starts over: nothing of a run that did not finish is stored
    (`run_assessment` stores at the end), and activities already imported are recognised by
    their content hash.
    """
    from backstride.assess.service import AssessmentRequest, run_assessment

    runner = runner_of(ctx)
    taken: set[str] = {"assessment"}  # the stages' own work folder

    def export(item: dict[str, Any] | None) -> Path | None:
        if item is None:
            return None
        return export_artifact(ctx, item["artifact_id"], item["format"], ctx.work_dir, taken)

    activities = tuple(
        path for item in payload.get("files") or [] if (path := export(item)) is not None
    )
    request = AssessmentRequest(
        runner=runner.name,
        side_video=export(payload.get("side")),
        rear_video=export(payload.get("rear")),
        activities=activities,
        checkin_answers=payload.get("checkin"),
        height_cm=payload.get("height_cm") or runner.height_cm,
    )
    outcome = run_assessment(
        ctx.db, request, progress=ctx.progress, work_dir=ctx.work_dir / "assessment"
    )
    done = outcome.assessment
    return {
        "assessment_id": outcome.assessment_id,
        "tier": done.tier,
        "referral": done.referral,
        "findings": len(done.findings),
    }


KINDS: dict[str, JobKind] = {
    "assessment": JobKind("Assessment", assessment),
    "video_analysis": JobKind("Video analysis", video_analysis),
    "training_import": JobKind("Training history import", training_import),
}


def title_of(kind: str) -> str:
    """The title of a job kind for people."""
    known = KINDS.get(kind)
    return known.title if known else kind
