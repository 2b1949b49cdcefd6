"""The SQL database: engine, sessions, and the schema's migrations."""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

from core.settings import PROJECT_ROOT

MIGRATIONS = PROJECT_ROOT / "migrations"
IDLE_PING_SECONDS = 2.0  # a pooled connection idle longer than this is pinged before use


def make_engine(url: str, sqlite_busy_seconds: float = 3.0, autocommit: bool = False) -> Engine:
    """Create an engine with short timeouts so no request outlives WeChat's 5 seconds.

    `autocommit` (PostgreSQL): every connection of the pool in autocommit from its start, rather
    than switched on each checkout and back on each checkin, which cost a message 30 us.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, sqlite_busy_seconds)
    args: dict[str, Any] = {}
    options: dict[str, Any] = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    if parsed.get_backend_name() == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
        args = {"connect_timeout": 2, "options": "-c statement_timeout=3000 -c lock_timeout=3000"}
    engine = create_engine(parsed, pool_size=10, max_overflow=10, pool_timeout=2,
                           connect_args=args, **options)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Ping a pooled connection on checkout only when it sat idle (instead of pool_pre_ping).

    A busy connection was just used, so a ping would only cost a round trip per message. A
    server restart under load fails one statement, which invalidates the whole pool (and the
    webhook retries its first query once); an idle pool is pinged, as pool_pre_ping would.
    """
    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("idle_since", 0.0) < IDLE_PING_SECONDS:
            return
        try:
            with dbapi_conn.cursor() as cur:
                cur.execute("SELECT 1")
            dbapi_conn.commit()  # not rollback: psycopg drops its prepared statements on a rollback
        except Exception as exc:
            raise DisconnectionError(str(exc)) from exc  # the pool retries with a new one


def _sqlite_engine(url: str, busy_seconds: float) -> Engine:
    """SQLite with WAL, foreign keys and a busy timeout."""
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": busy_seconds, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.close()

    return engine


class Database:
    """One engine and its session factory."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Read-only replies and votes on PostgreSQL: no BEGIN and no COMMIT round trip around
        # their statements, each its own transaction (a first contact's row and a touch commit
        # on their own; a vote is one statement), on a pool of their own. SQLite keeps its
        # transactions.
        self.autocommit_engine = self.engine
        if self.engine.dialect.name == "postgresql":
            self.autocommit_engine = make_engine(url, autocommit=True)
        self.autocommit_sessions = sessionmaker(self.autocommit_engine, expire_on_commit=False)

    @property
    def engines(self) -> tuple[Engine, ...]:
        """Every engine of the database (one on SQLite), e.g. to count their statements."""
        if self.autocommit_engine is self.engine:
            return (self.engine,)
        return (self.engine, self.autocommit_engine)

    def dispose(self) -> None:
        """Close every pooled connection."""
        for engine in self.engines:
            engine.dispose()

    @property
    def dialect(self) -> str:
        """The backend's name: sqlite or postgresql."""
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on any error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> bool:
        """Whether the database answers."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means "down" for a health check
            return False

    def upgrade(self) -> None:
        """Create or upgrade the schema to the newest migration."""
        from alembic import command

        command.upgrade(alembic_config(self.url), "head")


def alembic_config(url: str) -> Any:
    """An Alembic config pointing at this project's migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg
