"""`run_assessment`: the whole loop for one runner, stored as one unit of work.

Order, and why:

1. every input is checked first (files exist and can be read, the check-in is valid and
   complete), so bad input fails before anything is analysed or stored;
2. triage first: a referral (EMERGENCY or URGENT) stops there: the triage decision and a
   referral assessment are stored, and video, training and program are skipped (and said so);
3. today's video (one clip or the side + rear pair) is analysed and the activity files are read
   and parsed, outside any transaction (the slow part);
4. then one unit of work (`files_and_rows`): the triage decision, the ``gait`` row and its
   files, the parsed activities (duplicates merged) and the training report from all the
   runner's stored activities, the program (as ``backstride plan`` makes it, from the fresh
   triage and findings) and the ``assessment`` row pointing at them. A failure anywhere in it
   stores nothing and removes the files it wrote.

The stage rows are the same as their commands store (kinds ``gait``, ``training``, ``triage``,
``program`` with the same summaries), so ``plan``, ``show`` and the web pages keep reading them.
Training history stored earlier still counts when no files are given; an old video is never
reused (today's gait is what is assessed). A stored triage is used again only while it is at
most `CHECKIN_MAX_AGE_DAYS` old; with neither a check-in now nor a recent stored triage, no
program is made.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from backstride.assess.assess import AssessmentParts, build_assessment, is_referral
from backstride.assess.gait import GaitResult, analyse_gait
from backstride.assess.history import HistoryResult, ParsedFiles, history, parse_files
from backstride.assess.inputs import (
    CheckedCheckIn,
    check_activity_paths,
    check_height,
    check_video,
    read_checkin,
)
from backstride.assess.models import Assessment, InputKind, ProgressReport, StageRefs
from backstride.assess.not_measured import stale_checkin_cost
from backstride.assess.progress import progress_report
from backstride.assess.retest import load_retest
from backstride.findings import Finding
from backstride.program.models import Preferences
from backstride.store import Database, files_and_rows
from backstride.store.program import latest_assessment, save_program
from backstride.store.runners import get_runner
from backstride.store.symptoms import record_decision
from backstride.store.tables import Assessment as AssessmentRow
from backstride.store.tables import Runner
from backstride.store.training import known_hashes
from backstride.symptoms.models import CHECKIN_MAX_AGE_DAYS, Triage, checkin_too_old

Progress = Callable[[str, int, int], None]
KIND = "assessment"


@dataclass(frozen=True)
class AssessmentRequest:
    """What to assess: the runner and any subset of the four inputs."""

    runner: str
    side_video: Path | None = None
    rear_video: Path | None = None
    activities: tuple[Path, ...] = ()
    checkin_file: Path | None = None
    checkin_answers: dict[str, Any] | None = None
    height_cm: float | None = None
    today: date | None = None
    preferences: Preferences | None = None  # for the program; default: plan's, starting today


@dataclass(frozen=True)
class AssessmentOutcome:
    """The stored assessment's id and the assessment itself."""

    assessment_id: int
    assessment: Assessment


@dataclass(frozen=True)
class _Checked:
    runner_id: int
    name: str
    height_cm: float | None
    today: date
    checkin: CheckedCheckIn | None


def _noop(stage: str, done: int, total: int) -> None:
    return None


def _check(db: Database, request: AssessmentRequest) -> _Checked:
    """Every input checked before anything is analysed or stored."""
    today = request.today or date.today()
    with db.session() as s:
        runner = get_runner(s, request.runner)
        runner_id, name, height, birth_year = (
            runner.id,
            runner.name,
            runner.height_cm,
            runner.birth_year,
        )
    checkin = check_request(request, birth_year=birth_year, today=today)
    height_cm = check_height(request.height_cm) or height
    return _Checked(runner_id, name, height_cm, today, checkin)


def check_request(
    request: AssessmentRequest, *, birth_year: int | None, today: date
) -> CheckedCheckIn | None:
    """The inputs' own checks, needing no database: the videos exist and decode, the activity
    paths exist, the check-in is valid and complete (returned with its triage, or None).

    A batch runs this on every row before anything is stored, so a row passes its check exactly
    when the assessment would accept it.
    """
    if request.side_video is not None:
        check_video(request.side_video, "the side video")
    if request.rear_video is not None:
        check_video(request.rear_video, "the rear video")
    if request.side_video is not None and request.side_video == request.rear_video:
        from backstride.errors import InputError

        raise InputError("the same file was given as the side and the rear video")
    check_activity_paths(request.activities)
    check_height(request.height_cm)
    return read_checkin(
        request.checkin_file, request.checkin_answers, birth_year=birth_year, today=today
    )


@dataclass(frozen=True)
class _Triaged:
    """The triage this assessment goes by: made now, stored and recent enough, or none."""

    triage: Triage | None = None
    stored_id: int | None = None  # the stored decision used again; None when made now
    notes: tuple[str, ...] = ()
    missing_why: tuple[tuple[InputKind, str], ...] = ()


