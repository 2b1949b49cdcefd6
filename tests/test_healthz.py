"""/healthz says when the database answers but its schema is missing or behind the code."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from bot.db import Database
from bot.health import head_revisions
from core.settings import Settings


def _health(app: Flask) -> tuple[int, dict[str, str]]:
    resp = app.test_client().get("/healthz")
    return resp.status_code, resp.json


def test_a_database_without_schema_is_not_migrated(app_factory: Callable[[Settings], Flask],
                                                    settings_factory: Callable[..., Settings],
                                                    tmp_path: Path) -> None:
    """An empty database answers, but the bot cannot work on it: 503 not_migrated."""
    app = app_factory(settings_factory(database={"url": f"sqlite:///{tmp_path}/empty.db"}))
    assert _health(app) == (503, {"status": "degraded", "database": "not_migrated", "redis": "ok"})


def test_a_database_behind_the_code_is_not_migrated(app_factory: Callable[[Settings], Flask],
                                                    settings_factory: Callable[..., Settings],
                                                    tmp_path: Path) -> None:
    """Migrated once, then the code moved on: 503 until `init-db`; then 200."""
    url = f"sqlite:///{tmp_path}/old.db"
    database = Database(url)
    database.upgrade()
    (head,) = head_revisions()
    with database.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    app = app_factory(settings_factory(database={"url": url}))
    assert _health(app)[1]["database"] == "not_migrated" and _health(app)[0] == 503
    with database.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    database.dispose()
    assert _health(app) == (200, {"status": "ok", "database": "ok", "redis": "ok"})


def test_the_test_database_is_at_head(app: Flask) -> None:
    """The migrated test database (SQLite or PostgreSQL) is healthy."""
    assert _health(app) == (200, {"status": "ok", "database": "ok", "redis": "ok"})
