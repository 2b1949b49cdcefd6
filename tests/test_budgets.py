"""Budgets: the SQL statements and Redis round trips of the commonest messages, exactly.

Counted through the real webhook (SQLAlchemy's before_cursor_execute on the app's engines, and a
counting wrapper on the store's client); a change that adds a round trip to one of these paths
fails here and must say why by changing the figure. PostgreSQL's vote is one statement (the voter
found or recorded in it), SQLite's the same steps one by one, so the SQL figures are per backend.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.dialects import postgresql

from bot.services import Services
from bot.wechat.simulator import Simulator, flask_transport
from models.base import driver_sql
from models.contest_votes import CAST
from models.inbox import KEEP
from models.roles import FOUND_OR_NEW
from tests.support import Clock, create_org, settle_channel
from tests.support_contest import at, create_round
from tests.test_shedding import post_signed_at

# path -> (SQL statements on PostgreSQL, its BEGIN/COMMIT round trips, SQL statements on SQLite,
# Redis round trips). Read-only replies run in autocommit on PostgreSQL: no BEGIN, no COMMIT.
# Whether a follower has a dialog draft comes with their roles in the first statement; only a
# message from someone with a draft reads it (the filing step: user, draft, organisation, draft write).
# A read-only reply from a follower this worker read a moment ago, or a public reply it computed
# a moment ago, reuses them (bot/read_cache.py): nothing at all; a public reply computed to be
# kept first lowers the channel's "told" flag (one Redis call). A vote on PostgreSQL is one
# statement in autocommit: it finds the voter (records one never seen, writes a due last-message
# time) as well as counting the vote, and a refused one says what the voter had used.
BUDGETS = {
    "投票 N, a follower never seen": (1, 0, 9, 2),
    "投票 N, a known follower": (1, 0, 8, 2),
    "投票 N refused by a quota (the same project again)": (1, 0, 5, 2),
    "帮助, a follower not in the worker's cache": (1, 0, 1, 0),
    "排行, nothing in the worker's cache": (3, 0, 3, 1),
    "帮助, the follower in the cache": (0, 0, 0, 0),
    "帮助, the entry expired and the last-message time due": (2, 0, 2, 0),
    "排行, the follower and the board in the cache": (0, 0, 0, 0),
    "排行, after a vote in this worker (the board recomputed)": (2, 0, 2, 1),
    "a filing step (镇街 answered)": (4, 2, 4, 2),
    "a request shed under overload (kept in the inbox)": (1, 0, 1, 0),
}


@dataclasses.dataclass
class Tally:
    """What one message cost."""

    statements: int = 0
    transaction: int = 0     # BEGIN and COMMIT/ROLLBACK sent to PostgreSQL
    redis: int = 0


class Meter:
    """Counts the app's SQL statements and Redis round trips while `measure` runs."""

    def __init__(self, services: Services) -> None:
        self.now: Tally | None = None
        for engine in services.db.engines:
            event.listen(engine, "before_cursor_execute", self._statement)
            if services.db.dialect == "postgresql":
                for name in ("begin", "commit", "rollback"):
                    event.listen(engine, name, self._transaction)
        client = services.store.redis
        execute, make_pipeline = client.execute_command, client.pipeline

        def counted(*args: Any, **kwargs: Any) -> Any:
            self._redis()
            return execute(*args, **kwargs)

        def pipeline(*args: Any, **kwargs: Any) -> Any:
            pipe = make_pipeline(*args, **kwargs)
            run = pipe.execute

            def counted_run(*a: Any, **k: Any) -> Any:
                self._redis()
                return run(*a, **k)
            setattr(pipe, "execute", counted_run)  # noqa: B010
            return pipe

        setattr(client, "execute_command", counted)  # noqa: B010 - an instance's own attribute
        setattr(client, "pipeline", pipeline)  # noqa: B010

    def _statement(self, *_: Any) -> None:
        if self.now is not None:
            self.now.statements += 1

    def _transaction(self, conn: Any) -> None:
        """A BEGIN, COMMIT or ROLLBACK: a round trip unless the connection is in autocommit."""
        if self.now is not None and not conn.connection.dbapi_connection.autocommit:
            self.now.transaction += 1

    def _redis(self) -> None:
        if self.now is not None:
            self.now.redis += 1

    @contextmanager
    def measure(self) -> Iterator[Tally]:
        """Count what runs inside."""
        self.now = Tally()
        try:
            yield self.now
        finally:
            self.now = None


@pytest.fixture()
def metered(app: Flask, services: Services, clock: Clock) -> tuple[Simulator, Meter, str]:
    """A November round open for votes, an organisation's admin, a fixed clock; the meter."""
    clock.set(at("2017-11-12 09:00"))
    with services.db.session() as s:
        create_round(s, services.settings, entries=3)
        create_org(s, "莞城团委", town="莞城", admins=("o_admin_1",))
    sim = Simulator(services.settings, flask_transport(app.test_client()), clock=clock)
    assert "您可以发送以下文字" in sim.text("o_known", "帮助")[1]  # a known follower; warm connections
    assert "点赞成功" in sim.text("o_warm", "投票 3")[1]
    return sim, Meter(services), services.db.dialect


def _spend(sim: Simulator, meter: Meter, send: Callable[[], tuple[int, str]], expect: str) -> Tally:
    with meter.measure() as tally:
        status, reply = send()
    assert status == 200 and expect in reply, reply
    return tally


def _budget(name: str, dialect: str) -> tuple[int, int, int]:
    pg, pg_transaction, lite, redis = BUDGETS[name]
    return (pg, pg_transaction, redis) if dialect == "postgresql" else (lite, 0, redis)


