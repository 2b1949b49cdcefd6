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
    try:
        current = _current_heads(db)
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            return "down"
        # A restarted server: the pool has just dropped its dead connections; ask a new one.
        try:
            current = _current_heads(db)
        except Exception:  # noqa: BLE001 - any failure to read means "down" for a health check
            return "down"
    except Exception:  # noqa: BLE001 - any failure to read means "down" for a health check
        return "down"
    return "ok" if current == head_revisions() else "not_migrated"


def _current_heads(db: Database) -> frozenset[str]:
    with db.engine.connect() as conn:
        return frozenset(MigrationContext.configure(conn).get_current_heads())
