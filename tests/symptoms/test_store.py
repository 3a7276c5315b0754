"""The stage's store on SQLite and PostgreSQL: schema, drafts, decisions, the contract, pain log."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from backstride.errors import InputError, NotFoundError
from backstride.store import Database
from backstride.store.base import Base
from backstride.store.db import alembic_config
from backstride.store.runners import RunnerProfile, add_runner, delete_runner
from backstride.store.symptoms import (
    decisions,
    draft_checkin,
    latest_draft,
    latest_triage,
    log_pain,
    pain_entries,
    record_decision,
    save_draft,
)
from backstride.store.symptoms_tables import CheckinRecord, PainLogRecord, TriageDecision
from backstride.store.tables import Assessment
from backstride.symptoms.checkin import CheckIn
from backstride.symptoms.models import Tier, Triage
from backstride.symptoms.painlog import PainEntry
from backstride.symptoms.ruleset import load_ruleset
from backstride.symptoms.triage import triage
from tests.symptoms.golden import base_checkin, today

MY_TABLES = {"checkins", "triage_decisions", "pain_entries"}


def _runner(db: Database, name: str = "Ana") -> int:
    with db.session() as s:
        return add_runner(s, RunnerProfile(name=name)).id


def _count(db: Database, table: type[Base]) -> int:
    with db.session() as s:
        return int(s.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


def test_migrated_schema_matches_the_models(db_url: str) -> None:
    db = Database.open(db_url)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    assert set(sa.inspect(db.engine).get_table_names()) >= MY_TABLES


def test_downgrade_removes_the_tables_and_upgrade_restores_them(db_url: str) -> None:
    db = Database.open(db_url)
    command.downgrade(alembic_config(db.engine), "0001")
    assert not MY_TABLES & set(sa.inspect(db.engine).get_table_names())
    db.upgrade()
    assert set(sa.inspect(db.engine).get_table_names()) >= MY_TABLES


def test_a_decision_is_stored_with_its_assessment_contract(db_url: str) -> None:
    db = Database.open(db_url)
    runner_id = _runner(db)
    checkin = base_checkin().model_copy(update={"cancer_history": True})
    result = triage(checkin, load_ruleset(), today())
    with db.session() as s:
        record_decision(s, runner_id, checkin, result, source="test")
    with db.session() as s:
        assessment = s.scalars(sa.select(Assessment)).one()
        assert assessment.kind == "triage"
        assert assessment.summary == result.model_dump(mode="json") | {
            "checkin": checkin.answered()
        }
        assert Triage.model_validate(assessment.summary) == result
        assert latest_triage(s, runner_id) == result
        row = s.scalars(sa.select(TriageDecision)).one()
        assert (row.tier, row.ruleset_version, row.ruleset_hash) == (
            "SOON",
            "1.0",
            load_ruleset().sha256,
        )
        assert row.fired == ["cancer_history"]
        assert row.decided_on == today()
        assert row.assessment_id == assessment.id
        assert s.get(CheckinRecord, row.checkin_id).status == "complete"  # type: ignore[union-attr]
        assert [d.checkin for d in decisions(s, runner_id)] == [checkin]


def test_a_draft_is_never_a_decision_and_resumes_into_one(db_url: str) -> None:
    db = Database.open(db_url)
    runner_id = _runner(db)
    partial = CheckIn(pain_now=3, pain_worst_week=4)
    with db.session() as s:
        first = save_draft(s, runner_id, partial, source="interactive").id
    with db.session() as s:
        assert latest_triage(s, runner_id) is None
        assert decisions(s, runner_id) == []
        draft = latest_draft(s, runner_id)
        assert draft is not None and draft.id == first
        assert draft_checkin(draft) == partial
        more = partial.model_copy(update={"saddle_numbness": False})
        assert save_draft(s, runner_id, more, source="interactive", draft_id=first).id == first
    assert _count(db, Assessment) == 0 and _count(db, CheckinRecord) == 1
    complete = base_checkin()
    with db.session() as s:
        record_decision(
            s,
            runner_id,
            complete,
            triage(complete, load_ruleset(), today()),
            source="x",
            draft_id=first,
        )
    with db.session() as s:
        assert latest_draft(s, runner_id) is None
        assert s.get(CheckinRecord, first).status == "complete"  # type: ignore[union-attr]
    assert _count(db, CheckinRecord) == 1 and _count(db, Assessment) == 1


def test_a_draft_of_another_runner_cannot_be_resumed(db_url: str) -> None:
    db = Database.open(db_url)
    ana, ben = _runner(db, "Ana"), _runner(db, "Ben")
    with db.session() as s:
        draft = save_draft(s, ana, CheckIn(pain_now=1), source="x").id
    with pytest.raises(NotFoundError, match=f"no draft check-in #{draft}"), db.session() as s:
        save_draft(s, ben, CheckIn(pain_now=2), source="x", draft_id=draft)


def test_latest_triage_is_the_newest_and_old_decisions_keep_their_hash(db_url: str) -> None:
    db = Database.open(db_url)
    runner_id = _runner(db)
    rules = load_ruleset()
    old = triage(base_checkin(), rules, today())
    changed = rules.model_copy(update={"version": "1.1", "sha256": "f" * 64})
    newer = base_checkin().model_copy(update={"fever_unwell": True})
    new = triage(newer, changed, today())
    with db.session() as s:
        record_decision(s, runner_id, base_checkin(), old, source="a")
    with db.session() as s:
        record_decision(s, runner_id, newer, new, source="b")
    with db.session() as s:
        latest = latest_triage(s, runner_id)
        assert latest is not None and latest.tier is Tier.URGENT
        hashes = [d.triage.ruleset_hash for d in decisions(s, runner_id)]
        assert hashes == ["f" * 64, rules.sha256]
        stored_old = decisions(s, runner_id)[1]
    # reproducible: the stored answers, the version it names and its date give the same result
    again = triage(stored_old.checkin, load_ruleset(stored_old.triage.ruleset_version), today())
    assert again == stored_old.triage


def test_pain_log_fills_in_a_day_and_never_overwrites_silently(db_url: str) -> None:
    db = Database.open(db_url)
    runner_id = _runner(db)
    day = date(2026, 6, 10)
    with db.session() as s:
        log_pain(s, runner_id, PainEntry(entry_date=day, pain_during=3, pain_after=4))
        log_pain(s, runner_id, PainEntry(entry_date=date(2026, 6, 12), pain_during=1))
    with db.session() as s:
        merged = log_pain(s, runner_id, PainEntry(entry_date=day, next_morning="worse"))
    assert (merged.pain_during, merged.pain_after, merged.next_morning) == (3, 4, "worse")
    with (
        pytest.raises(InputError, match="pain_during for 2026-06-10 is already 3"),
        db.session() as s,
    ):
        log_pain(s, runner_id, PainEntry(entry_date=day, pain_during=6))
    with db.session() as s:
        assert pain_entries(s, runner_id)[0].pain_during == 3
        replaced = log_pain(s, runner_id, PainEntry(entry_date=day, pain_during=6), replace=True)
        assert replaced.pain_during == 6
    with db.session() as s:
        assert [e.entry_date for e in pain_entries(s, runner_id)] == [day, date(2026, 6, 12)]
        assert [e.entry_date for e in pain_entries(s, runner_id, since=date(2026, 6, 11))] == [
            date(2026, 6, 12)
        ]
    assert _count(db, PainLogRecord) == 2


def test_deleting_a_runner_deletes_their_checkins_decisions_and_log(db_url: str) -> None:
    db = Database.open(db_url)
    runner_id = _runner(db)
    checkin = base_checkin()
    with db.session() as s:
        record_decision(s, runner_id, checkin, triage(checkin, load_ruleset(), today()), source="x")
        save_draft(s, runner_id, CheckIn(pain_now=1), source="x")
        log_pain(s, runner_id, PainEntry(entry_date=today(), pain_after=2))
    with db.session() as s:
        delete_runner(s, "Ana")
    for table in (CheckinRecord, TriageDecision, PainLogRecord, Assessment):
        assert _count(db, table) == 0, table.__tablename__


def test_the_database_refuses_out_of_range_pain(db_url: str) -> None:
    """The check constraint backs up the model's 0-10 range."""
    db = Database.open(db_url)
    runner_id = _runner(db)
    with pytest.raises(sa.exc.IntegrityError), db.session() as s:
        s.add(PainLogRecord(runner_id=runner_id, entry_date=today(), pain_during=11))
        s.flush()