def test_vote_budget(metered: tuple[Simulator, Meter, str], clock: Clock) -> None:
    """投票 N from a follower the bot has never seen, then from one it knows, then refused (the
    refusal is worded from the failed call's own detail: no read after it)."""
    sim, meter, dialect = metered
    new = _spend(sim, meter, lambda: sim.text("o_new", "投票 1"), "点赞成功")
    assert (new.statements, new.transaction, new.redis) == _budget("投票 N, a follower never seen", dialect)
    clock.advance(at("2017-11-12 09:00:10") - at("2017-11-12 09:00"))  # past the rate limit, within the touch interval
    known = _spend(sim, meter, lambda: sim.text("o_new", "投票 2"), "点赞成功")
    assert (known.statements, known.transaction, known.redis) == _budget("投票 N, a known follower", dialect)
    clock.advance(at("2017-11-12 09:00:10") - at("2017-11-12 09:00"))
    again = _spend(sim, meter, lambda: sim.text("o_new", "投票 2"), "您今天已经为这个项目投过票了")
    assert (again.statements, again.transaction, again.redis) == _budget(
        "投票 N refused by a quota (the same project again)", dialect)


def test_read_budgets(metered: tuple[Simulator, Meter, str], clock: Clock, services: Services) -> None:
    """帮助 and 排行 from a known follower: no dedupe claim, no lock (a board computed again lowers
    the told flag); within the read cache's seconds nothing, until this worker writes or the entry
    expires."""
    sim, meter, dialect = metered
    touch = dt.timedelta(seconds=services.settings.accounts.touch_interval_seconds)
    spacing = dt.timedelta(seconds=services.settings.contest.min_seconds_between_votes)
    settle_channel(services.read_cache)  # the fixture's vote said its openid: let it land first
    services.read_cache.clear()  # a worker that has just started

    def cost(openid: str, words: str, expect: str) -> tuple[int, int, int]:
        tally = _spend(sim, meter, lambda: sim.text(openid, words), expect)
        return tally.statements, tally.transaction, tally.redis

    assert cost("o_known", "排行", "点赞排行") == _budget("排行, nothing in the worker's cache", dialect)
    assert cost("o_known", "帮助", "您可以发送以下文字") == _budget("帮助, the follower in the cache", dialect)
    assert cost("o_known", "排行", "点赞排行") == _budget("排行, the follower and the board in the cache", dialect)
    assert cost("o_warm", "帮助", "您可以发送以下文字") == _budget("帮助, a follower not in the worker's cache",
                                                                   dialect)
    clock.advance(spacing)
    assert "点赞成功" in sim.text("o_warm", "投票 1")[1]
    assert cost("o_known", "排行", "点赞排行") == _budget(
        "排行, after a vote in this worker (the board recomputed)", dialect)
    clock.advance(touch - spacing)  # 60 s after the fixture's 帮助: its entry is too old, its touch due
    assert cost("o_known", "帮助", "您可以发送以下文字") == _budget(
        "帮助, the entry expired and the last-message time due", dialect)


def test_filing_step_budget(metered: tuple[Simulator, Meter, str]) -> None:
    """One answer inside the filing dialog (the town, by accepting the organisation's own)."""
    sim, meter, dialect = metered
    assert "请回复活动所在镇街" in sim.text("o_admin_1", "申报")[1]
    step = _spend(sim, meter, lambda: sim.text("o_admin_1", "是"), "✓ 镇街：莞城")
    assert (step.statements, step.transaction, step.redis) == _budget("a filing step (镇街 answered)", dialect)


def test_shed_budget(app: Flask, metered: tuple[Simulator, Meter, str]) -> None:
    """A request that queued past the threshold: kept by one INSERT (in autocommit on PostgreSQL),
    nothing in Redis; it is shed because the workers are short of time."""
    _, meter, dialect = metered
    with meter.measure() as tally:
        resp = post_signed_at(app.test_client(), "o_shed", "投票 1", time.time() - 5)
    assert resp.status_code == 200 and resp.data == b"success"
    assert (tally.statements, tally.transaction, tally.redis) == _budget(
        "a request shed under overload (kept in the inbox)", dialect)


def test_the_hot_statements_fit_psycopgs_cache() -> None:
    """psycopg keeps a statement's parsed form only up to a length and a number of parameters,
    and parses a longer one again (in Python) on every execution: 0.3 ms of each vote, the day the
    vote's statement grew past it."""
    from psycopg import _queries  # the limits are the driver's own

    dialect = postgresql.psycopg.dialect()
    for clause in (CAST, FOUND_OR_NEW, KEEP):
        sql = driver_sql(clause, dialect)
        assert len(sql.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH, sql[:80]
        assert sql.count("%(") <= _queries.MAX_CACHED_STATEMENT_PARAMS


@pytest.mark.parametrize(("sql", "sent"), [
    ("SELECT  1\n  WHERE s = 'voting'  AND t = 'valid'", "SELECT 1 WHERE s = 'voting' AND t = 'valid'"),
    ("SELECT 'a b'", None), ("SELECT 'it''s\tok'", None)])
def test_collapsing_whitespace_never_changes_a_literal(sql: str, sent: str | None) -> None:
    """Whitespace between tokens is collapsed; a quoted literal holding any is refused, not altered."""
    dialect = postgresql.psycopg.dialect()
    if sent is None:
        with pytest.raises(ValueError, match="quoted literal"):
            driver_sql(text(sql), dialect)
    else:
        assert driver_sql(text(sql), dialect) == sent