def _stored_triage(s: Session, runner_id: int) -> tuple[Triage, int, date] | None:
    """The latest stored triage, its row id and the day it was decided."""
    row = latest_assessment(s, runner_id, "triage")
    if row is None:
        return None
    triage = Triage.model_validate(row.summary)
    return triage, row.id, triage.decided_on or row.created_at.date()


def _triage_for(db: Database, checked: _Checked) -> _Triaged:
    """The check-in given now, else the stored triage if at most `CHECKIN_MAX_AGE_DAYS` old."""
    if checked.checkin is not None:
        return _Triaged(checked.checkin.triage)
    with db.session() as s:
        stored = _stored_triage(s, checked.runner_id)
    if stored is None:
        return _Triaged()
    triage, row_id, decided_on = stored
    if checkin_too_old(decided_on, checked.today):
        why = stale_checkin_cost(decided_on, CHECKIN_MAX_AGE_DAYS)
        return _Triaged(missing_why=((InputKind.CHECKIN, why),))
    note = f"No check-in this time: the stored triage #{row_id} (decided {decided_on}) was used."
    return _Triaged(triage, row_id, (note,))


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _moment(day: date, now: datetime) -> datetime:
    """The visit's day at the time it is stored: ``now`` itself for today's visit, so the days
    between two visits count from their dates when one was backdated (a batch row's date)."""
    return datetime.combine(day, now.timetz()) if day != now.date() else now


def _visit_moment(summary: dict[str, Any], created_at: datetime) -> datetime:
    """When a stored assessment's visit was: its ``assessed_on`` day (at the time it was
    stored), else the time it was stored (assessments stored before ``assessed_on``)."""
    stored = _aware(created_at)
    day = summary.get("assessed_on")
    return _moment(date.fromisoformat(day), stored) if isinstance(day, str) else stored


def _progress_since(
    s: Session,
    runner_id: int,
    now: datetime,
    gait: GaitResult | None,
    findings: tuple[Finding, ...],
    tier: str | None,
) -> ProgressReport | None:
    """The comparison with the runner's previous assessment, if there is one."""
    previous = latest_assessment(s, runner_id, KIND)
    if previous is None:
        return None
    before = previous.summary
    gait_id = (before.get("stages") or {}).get("gait")
    gait_row = s.get(AssessmentRow, gait_id) if gait_id is not None else None
    metrics_before = dict(gait_row.summary.get("metrics") or {}) if gait_row is not None else {}
    codes_before = {
        f["finding"]["code"]
        for f in before.get("findings", [])
        if f["finding"].get("severity") != "info"
    }
    codes_after = {f.code for f in findings if f.severity.value != "info"}
    noise, _ = load_retest()
    return progress_report(
        previous_id=previous.id,
        previous_at=_visit_moment(before, previous.created_at),
        now=now,
        metrics_before=metrics_before,
        metrics_after=gait.metrics if gait is not None else {},
        codes_before=codes_before,
        codes_after=codes_after,
        tier_before=before.get("tier"),
        tier_after=tier,
        noise=noise,
    )


def _add_row(s: Session, runner_id: int, kind: str, summary: dict[str, Any]) -> int:
    row = AssessmentRow(runner_id=runner_id, kind=kind, summary=summary)
    s.add(row)
    s.flush()
    return row.id


def _store_referral(
    db: Database, checked: _Checked, triage: Triage, triage_id: int | None
) -> AssessmentOutcome:
    """Triage said referral: store the decision (if made now) and the referral assessment."""
    now = datetime.now(UTC)
    with files_and_rows(db) as (s, _blobs):
        if checked.checkin is not None:
            triage_id = record_decision(
                s,
                checked.runner_id,
                checked.checkin.checkin,
                triage,
                source=checked.checkin.source,
            ).assessment_id
        assessment = build_assessment(
            AssessmentParts(
                runner=checked.name,
                created_at=now,
                assessed_on=checked.today,
                inputs=(InputKind.CHECKIN,),
                triage=triage,
                stages=StageRefs(triage=triage_id),
            )
        )
        new_id = _add_row(s, checked.runner_id, KIND, assessment.model_dump(mode="json"))
    return AssessmentOutcome(assessment_id=new_id, assessment=assessment)


def _make_program(
    s: Session,
    runner: Runner,
    triage: Triage,
    findings: tuple[Finding, ...],
    gait: GaitResult | None,
    hist: HistoryResult,
    preferences: Preferences,
) -> int:
    """The program as ``backstride plan`` makes it, from this assessment's triage and findings;
    stored as ``plan`` stores it."""
    from backstride.program.models import ProgramInput
    from backstride.program.plan import generate

    metrics = {
        k: float(v)
        for k, v in sorted((gait.metrics if gait else {}).items())
        if isinstance(v, int | float) and not isinstance(v, bool)
    }
    trail = bool(hist.report is not None and hist.report.load_json().get("trail_runner") is True)
    program = generate(
        ProgramInput(
            runner=runner.name,
            triage=triage,
            findings=findings,
            metrics=metrics,
            trail_runner=trail,
            preferences=preferences,
        )
    )
    return save_program(s, runner, program).assessment_id or 0


