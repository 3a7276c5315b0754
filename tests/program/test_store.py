"""The program store on SQLite and PostgreSQL: migration matches the models, inputs read by the
contract, programs and logs stored, decisions recorded, cascades on runner delete."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import backstride.store.models  # noqa: F401  (every table on the metadata)
from backstride.errors import InputError, NotFoundError
from backstride.program.library import load_library
from backstride.program.models import LogEntry, Program
from backstride.program.plan import generate
from backstride.program.rules import load_rules
from backstride.store import Database
from backstride.store.base import Base
from backstride.store.program import (
    changes_for,
    current_program,
    latest_program,
    load_inputs,
    log_session,
    save_program,
)
from backstride.store.program_tables import ProgramChange, ProgramLog, ProgramRecord
from backstride.store.runners import RunnerProfile, add_runner, delete_runner, get_runner
from backstride.store.tables import Assessment
from tests.program.conftest import finding, make_input, triage

LIB = load_library()
RULES, VERSION = load_rules()


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    db = Database.open(db_url)
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []
    tables = set(sa.inspect(db.engine).get_table_names())
    assert {"programs", "program_logs", "program_changes"} <= tables


def _runner(db: Database, name: str = "Ana") -> int:
    with db.session() as s:
        return add_runner(s, RunnerProfile(name=name)).id


def _store_inputs(db: Database, runner_id: int) -> None:
    tri = triage(tags=["flexion_intolerant"]).model_dump(mode="json")
    old = triage("EMERGENCY").model_dump(mode="json")
    when = datetime(2026, 3, 1, 9, tzinfo=UTC)
    with db.session() as s:
        s.add(Assessment(runner_id=runner_id, kind="triage", summary=old, created_at=when))
        # same created_at, higher id: the newer one by the contract's tie-break
        s.add(
            Assessment(
                runner_id=runner_id, kind="triage", summary={**tri, "checkin": {}}, created_at=when
            )
        )
        s.add(
            Assessment(
                runner_id=runner_id,
                kind="gait",
                summary={
                    "findings": [finding("overstride", "high").model_dump(mode="json")],
                    "metrics": {"cadence_spm": 161.0, "note": "text is ignored", "ok": True},
                },
            )
        )
        s.add(
            Assessment(
                runner_id=runner_id,
                kind="training",
                summary={
                    "findings": [finding("descent_exposure", "moderate").model_dump(mode="json")],
                    "trail_runner": True,
                },
            )
        )


def test_inputs_follow_the_contract(db_url: str) -> None:
    db = Database.open(db_url)
    rid = _runner(db)
    _store_inputs(db, rid)
    with db.session() as s:
        inputs = load_inputs(s, get_runner(s, "Ana"), today=date(2026, 3, 10))
    assert inputs.triage.tier.value == "SELF_MANAGE"  # the newest of two rows with one timestamp
    assert [t.value for t in inputs.triage.tags] == ["flexion_intolerant"]
    assert [f.code for f in inputs.findings] == ["overstride", "descent_exposure"]
    assert inputs.metrics == {"cadence_spm": 161.0}
    assert inputs.trail_runner is True
    assert set(inputs.sources) == {"triage", "gait", "training"}


def test_a_check_in_older_than_28_days_means_a_new_one_first(db_url: str) -> None:
    db = Database.open(db_url)
    rid = _runner(db)
    _store_inputs(db, rid)  # decided on 2026-03-01
    with db.session() as s:
        assert load_inputs(s, get_runner(s, "Ana"), today=date(2026, 3, 29)).triage
        with pytest.raises(NotFoundError, match="was on 2026-03-01, more than 28 days ago"):
            load_inputs(s, get_runner(s, "Ana"), today=date(2026, 3, 30))


def test_no_triage_means_no_program(db_url: str) -> None:
    db = Database.open(db_url)
    _runner(db)
    with db.session() as s, pytest.raises(NotFoundError, match="backstride checkin --runner 'Ana'"):
        load_inputs(s, get_runner(s, "Ana"))


@pytest.mark.parametrize(
    ("kind", "summary", "message"),
    [
        ("triage", {"tier": "MAYBE", "action": "-"}, "stored triage result"),
        ("gait", {"findings": [{"code": "x"}]}, "stored gait result"),
    ],
)
def test_unreadable_stored_results_are_clear(
    db_url: str, kind: str, summary: dict[str, object], message: str
) -> None:
    db = Database.open(db_url)
    rid = _runner(db)
    with db.session() as s:
        if kind != "triage":
            ok = triage().model_dump(mode="json")
            s.add(Assessment(runner_id=rid, kind="triage", summary=ok))
        s.add(Assessment(runner_id=rid, kind=kind, summary=summary))
    with db.session() as s, pytest.raises(InputError, match=message):
        load_inputs(s, get_runner(s, "Ana"))


def test_save_log_and_replay(db_url: str) -> None:
    db = Database.open(db_url)
    rid = _runner(db)
    program = generate(make_input(findings=[finding("pelvic_drop", "high")]))
    with db.session() as s:
        record = save_program(s, get_runner(s, "Ana"), program)
        assessment = s.get(Assessment, record.assessment_id)
        assert assessment is not None and assessment.kind == "program"
        assert assessment.summary == program.model_dump(mode="json")
    good = LogEntry(done=True, effort=5, pain=2, morning="same")
    with db.session() as s:
        record = latest_program(s, get_runner(s, "Ana"))
        after, keys = log_session(
            s, record, good, key="w1s2", library=LIB, rules=RULES, version=VERSION
        )
    assert keys == ["w1s1", "w1s2"]  # the missed first session is logged as not done
    with db.session() as s:
        record = latest_program(s, get_runner(s, "Ana"))
        logs = s.scalars(sa.select(ProgramLog).order_by(ProgramLog.id)).all()
        assert [(log.session_key, log.done) for log in logs] == [("w1s1", False), ("w1s2", True)]
        changes = changes_for(s, record)
        assert len(changes) == 2 * len(program.slots)
        assert {c.action for c in changes if c.session_key == "w1s1"} == {"hold"}
        assert all(c.rules_version.startswith(f"{RULES.version}+") for c in changes)
        now = current_program(record, library=LIB, rules=RULES, version=VERSION)
        assert now == after
        assessment = s.get(Assessment, record.assessment_id)
        assert assessment is not None
        assert Program.model_validate(assessment.summary) == after
        assert after.revision == 2
        assert Program.model_validate(record.plan) == program  # the plan itself never changes
        assert rid == record.runner_id


def test_the_newest_program_is_the_one_logged(db_url: str) -> None:
    db = Database.open(db_url)
    _runner(db)
    with db.session() as s:
        runner = get_runner(s, "Ana")
        first = save_program(s, runner, generate(make_input())).id
        second = save_program(s, runner, generate(make_input(strength_days=3))).id
    with db.session() as s:
        assert latest_program(s, get_runner(s, "Ana")).id == second > first


def test_no_program_yet_says_how_to_make_one(db_url: str) -> None:
    db = Database.open(db_url)
    _runner(db)
    with db.session() as s, pytest.raises(NotFoundError, match="backstride plan --runner 'Ana'"):
        latest_program(s, get_runner(s, "Ana"))


def test_a_failed_log_stores_nothing(db_url: str) -> None:
    db = Database.open(db_url)
    _runner(db)
    with db.session() as s:
        save_program(s, get_runner(s, "Ana"), generate(make_input()))
    with pytest.raises(InputError), db.session() as s:
        record = latest_program(s, get_runner(s, "Ana"))
        entry = LogEntry(done=True, effort=3, pain=1, morning="same")
        log_session(s, record, entry, key=None, library=LIB, rules=RULES, version=VERSION)
        log_session(s, record, entry, key="w1s1", library=LIB, rules=RULES, version=VERSION)
    with db.session() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(ProgramLog)) == 0


def test_deleting_the_runner_removes_programs_logs_and_changes(db_url: str) -> None:
    db = Database.open(db_url)
    _runner(db)
    _runner(db, "Ben")
    entry = LogEntry(done=True, effort=3, pain=1, morning="same")
    for name in ("Ana", "Ben"):
        with db.session() as s:
            record = save_program(s, get_runner(s, name), generate(make_input()))
            log_session(s, record, entry, key=None, library=LIB, rules=RULES, version=VERSION)
    with db.session() as s:
        delete_runner(s, "Ana")
    with db.session() as s:
        for table in (ProgramRecord, ProgramLog, ProgramChange):
            owners = s.scalars(sa.select(table)).all()
            assert owners, table.__tablename__  # Ben's rows stay
        assert {r.runner_id for r in s.scalars(sa.select(ProgramRecord))} == {
            get_runner(s, "Ben").id
        }
        assert s.scalar(sa.select(sa.func.count()).select_from(ProgramLog)) == 1
