"""Opening the database: engine, sessions, and migrations applied on first use.

SQLite (WAL, foreign keys on) in the data directory is the embedded default; any SQLAlchemy URL
(``postgresql+psycopg://...``) works the same way. The schema is owned by Alembic: opening a
database upgrades it to the newest revision, so a user never runs a migration by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from backstride.errors import InputError, StoreError
from backstride.paths import default_db_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: How long a SQLite connection waits for another writer before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """Create an engine for ``url``; a malformed URL or missing driver is the user's input error."""
    try:
        parsed = make_url(url)
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        if parsed.drivername.startswith("sqlite") and parsed.database not in (None, "", ":memory:"):
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise InputError(
            f"--db {url!r} is not a database URL this build understands ({exc})"
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged migrations, bound to ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision(engine: Engine) -> str | None:
    """The newest migration in the package."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class Database:
    """A migrated database and a session factory.

    Examples
    --------
    >>> db = Database.open("sqlite://")
    >>> with db.session() as s:
    ...     _ = s.execute(__import__("sqlalchemy").text("select 1")).scalar()
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True) -> Database:
        """Open (and by default upgrade) the database at ``url`` or the embedded default."""
        engine = create_db_engine(url or default_db_url())
        db = cls(engine)
        if migrate:
            db.upgrade()
        return db

    @property
    def url(self) -> str:
        """The URL with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    def upgrade(self) -> tuple[str | None, str | None]:
        """Apply every pending migration; return (revision before, revision after)."""
        try:
            before = current_revision(self.engine)
            head = head_revision(self.engine)
            if before != head:
                command.upgrade(alembic_config(self.engine), "head")
            return before, head
        except OperationalError as exc:
            raise StoreError(
                f"cannot open the database {self.url}: {exc.orig}. "
                "Check the --db URL and that the server is running."
            ) from exc
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate the database {self.url}: {exc}") from exc

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
