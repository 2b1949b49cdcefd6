"""Fraud: unfollow voiding, burst flags with admin alerts (a job), manual voids (logged), counters."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.services import Services
from bot.wechat.simulator import Simulator, flask_transport
from core.settings import Settings
from models.contest import board, vote
from models.contest_fraud import ContestLog, VoidScope, could_burst, flag_bursts, is_burst, void_votes
from models.contest_rank import tally
from models.contest_rounds import Entry, Round
from models.contest_votes import Vote, VoteStatus
from models.outbox import OutboxMessage
from scheduler.contest import close_due_rounds
from tests.support import Clock, create_user
from tests.support_contest import at, create_round
from tests.test_contest_close import cli


@pytest.fixture()
def contest(app: Flask, services: Services) -> Services:
    """A November round of three projects."""
    with services.db.session() as s:
        create_round(s, services.settings, entries=3)
    return services


def _vote(services: Services, openid: str, number: int, when: dt.datetime) -> None:
    with services.db.session() as s:
        vote(s, create_user(s, openid), number, when, services.settings)


def _valid(services: Services, **where: Any) -> int:
    with services.db.session() as s:
        stmt = select(func.count(Vote.id)).where(Vote.status == VoteStatus.VALID)
        for key, value in where.items():
            stmt = stmt.where(getattr(Vote, key) == value)
        return s.scalar(stmt) or 0


def _board(services: Services) -> list[tuple[int, int, int]]:
    with services.db.session() as s:
        row = s.scalar(select(Round))
        return [(x.number, x.votes, x.rank) for x in board(s, row)]


@pytest.mark.parametrize(("hours_before", "voided"), [(23.9, True), (24.1, False)])
def test_unfollow_within_24_hours_voids(app: Flask, contest: Services, clock: Clock,
                                        hours_before: float, voided: bool) -> None:
    """An unfollow through the webhook voids that user's votes of the last 24 hours only."""
    sim = Simulator(contest.settings, flask_transport(app.test_client()), clock=clock)
    clock.set(at("2017-11-05 10:00"))
    with contest.db.session() as s:
        create_user(s, "o_a")
    assert "点赞成功" in sim.text("o_a", "投票 1")[1]
    assert _board(contest)[0] == (1, 1, 1)
    clock.advance(dt.timedelta(hours=hours_before))
    sim.event("o_a", "unsubscribe")
    assert _valid(contest) == (0 if voided else 1)
    with contest.db.session() as s:
        reasons = s.scalars(select(Vote.void_reason)).all()
    assert reasons == (["投票后 24 小时内取消关注"] if voided else [None])
    assert _board(contest)[0][1] == (0 if voided else 1)


def test_manual_void_by_entry_since_is_logged(app: Flask, contest: Services, clock: Clock) -> None:
    """`contest void --entry 2 --since` voids only that project's later votes, logs it, recounts."""
    for i in range(3):
        _vote(contest, f"o_{i}", 2, at(f"2017-11-05 1{i}:00"))
    _vote(contest, "o_x", 1, at("2017-11-05 12:30"))
    clock.set(at("2017-11-06 09:00"))
    assert _board(contest)[0] == (2, 3, 1)
    result = cli(app, "void", "--entry", "2", "--since", "2017-11-05 11:00", "--reason", "刷票",
                 "--month", "2017-11", "--by", "admin")
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "2"
    assert (_valid(contest, entry_id=_entry_id(contest, 2)), _valid(contest)) == (1, 2)
    assert _board(contest) == [(1, 1, 1), (2, 1, 1), (3, 0, 3)]
    with contest.db.session() as s:
        log = s.scalar(select(ContestLog).where(ContestLog.action == "void"))
        assert (log.actor, log.detail["reason"], log.detail["count"]) == ("cli:admin", "刷票", 2)
        assert set(s.scalars(select(Vote.voided_by).where(Vote.status == "void"))) == {"cli:admin"}


@pytest.mark.parametrize(("args", "message"), [
    (["--reason", "x"], "其中之一"),
    (["--openid", "o", "--entry", "1", "--reason", "x"], "其中之一"),
    (["--entry", "9", "--reason", "x", "--month", "2017-11"], "没有编号为 9"),
    (["--openid", "o", "--month", "2017-12", "--reason", "x"], "2017-12 没有大赛"),
])
def test_void_refusals(app: Flask, contest: Services, args: list[str], message: str) -> None:
    """Bad void requests fail on stderr with status 1."""
    result = cli(app, "void", *args)
    assert result.exit_code == 1 and message in result.output


def test_blacklist_cli(app: Flask, contest: Services, clock: Clock) -> None:
    """A blacklisted follower is refused in chat, and accepted again once removed."""
    sim = Simulator(contest.settings, flask_transport(app.test_client()), clock=clock)
    clock.set(at("2017-11-05 10:00"))
    with contest.db.session() as s:
        create_user(s, "o_bad")
    assert cli(app, "blacklist", "add", "o_bad").exit_code == 0
    assert "投票资格已被暂停" in sim.text("o_bad", "投票 1")[1]
    assert cli(app, "blacklist", "remove", "o_bad").exit_code == 0
    assert cli(app, "blacklist", "remove", "o_bad").exit_code == 1
    assert "点赞成功" in sim.text("o_bad", "投票 1")[1]


@pytest.mark.parametrize(("recent", "baseline", "flag"), [
    (19, 0, False), (20, 0, True),                    # the minimum count
    (20, 288 * 4, True), (20, 288 * 5, False),        # factor 5 over the expected 4 per window
])
def test_burst_table(settings: Settings, recent: int, baseline: int, flag: bool) -> None:
    """Bursts need both the minimum count and the factor over the entry's own rate."""
    assert is_burst(recent, baseline, settings.contest) is flag


