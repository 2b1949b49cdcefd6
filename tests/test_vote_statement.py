"""The vote as one statement: on PostgreSQL it runs on its own (autocommit), records a voter never
seen and undoes itself when refused; on SQLite it is a transaction. Either way every refusal keeps
every counter as it was, and a vote inside a dialog is counted while the dialog goes on."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from bot.services import Services
from bot.wechat.simulator import Simulator, flask_transport
from core.texts import t
from models.accounts import User
from models.contest import vote
from models.contest_rounds import Entry, Round
from models.contest_votes import EntryQuota, Vote, VoterQuota
from tests.support import Clock, create_org
from tests.support_contest import at, create_round


@pytest.fixture()
def sim(app: Flask, services: Services, clock: Clock) -> Simulator:
    """A November round of three projects, open; the clock on 12 November, 09:00."""
    clock.set(at("2017-11-12 09:00"))
    with services.db.session() as s:
        create_round(s, services.settings, entries=3)
    return Simulator(services.settings, flask_transport(app.test_client()), clock=clock)


def _counters(services: Services, openid: str) -> tuple[int | None, list[tuple[int, int, int]], int]:
    """The voter's votes today (their quota row), (project, today, total) per project, their votes."""
    with services.db.session() as s:
        user_id = s.scalar(select(User.id).where(User.openid == openid))
        today = s.scalar(select(VoterQuota.today).where(VoterQuota.user_id == user_id))
        per_entry = s.execute(select(Entry.number, EntryQuota.today, EntryQuota.total)
                              .join(Entry, Entry.id == EntryQuota.entry_id)
                              .where(EntryQuota.user_id == user_id).order_by(Entry.number)).tuples().all()
        votes = s.scalar(select(func.count(Vote.id)).where(Vote.openid == openid)) or 0
    return today, list(per_entry), votes


def test_every_refusal_in_chat_keeps_every_counter(sim: Simulator, services: Services, clock: Clock) -> None:
    """Same project twice, too fast, past the day's quota: each refused with its sentence, and the
    counters stay those of the votes counted (the next vote's answer agrees)."""
    c = services.settings.contest
    spacing = dt.timedelta(seconds=c.min_seconds_between_votes)
    assert "点赞成功" in sim.text("o_v", "投票 1")[1]
    assert _counters(services, "o_v") == (1, [(1, 1, 1)], 1)

    clock.advance(spacing)
    assert t("contest.refuse.entry_day", per_entry_per_day=c.votes_per_entry_per_user_per_day) in sim.text(
        "o_v", "投票 1")[1]
    assert _counters(services, "o_v") == (1, [(1, 1, 1)], 1)

    assert "点赞成功" in sim.text("o_v", "投票 2")[1]  # the refusal did not move the last vote's time
    clock.advance(dt.timedelta(seconds=1))
    wait = max(1, int(c.min_seconds_between_votes - 1 + 0.999))
    assert sim.text("o_v", "投票 3")[1].count(t("contest.refuse.rate_limited", wait=wait)) == 1
    assert _counters(services, "o_v") == (2, [(1, 1, 1), (2, 1, 1)], 2)

    clock.advance(spacing)
    third = sim.text("o_v", "投票 3")[1]
    assert "点赞成功" in third and t("contest.vote.none_left") in third
    clock.advance(spacing)
    assert t("contest.refuse.day_quota", per_day=c.votes_per_user_per_day) in sim.text("o_v", "投票 1")[1]
    assert _counters(services, "o_v") == (3, [(1, 1, 1), (2, 1, 1), (3, 1, 1)], 3)


@pytest.mark.parametrize("missing", ["opens_at", "closes_at"])
def test_a_voting_round_without_its_window_counts_nothing(sim: Simulator, services: Services,
                                                          missing: str) -> None:
    """A round marked voting whose window is missing (NULL) is not open: the vote is refused as
    if no round were shown, and no counter moves."""
    with services.db.session() as s:
        s.execute(update(Round).values({missing: None}))
    assert sim.text("o_v", "投票 1")[1].count(t("contest.refuse.no_round")) == 1
    with services.db.session() as s:
        assert (s.scalar(select(func.count(VoterQuota.user_id))),
                s.scalar(select(func.count(Vote.id))), s.scalar(select(func.sum(Entry.valid_votes)))) == (0, 0, 0)


