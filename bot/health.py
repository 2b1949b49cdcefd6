"""What /healthz reports: the backends answer, and the database's schema is the code's."""
from __future__ import annotations

import functools

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import DBAPIError

from bot.db import Database, alembic_config


@functools.cache
def head_revisions() -> frozenset[str]:
    """The newest migrations the code ships (read once per process)."""
    return frozenset(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def database_state(db: Database) -> str:
    """"ok", "down" (no answer) or "not_migrated" (no schema, or not at the newest migration)."""
    current = _current_heads(db, again=True)
    if current is None:
        return "down"
    return "ok" if current == head_revisions() else "not_migrated"


def _current_heads(db: Database, again: bool) -> frozenset[str] | None:
    """The database's migration heads; None when it does not answer."""
    try:
        with db.engine.connect() as conn:
            return frozenset(MigrationContext.configure(conn).get_current_heads())
    except DBAPIError as exc:
        # A restarted server: the pool has just dropped its dead connections; ask a new one once.
        return _current_heads(db, again=False) if again and exc.connection_invalidated else None
    except Exception:  # noqa: BLE001 - any failure to read means "down" for a health check
        return None
