"""Quotas and counts under real concurrency (PostgreSQL and Redis when TEST_* are set).

Votes go through the domain function in threads, each with its own session, as several web
workers (and the CLI) would: the per-openid lock of the dispatcher is deliberately not involved.
"""
from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.db import make_engine
from bot.services import Services
from core.settings import Settings
from models.accounts import User
from models.contest import board, close_round, vote
from models.contest_rank import tally
from models.contest_rounds import Entry, Round
from models.contest_votes import EntryQuota, Vote, VoteRefused, VoterQuota, VoteStatus
from tests.support import create_user
from tests.support_contest import at, create_round

FAST = {"min_seconds_between_votes": 0.0, "burst_min_votes": 100000}


# How the vote's statement runs on PostgreSQL: inside the caller's transaction (under a
# savepoint), or on its own in autocommit, as the message path runs it.
MODES = ("transaction", "autocommit")


def session_factory(url: str, threads: int, mode: str = "transaction") -> sessionmaker[Session]:
    """Sessions on an engine with a connection for each thread (the app's pool is for requests).

    SQLite has one writer at a time: threads queue for it, longer than a request would wait.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return sessionmaker(make_engine(url, sqlite_busy_seconds=60), expire_on_commit=False)
    engine = create_engine(parsed.set(drivername="postgresql+psycopg"), pool_size=threads,
                           max_overflow=0, pool_timeout=60,
                           connect_args={"options": "-c lock_timeout=20000"})
    if mode == "autocommit":
        return sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"), expire_on_commit=False)
    return sessionmaker(engine, expire_on_commit=False)


def _user_id(s: Session, openid: str) -> int | None:
    return s.scalar(select(User.id).where(User.openid == openid))


def attempt(sessions: sessionmaker[Session], services: Services, openid: str, number: int,
            when: str) -> bool:
    """One vote in its own transaction; True when counted."""
    with sessions() as s, s.begin():
        user = create_user(s, openid)
        try:
            vote(s, user, number, at(when), services.settings)
        except VoteRefused:
            s.rollback()
            return False
    return True


@pytest.fixture()
def fast(app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
         tmp_path: Path) -> Services:
    """No rate limit or burst flags (to test the quotas alone), a round of 5 projects."""
    app = app_factory(settings_factory(contest={**FAST, "frozen_dir": str(tmp_path)}))
    services: Services = app.extensions["youthvoice"]
    with services.db.session() as s:
        create_round(s, services.settings, entries=5)
        for i in range(300):
            create_user(s, f"o_{i}")
    return services


@pytest.mark.parametrize("mode", MODES)
def test_100_simultaneous_votes_by_one_user(fast: Services, mode: str) -> None:
    """100 votes released at once for 5 projects: exactly 3 count, one per project at most."""
    sessions = session_factory(fast.settings.database.url, 25, mode)
    gate = threading.Barrier(100)
    results: list[bool] = []

    def one(i: int) -> None:
        gate.wait()
        results.append(attempt(sessions, fast, "o_0", i % 5 + 1, "2017-11-05 10:00"))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(100)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(results) == 100 and results.count(True) == 3
    with fast.db.session() as s:
        rows = s.execute(select(Vote.entry_id, func.count()).group_by(Vote.entry_id)).all()
        quota = s.execute(select(VoterQuota.today).where(VoterQuota.user_id == _user_id(s, "o_0"))).scalar()
        entry_quotas = s.execute(select(EntryQuota.today)).scalars().all()
    assert sum(c for _, c in rows) == 3 and all(c == 1 for _, c in rows)
    assert quota == 3 and sorted(entry_quotas) == [1, 1, 1]  # no refused vote left a raised counter


def test_thousands_of_votes_agree_everywhere(fast: Services) -> None:
    """~2000 attempts by 250 users in threads: SQL, the cached board and the frozen file agree,
    and no user ever exceeds a quota."""
    rng = random.Random(4)
    plans = {f"o_{u}": [(rng.randint(1, 5), day) for day in ("05", "06") for _ in range(4)]
             for u in range(250)}
    sessions = session_factory(fast.settings.database.url, 8)

    def user_votes(openid: str) -> int:
        return sum(attempt(sessions, fast, openid, n, f"2017-11-{day} 10:00") for n, day in plans[openid])

    with ThreadPoolExecutor(max_workers=8) as pool:
        counted = sum(pool.map(user_votes, plans))
    with fast.db.session() as s:
        row = s.scalar(select(Round))
        sql = {t.number: t.votes for t in tally(s, row.id)[1]}
        over = s.execute(select(Vote.openid, Vote.day).group_by(Vote.openid, Vote.day)
                         .having(func.count() > 3)).all()
        twice = s.execute(select(Vote.openid, Vote.day, Vote.entry_id)
                          .group_by(Vote.openid, Vote.day, Vote.entry_id).having(func.count() > 1)).all()
        cached = {x.number: x.votes for x in board(s, row)}
        counters = dict(s.execute(select(Entry.number, Entry.valid_votes)).tuples().all())
    assert sum(sql.values()) == counted > 1000 and over == [] and twice == []
    assert counters == sql
    assert cached == sql
    fast.store.redis.flushdb()  # Redis loses everything mid-round: the board does not change
    with fast.db.session() as s:
        assert {x.number: x.votes for x in board(s, s.scalar(select(Round)))} == sql
        results = close_round(s, "2017-11", fast.settings.contest, at("2017-12-01 00:00"), "test")
    doc = json.loads(Path(results.path or "").read_text())
    assert {e["number"]: e["valid_votes"] for e in doc["entries"]} == sql
    assert Counter(v["entry"] for v in doc["votes"]) == Counter({n: c for n, c in sql.items() if c})
    assert {s.number: s.votes for s in results.standings} == sql


@pytest.mark.parametrize("mode", MODES)
def test_votes_racing_the_close(fast: Services, mode: str) -> None:
    """Votes racing a close are either in the frozen file or refused: none is counted after it."""
    sessions = session_factory(fast.settings.database.url, 9, mode)
    outcomes: list[bool] = []

    def voter(u: int) -> None:
        outcomes.extend(attempt(sessions, fast, f"o_{u}", n, "2017-11-05 10:00") for n in (1, 2, 3))

    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(voter, u) for u in range(60)]
        with fast.db.session() as s:
            results = close_round(s, "2017-11", fast.settings.contest, at("2017-11-05 10:00"), "test")
        for f in futures:
            f.result()
    with fast.db.session() as s:
        valid = s.scalar(select(func.count(Vote.id)).where(Vote.status == VoteStatus.VALID))
        counters = s.scalar(select(func.sum(Entry.valid_votes)))
    assert valid == sum(s.votes for s in results.standings) == outcomes.count(True) == counters


@pytest.mark.parametrize("mode", MODES)
def test_a_vote_that_waited_for_the_close_is_refused(fast: Services, mode: str) -> None:
    """A vote arriving while the close holds the contest's lock waits, then is refused as ended
    and leaves nothing behind (PostgreSQL: the vote's statement is older than the close)."""
    if fast.db.dialect != "postgresql":
        pytest.skip("SQLite's single writer lock serialises the vote behind the close")
    sessions = session_factory(fast.settings.database.url, 2, mode)
    outcome: list[object] = []
    closing = session_factory(fast.settings.database.url, 1)()  # the close is one transaction
    closing.begin()
    results = close_round(closing, "2017-11", fast.settings.contest, at("2017-11-05 10:00"), "test")

    def one() -> None:
        with sessions() as s, s.begin():
            user = create_user(s, "o_late")
            s.commit()
        with sessions() as s, s.begin():
            try:
                outcome.append(vote(s, s.get(type(user), user.id), 1, at("2017-11-05 10:00"),
                                    fast.settings))
            except VoteRefused as exc:
                outcome.append(exc.reason)
                s.rollback()

    voter = threading.Thread(target=one)
    voter.start()
    voter.join(1.0)
    assert voter.is_alive() and outcome == []  # waiting for the close's lock
    closing.commit()
    closing.close()
    voter.join(10)
    assert outcome == ["ended"] and all(s.votes == 0 for s in results.standings)
    with fast.db.session() as s:
        assert s.scalar(select(func.count(Vote.id))) == 0
        assert s.scalar(select(func.sum(Entry.valid_votes))) == 0
        assert s.scalar(select(func.count()).select_from(VoterQuota)) == 0  # its counters undone too