def test_a_voter_never_seen_is_recorded_by_the_vote(sim: Simulator, services: Services, clock: Clock) -> None:
    """A follower whose first message is a vote: one user row, a follower since unknown, their vote
    on it."""
    assert "点赞成功" in sim.text("o_first", "点赞 2")[1]
    with services.db.session() as s:
        users = s.scalars(select(User).where(User.openid == "o_first")).all()
        assert [(u.subscribed, u.subscribed_at, u.last_message_at, u.created_at) for u in users] == [
            (True, None, clock(), clock())]
        assert s.scalars(select(Vote.user_id)).all() == [users[0].id]


def test_a_vote_inside_a_dialog_is_counted_and_the_dialog_goes_on(sim: Simulator, services: Services) -> None:
    """An admin filing an application who votes: the vote counts (on PostgreSQL in a transaction,
    since the dialog wraps its answer), the answer reminds them of the question, and the next
    answer continues the filing."""
    with services.db.session() as s:
        create_org(s, "莞城团委", town="莞城", admins=("o_admin",))
    assert "请回复活动所在镇街" in sim.text("o_admin", "申报")[1]
    reply = sim.text("o_admin", "投票 1")[1]
    assert "点赞成功" in reply and "正在等待：镇街" in reply
    assert _counters(services, "o_admin") == (1, [(1, 1, 1)], 1)
    assert "✓ 镇街：莞城" in sim.text("o_admin", "是")[1]


def test_a_first_vote_racing_the_voters_first_other_message(services: Services, sim: Simulator) -> None:
    """PostgreSQL: a vote that would record its voter while another message is recording them
    waits for that message, then counts on the row it wrote: one user, one vote."""
    if services.db.dialect != "postgresql":
        pytest.skip("SQLite records the voter before the vote, under its single writer lock")
    now, outcome = at("2017-11-12 09:00"), []
    other = services.db.sessions()
    other.add(User(openid="o_race", subscribed=True, last_message_at=now, created_at=now))
    other.flush()  # the row is written, not committed: the vote's insert waits for it

    def first_vote() -> None:
        with services.db.autocommit_sessions() as s:
            outcome.append(vote(s, User(openid="o_race", subscribed=True), 1, now, services.settings))

    voter = threading.Thread(target=first_vote)
    voter.start()
    voter.join(0.5)
    assert voter.is_alive() and outcome == []
    other.commit()
    other.close()
    voter.join(10)
    assert [(cast.number, cast.votes) for cast in outcome] == [(1, 1)]
    with services.db.session() as s:
        users = s.scalars(select(User.id).where(User.openid == "o_race")).all()
        assert s.scalars(select(Vote.user_id)).all() == users and len(users) == 1
    assert _counters(services, "o_race") == (1, [(1, 1, 1)], 1)


def _user(services: Services, openid: str) -> tuple[bool, object, object, object]:
    with services.db.session() as s:
        u = s.scalars(select(User).where(User.openid == openid)).one()
        return u.subscribed, u.subscribed_at, u.unsubscribed_at, u.last_message_at


def test_a_voter_recorded_as_unfollowed_follows_again(sim: Simulator, services: Services, clock: Clock) -> None:
    """WeChat delivers messages only from followers: a vote from one recorded as gone counts, and
    they are a follower again, their follow time unknown until the next sync."""
    gone = clock() - dt.timedelta(days=3)
    with services.db.session() as s:
        s.add(User(openid="o_back", subscribed=False, subscribed_at=gone - dt.timedelta(days=90),
                   unsubscribed_at=gone, last_message_at=gone, created_at=gone))
    assert "点赞成功" in sim.text("o_back", "投票 1")[1]
    assert _user(services, "o_back") == (True, None, None, clock())


@pytest.mark.parametrize(("seconds_short", "written"), [(1, False), (0, True), (None, True)])
def test_the_last_message_time_is_written_when_due(sim: Simulator, services: Services, clock: Clock,
                                                   seconds_short: int | None, written: bool) -> None:
    """A vote writes the voter's last-message time once it is an interval old (or in the future:
    a clock set back; None), and not a second before."""
    interval = dt.timedelta(seconds=services.settings.accounts.touch_interval_seconds)
    last = (clock() + dt.timedelta(minutes=1) if seconds_short is None
            else clock() - interval + dt.timedelta(seconds=seconds_short))
    with services.db.session() as s:
        s.add(User(openid="o_seen", subscribed=True, last_message_at=last, created_at=last))
    assert "点赞成功" in sim.text("o_seen", "投票 2")[1]
    assert _user(services, "o_seen")[3] == (clock() if written else last)