def run_assessment(
    db: Database,
    request: AssessmentRequest,
    *,
    progress: Progress | None = None,
    work_dir: Path | None = None,
) -> AssessmentOutcome:
    """Check, analyse and store one assessment of ``request.runner`` (see the module notes)."""
    report = progress or _noop
    report("checking the inputs", 0, 1)
    checked = _check(db, request)
    report("checking the inputs", 1, 1)
    triaged = _triage_for(db, checked)
    if triaged.triage is not None and is_referral(triaged.triage):
        return _store_referral(db, checked, triaged.triage, triaged.stored_id)
    own_dir = work_dir is None
    folder = Path(tempfile.mkdtemp(prefix="backstride-assess-")) if own_dir else work_dir
    assert folder is not None
    try:
        gait = analyse_gait(
            request.side_video,
            request.rear_video,
            height_cm=checked.height_cm,
            out_dir=folder / "video",
            progress=report,
        )
        parsed = None
        if request.activities:
            with db.session() as s:
                known = known_hashes(s, checked.runner_id)
            parsed = parse_files(known, request.activities, report)
        return _store_all(db, request, checked, triaged, gait, parsed, report)
    finally:
        if own_dir:
            shutil.rmtree(folder, ignore_errors=True)


def _store_all(
    db: Database,
    request: AssessmentRequest,
    checked: _Checked,
    triaged: _Triaged,
    gait: GaitResult | None,
    parsed: ParsedFiles | None,
    report: Progress,
) -> AssessmentOutcome:
    """The one unit of work: every stage row, the files, the assessment."""
    from backstride.store.gait import add_gait_row

    now = datetime.now(UTC)
    triage = triaged.triage
    inputs = [] if triage is None else [InputKind.CHECKIN]
    notes = list(triaged.notes)
    if request.side_video is not None:
        inputs.append(InputKind.SIDE_VIDEO)
    if request.rear_video is not None:
        inputs.append(InputKind.REAR_VIDEO)
    with files_and_rows(db) as (s, blobs):
        if gait is not None:  # the files first: the write lock is then held only for rows
            report("storing the video results", 0, 1)
            blobs.put_files(path for path, _ in gait.files)
        runner = get_runner(s, checked.name)
        refs: dict[str, int | None] = {"triage": triaged.stored_id}
        if checked.checkin is not None and triage is not None:
            decision = record_decision(
                s, runner.id, checked.checkin.checkin, triage, source=checked.checkin.source
            )
            refs["triage"] = decision.assessment_id
        if gait is not None:
            refs["gait"] = add_gait_row(s, blobs, runner.id, gait.summary, gait.files)
            report("storing the video results", 1, 1)
        hist = history(s, runner.id, runner.name, parsed, report)
        if hist.report is not None:
            refs["training"] = _add_row(s, runner.id, "training", hist.report.load_json())
            inputs.append(InputKind.ACTIVITIES)
            if not request.activities:
                notes.append(
                    "No activity files this time: the training history stored earlier was used "
                    f"(up to {hist.report.as_of})."
                )
        elif request.activities:
            notes.append("The activity files held no runs: no training-load findings.")
        findings = (
            *(gait.findings if gait else ()),
            *(hist.report.findings if hist.report else ()),
        )
        if triage is not None:
            report("making the program", 0, 1)
            prefs = request.preferences or Preferences(start=checked.today)
            refs["program"] = _make_program(s, runner, triage, tuple(findings), gait, hist, prefs)
            report("making the program", 1, 1)
        else:
            notes.append("No program was made: it needs a check-in first (triage gates it).")
        missing = tuple(k for k in InputKind if k not in inputs)
        tier = None if triage is None else triage.tier.value
        assessment = build_assessment(
            AssessmentParts(
                runner=runner.name,
                created_at=now,
                assessed_on=checked.today,
                inputs=tuple(k for k in InputKind if k in inputs),
                missing=missing,
                triage=triage,
                findings=tuple(findings),
                stage_limits=gait.limits if gait else (),
                progress=_progress_since(
                    s, runner.id, _moment(checked.today, now), gait, tuple(findings), tier
                ),
                stages=StageRefs(**refs),
                notes=tuple(notes),
                missing_why=triaged.missing_why,
            )
        )
        new_id = _add_row(s, runner.id, KIND, assessment.model_dump(mode="json"))
    return AssessmentOutcome(assessment_id=new_id, assessment=assessment)