@hsettings(max_examples=60)
@given(st.integers(0, 500), st.integers(0, 5000), st.integers(0, 50))
def test_burst_is_monotonic(recent: int, baseline: int, more: int) -> None:
    """More votes in the window never unflag; a higher own rate never flags."""
    from core.settings import load_settings
    c = load_settings().contest
    if is_burst(recent, baseline, c):
        assert is_burst(recent + more, baseline, c)
        assert is_burst(recent, max(baseline - more, 0), c)


@hsettings(max_examples=60)
@given(st.integers(0, 500), st.integers(0, 50000), st.integers(1, 60), st.floats(1.0, 20.0))
def test_skipping_the_baseline_never_hides_a_burst(recent: int, baseline: int, minimum: int,
                                                   factor: float) -> None:
    """The baseline is only counted when the window could be a burst: none is missed."""
    import dataclasses

    from core.settings import load_settings
    c = dataclasses.replace(load_settings().contest, burst_min_votes=minimum, burst_factor=factor)
    if is_burst(recent, baseline, c):
        assert could_burst(recent, c)


def test_burst_flags_and_alerts_admins_without_voiding(app_factory: Callable[[Settings], Flask],
                                                       settings_factory: Callable[..., Settings]) -> None:
    """Five votes in a minute (minimum 5) flag project 1 at the job's next look and alert each
    admin once, however often it looks within the burst; the votes stay valid."""
    app = app_factory(settings_factory(contest={"burst_min_votes": 5},
                                       admins={"openids": ["o_admin1", "o_admin2"]}))
    services: Services = app.extensions["youthvoice"]
    with services.db.session() as s:
        create_round(s, services.settings, entries=2)
    c, admins = services.settings.contest, services.settings.admins.openids
    for i in range(4):
        _vote(services, f"o_{i}", 1, at(f"2017-11-05 10:00:{i:02d}"))
    with services.db.session() as s:
        assert flag_bursts(s, at("2017-11-05 10:01"), c, admins) == []
        assert s.scalar(select(Entry.flagged_at).where(Entry.number == 1)) is None
    for i in range(4, 8):
        _vote(services, f"o_{i}", 1, at(f"2017-11-05 10:00:{i:02d}"))
    with services.db.session() as s:
        entry1 = s.scalar(select(Entry.id).where(Entry.number == 1))
        assert flag_bursts(s, at("2017-11-05 10:01"), c, admins) == [entry1]
        assert flag_bursts(s, at("2017-11-05 10:02"), c, admins) == [entry1]  # the same burst
        assert flag_bursts(s, at("2017-11-05 10:06"), c, admins) == []        # out of the window
        assert s.scalar(select(Entry.flagged_at).where(Entry.number == 1)) is not None
        assert s.scalar(select(Entry.flagged_at).where(Entry.number == 2)) is None
        alerts = s.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "contest.burst")).all()
        assert sorted(a.openid for a in alerts) == ["o_admin1", "o_admin2"]
        assert "5 分钟内获得 8 票" in alerts[0].payload["text"]
        assert s.scalar(select(func.count(ContestLog.id)).where(ContestLog.action == "flag")) == 1
    assert _valid(services) == 8


def test_a_vote_committed_elsewhere_is_on_the_board(contest: Services) -> None:
    """The board reads the counters the votes' own transactions raised, nothing cached."""
    for i, n in enumerate([1, 1, 2, 3, 3, 3]):
        _vote(contest, f"o_{i}", n, at("2017-11-05 10:00"))
    contest.store.redis.flushdb()
    assert _board(contest) == [(3, 3, 1), (1, 2, 2), (2, 1, 3)]


def test_voids_recount_the_counters(contest: Services) -> None:
    """After voids the entries' counters equal the valid votes, and the board shows them."""
    for i, n in enumerate([1, 1, 2, 3, 3, 3]):
        _vote(contest, f"o_{i}", n, at("2017-11-05 10:00"))
    with contest.db.session() as s:
        row = s.scalar(select(Round))
        before = row.version
        entry3 = s.scalar(select(Entry.id).where(Entry.number == 3))
        assert void_votes(s, row, VoidScope(entry_id=entry3), "test", "o_admin1", at("2017-11-05 11:00")) == 3
        assert void_votes(s, row, VoidScope(openid="o_0"), "test", "o_admin1", at("2017-11-05 11:00")) == 1
        s.commit()
    with contest.db.session() as s:
        row = s.scalar(select(Round))
        counters = dict(s.execute(select(Entry.number, Entry.valid_votes)).tuples().all())
        assert counters == {t.number: t.votes for t in tally(s, row.id)[1]} == {1: 1, 2: 1, 3: 0}
        assert row.version == before + 2
    assert _board(contest) == [(1, 1, 1), (2, 1, 1), (3, 0, 3)]


def test_scheduler_closes_after_the_window(app_factory: Callable[[Settings], Flask],
                                           settings_factory: Callable[..., Settings], tmp_path: Any,
                                           clock: Clock) -> None:
    """The job closes a round only once its window has ended, and only once."""
    app = app_factory(settings_factory(contest={"frozen_dir": str(tmp_path)}))
    services: Services = app.extensions["youthvoice"]
    with services.db.session() as s:
        create_round(s, services.settings)
    clock.set(at("2017-11-30 23:59:59"))
    assert close_due_rounds(services) == []
    clock.set(at("2017-12-01 00:00"))
    assert close_due_rounds(services) == ["2017-11"]
    assert close_due_rounds(services) == []
    assert (tmp_path / "2017-11.json").exists()


def _entry_id(services: Services, number: int) -> int:
    with services.db.session() as s:
        return s.scalar(select(Entry.id).where(Entry.number == number))
