"""Migration 0021 on PostgreSQL: the vote's function beside the refusal signal that the previous
release's workers still call while the schema is upgraded; and back."""
from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url

from bot.db import alembic_config, make_engine


@pytest.fixture()
def empty_pg(db_url: str) -> Iterator[str]:
    """A database of its own beside the suite's (a downgrade must not touch the shared one)."""
    if not db_url.startswith("postgresql"):
        pytest.skip("the function exists on PostgreSQL only")
    url = make_url(db_url)
    name = f"{url.database}_migration"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _functions(url: str) -> set[str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        names = set(conn.scalars(sa.text(
            "SELECT proname FROM pg_proc WHERE proname IN ('contest_cast_vote', 'contest_vote_refused')")))
    engine.dispose()
    return names


def test_the_vote_function_comes_and_goes_and_the_old_signal_stays(empty_pg: str) -> None:
    cfg = alembic_config(empty_pg)
    command.upgrade(cfg, "0020")
    assert _functions(empty_pg) == {"contest_vote_refused"}
    command.upgrade(cfg, "0021")
    assert _functions(empty_pg) == {"contest_cast_vote", "contest_vote_refused"}
    with psycopg.connect(empty_pg) as conn, pytest.raises(psycopg.Error) as refused:
        conn.execute("SELECT contest_vote_refused()")  # as the previous release's statement calls it
    assert refused.value.sqlstate == "YV001"
    command.downgrade(cfg, "0020")
    assert _functions(empty_pg) == {"contest_vote_refused"}
