"""The workers' read caches: what 帮助/项目/排行/规则 may reuse, for how long, and what forgets it.

Two apps on the same database and store stand for two workers (each has its own cache).
"""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import select

from bot import exactly_once as gate
from bot.console.pages import db as console_db
from bot.read_cache import ANSWERS, Change, Channel, ReadCache, TimedCache
from bot.services import Services
from bot.store import Store, connect
from bot.wechat.simulator import Simulator, flask_transport
from core.settings import Settings
from core.settings_loader import SettingsError
from core.texts import t
from models.accounts import BindingCode, User, new_code
from models.orgs import OrgAdmin
from tests.support import Clock, create_org, make_settings
from tests.support_contest import at, create_round

T0 = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
ORG_ADMIN_HELP = "【申报】"


def test_an_entry_is_served_until_its_age_then_dropped() -> None:
    """Served up to just under its seconds; at exactly its seconds it is gone."""
    cache: TimedCache[str] = TimedCache(5, 10)
    cache.put("a", "x", T0)
    assert cache.get("a", T0 + dt.timedelta(seconds=4.999)) == "x"
    assert cache.get("a", T0 + dt.timedelta(seconds=5)) is None
    assert len(cache) == 0


def test_an_entry_from_the_future_counts_as_expired() -> None:
    """A clock set back must not keep an entry alive for longer than its seconds."""
    cache: TimedCache[str] = TimedCache(5, 10)
    cache.put("a", "x", T0)
    assert cache.get("a", T0 - dt.timedelta(seconds=1)) is None


def test_a_full_cache_drops_its_oldest_entry() -> None:
    """The bound holds; putting a key again makes it the newest."""
    cache: TimedCache[int] = TimedCache(60, 3)
    for i, key in enumerate("abc"):
        cache.put(key, i, T0)
    cache.put("a", 10, T0)          # a is now the newest; b the oldest
    cache.put("d", 3, T0)
    assert len(cache) == 3
    assert [cache.get(k, T0) for k in "abcd"] == [10, None, 2, 3]


def test_zero_seconds_keeps_nothing() -> None:
    """0 turns the cache off."""
    cache: TimedCache[str] = TimedCache(0, 10)
    cache.put("a", "x", T0)
    assert cache.get("a", T0) is None and len(cache) == 0


@pytest.mark.parametrize(("section", "key", "value"), [("accounts", "follower_cache_seconds", -1),
                                                       ("accounts", "follower_cache_seconds", 61),
                                                       ("contest", "read_cache_seconds", 3600)])
def test_cache_ages_outside_0_to_60_are_refused(section: str, key: str, value: int) -> None:
    """A cache older than a minute would make the live board stale: one line names the key."""
    with pytest.raises(SettingsError) as err:
        make_settings("sqlite://", "memory://", **{section: {key: value}})
    assert f"{section}.{key}" in str(err.value) and "0 到 60 秒" in str(err.value)


def test_the_edges_0_and_60_are_accepted() -> None:
    """Both ends of the range start."""
    s = make_settings("sqlite://", "memory://", accounts={"follower_cache_seconds": 0},
                      contest={"read_cache_seconds": 60})
    assert (s.accounts.follower_cache_seconds, s.contest.read_cache_seconds) == (0, 60)


def _sim(app: Flask, clock: Clock) -> Simulator:
    services: Services = app.extensions["youthvoice"]
    return Simulator(services.settings, flask_transport(app.test_client()), clock=clock)


def _invite(services: Services) -> str:
    with services.db.session() as s:
        org = create_org(s)
        return new_code(s, "org", org.id, dt.timedelta(hours=72), services.clock()).code


@pytest.fixture()
def two_workers(app_factory: Callable[[Settings], Flask], settings: Settings,
                clock: Clock) -> tuple[Flask, Flask]:
    """Two apps on the same database: two workers, each with its own read cache."""
    clock.set(at("2017-11-12 09:00"))
    return app_factory(settings), app_factory(settings)


def test_a_binding_in_this_worker_shows_in_the_next_help(sim: Simulator, services: Services,
                                                          clock: Clock) -> None:
    """The follower's entry is forgotten when this worker commits a change of theirs."""
    clock.set(at("2017-11-12 09:00"))
    code = _invite(services)
    assert ORG_ADMIN_HELP not in sim.text("o_admin", "帮助")[1]
    assert services.read_cache.followers.get("o_admin", clock()) is not None
    assert "绑定成功" in sim.text("o_admin", f"绑定 {code}")[1]
    assert ORG_ADMIN_HELP in sim.text("o_admin", "帮助")[1]


def test_another_workers_binding_shows_at_once(two_workers: tuple[Flask, Flask], clock: Clock) -> None:
    """The gate's closing step says the openid on the channel: worker b forgets its entry."""
    a, b = two_workers
    sim_a, sim_b = _sim(a, clock), _sim(b, clock)
    code = _invite(a.extensions["youthvoice"])
    assert ORG_ADMIN_HELP not in sim_b.text("o_admin", "帮助")[1]
    assert b.extensions["youthvoice"].read_cache.follower("o_admin", clock()) is not None
    assert "绑定成功" in sim_a.text("o_admin", f"绑定 {code}")[1]
    cache = b.extensions["youthvoice"].read_cache
    assert _heard(lambda: cache.follower("o_admin", clock()) is None, cache)
    assert ORG_ADMIN_HELP in sim_b.text("o_admin", "帮助")[1]


def _heard(forgotten: Callable[[], bool], cache: ReadCache, seconds: float = 1.0) -> bool:
    """Whether the worker hears the change within `seconds` (Redis sends it to the other
    subscribers as it answers the publisher, so it may land a moment after the answer)."""
    until = time.monotonic() + seconds
    while True:
        cache.listen()
        if forgotten() or time.monotonic() > until:
            return forgotten()
        time.sleep(0.005)


def test_a_change_nobody_announces_shows_once_the_entry_expires(two_workers: tuple[Flask, Flask],
                                                                clock: Clock) -> None:
    """A write straight into SQL (a job, a hand-made fix) is seen after follower_cache_seconds."""
    a, _ = two_workers
    services, sim = a.extensions["youthvoice"], _sim(a, clock)
    seconds = services.settings.accounts.follower_cache_seconds
    assert ORG_ADMIN_HELP not in sim.text("o_quiet", "帮助")[1]
    with services.db.session() as s:
        org = create_org(s, "石排团委", town="石排")
        user = s.scalar(select(User).where(User.openid == "o_quiet"))
        s.add(OrgAdmin(org_id=org.id, user_id=user.id))
    clock.advance(dt.timedelta(seconds=seconds - 1))
    assert ORG_ADMIN_HELP not in sim.text("o_quiet", "帮助")[1]     # what a read a moment ago
    clock.advance(dt.timedelta(seconds=1))
    assert ORG_ADMIN_HELP in sim.text("o_quiet", "帮助")[1]


def test_help_inside_a_dialog_this_worker_opened_mentions_it(sim: Simulator, services: Services,
                                                             clock: Clock) -> None:
    """申报 is a write: the cached 'no draft' is forgotten, so 帮助 finds the open question."""
    clock.set(at("2017-11-12 09:00"))
    with services.db.session() as s:
        create_org(s, "莞城团委", town="莞城", admins=("o_filer",))
    sim.text("o_filer", "帮助")
    question = sim.text("o_filer", "申报")[1]
    assert "请回复活动所在镇街" in question
    assert "请回复活动所在镇街" in sim.text("o_filer", "帮助")[1]


def _votes_of(board: str, name: str) -> int:
    """The votes the board gives a project (its line ends `N票`)."""
    line = next(line for line in board.splitlines() if f" {name} " in line)
    return int(line.rsplit(" ", 1)[1].removesuffix("票"))


def test_a_vote_in_this_worker_shows_in_the_next_board(sim: Simulator, services: Services,
                                                       clock: Clock) -> None:
    """Any write this worker commits empties the public answers."""
    clock.set(at("2017-11-12 09:00"))
    with services.db.session() as s:
        create_round(s, services.settings, entries=3)
    before = _votes_of(sim.text("o_a", "排行")[1], "项目2")
    assert "点赞成功" in sim.text("o_b", "投票 2")[1]
    after = _votes_of(sim.text("o_a", "排行")[1], "项目2")
    assert (before, after) == (0, 1)


def test_another_workers_vote_shows_at_once(two_workers: tuple[Flask, Flask], clock: Clock) -> None:
    """A vote on worker a empties worker b's public answers through the channel."""
    a, b = two_workers
    services = a.extensions["youthvoice"]
    with services.db.session() as s:
        create_round(s, services.settings, entries=3)
    sim_a, sim_b = _sim(a, clock), _sim(b, clock)
    board = sim_b.text("o_reader", "排行")[1]
    assert sim_b.text("o_reader", "排行")[1] == board
    assert len(b.extensions["youthvoice"].read_cache.answers) == 1
    assert "点赞成功" in sim_a.text("o_voter", "投票 2")[1]
    cache = b.extensions["youthvoice"].read_cache
    assert _heard(lambda: len(cache.answers) == 0, cache)
    assert (_votes_of(board, "项目2"), _votes_of(sim_b.text("o_reader", "排行")[1], "项目2")) == (0, 1)


class Ear:
    """A subscriber of the test's own on the workers' channel: what was said there, in order."""

    def __init__(self, services: Services) -> None:
        self.redis = services.store.redis
        self.name = services.read_cache.channel.name
        self.end = f"{self.name}:end-of-test-listening"  # a channel of its own: the workers never hear it
        self.sub = self.redis.pubsub(ignore_subscribe_messages=True)
        self.sub.subscribe(self.name, self.end)
        self.said()  # both subscriptions confirmed

    def said(self, seconds: float = 2.0) -> list[str]:
        """What was said on the workers' channel since the last call (Redis delivers one
        publisher's messages in order, so all of it comes before the marker said now)."""
        self.redis.publish(self.end, "end")
        heard: list[str] = []
        until = time.monotonic() + seconds
        while True:
            message = self.sub.get_message(timeout=0.05)
            if message is None:
                assert time.monotonic() < until, "the marker did not come back"
            elif message["channel"].decode() == self.end:
                return heard
            else:
                heard.append(message["data"].decode())


def test_the_closing_step_says_each_kind_of_change(services: Services) -> None:
    """The gate's closing step: a sender's change says the openid every time; a public one says
    ANSWERS once until a worker lowers the flag; a refusal, or a claim forgotten, says nothing."""
    store, cache, ear = services.store, services.read_cache, Ear(services)
    assert cache.listen()  # subscribed: a worker that may keep answers

    def close(openid: str, change: Change, body: bytes | None = b"<xml/>") -> None:
        d = gate.gate(store, openid, f"msg-{openid}-{change.value}")
        gate.close_gate(store, d, body, 60, locked=False, announce=cache.announce(change))

    for openid in ("o_1", "o_2", "o_3"):
        close(openid, Change.PUBLIC)
    assert ear.said() == [ANSWERS] and store.get(cache.channel.told) == b"1"
    assert cache.before_answer() and store.get(cache.channel.told) is None
    close("o_4", Change.PUBLIC, body=None)      # not final: the claim is forgotten, nothing said
    assert ear.said() == [] and store.get(cache.channel.told) is None
    close("o_5", Change.NOTHING)
    close("o_6", Change.SENDER)
    close("o_7", Change.SENDER)
    close("o_8", Change.PUBLIC)
    close("o_9", Change.PUBLIC)
    assert ear.said() == ["o_6", "o_7", ANSWERS]


def test_votes_between_two_computed_boards_are_said_once(two_workers: tuple[Flask, Flask],
                                                         clock: Clock) -> None:
    """A vote's one statement (PostgreSQL) says "#answers" only when a board was computed since
    the last time; every board still shows every vote. Elsewhere a vote says its openid."""
    a, b = two_workers
    services, cache_b = a.extensions["youthvoice"], b.extensions["youthvoice"].read_cache
    with services.db.session() as s:
        create_round(s, services.settings, entries=3)
    sim_a, sim_b, ear = _sim(a, clock), _sim(b, clock), Ear(services)
    one = services.db.dialect == "postgresql"
    assert _votes_of(sim_b.text("o_reader", "排行")[1], "项目2") == 0
    assert ear.said() == []                                    # a board says nothing
    assert "点赞成功" in sim_a.text("o_v1", "投票 2")[1]
    assert ear.said() == ([ANSWERS] if one else ["o_v1"])
    assert _heard(lambda: len(cache_b.answers) == 0, cache_b)
    for voter in ("o_v2", "o_v3"):
        assert "点赞成功" in sim_a.text(voter, "投票 2")[1]
    assert ear.said() == ([] if one else ["o_v2", "o_v3"])     # no board was computed meanwhile
    assert _votes_of(sim_b.text("o_reader", "排行")[1], "项目2") == 3
    assert "点赞成功" in sim_a.text("o_v4", "投票 2")[1]
    assert ear.said() == ([ANSWERS] if one else ["o_v4"])
    assert _heard(lambda: len(cache_b.answers) == 0, cache_b)
    assert _votes_of(sim_b.text("o_reader", "排行")[1], "项目2") == 4


def test_a_board_computed_while_the_flag_is_up_hears_the_next_vote(two_workers: tuple[Flask, Flask],
                                                                   clock: Clock) -> None:
    """The flag left up by an earlier vote (no board computed since) is lowered before the board
    reads SQL, so the next vote is said, and the kept board is forgotten."""
    a, b = two_workers
    services, cache_b = a.extensions["youthvoice"], b.extensions["youthvoice"].read_cache
    with services.db.session() as s:
        create_round(s, services.settings, entries=3)
    services.store.put(cache_b.channel.told, "1")
    sim_a, sim_b = _sim(a, clock), _sim(b, clock)
    assert _votes_of(sim_b.text("o_reader", "排行")[1], "项目2") == 0
    assert services.store.get(cache_b.channel.told) is None and len(cache_b.answers) == 1
    assert "点赞成功" in sim_a.text("o_voter", "投票 2")[1]
    assert _heard(lambda: len(cache_b.answers) == 0, cache_b)
    assert _votes_of(sim_b.text("o_reader", "排行")[1], "项目2") == 1


def test_a_refused_vote_says_nothing(two_workers: tuple[Flask, Flask], clock: Clock) -> None:
    """A refusal rolled back what it did: nobody's cache has anything to forget."""
    a, b = two_workers
    services, cache_b = a.extensions["youthvoice"], b.extensions["youthvoice"].read_cache
    with services.db.session() as s:
        create_round(s, services.settings, entries=3)
    sim_a, ear = _sim(a, clock), Ear(services)
    assert "点赞成功" in sim_a.text("o_voter", "投票 2")[1]
    ear.said()
    _sim(b, clock).text("o_reader", "排行")
    clock.advance(dt.timedelta(seconds=services.settings.contest.min_seconds_between_votes))
    c = services.settings.contest
    assert sim_a.text("o_voter", "投票 2")[1] == t("contest.refuse.entry_day",
                                                  per_entry_per_day=c.votes_per_entry_per_user_per_day)
    assert ear.said() == [] and len(cache_b.answers) == 1


def test_an_operators_command_empties_every_worker(two_workers: tuple[Flask, Flask], clock: Clock) -> None:
    """A CLI command's session says "*" when it commits."""
    a, b = two_workers
    _sim(b, clock).text("o_seen", "帮助")
    cache = b.extensions["youthvoice"].read_cache
    assert len(cache.followers) == 1
    result = a.test_cli_runner().invoke(args=["org", "add", "--name", "寮步团委", "--town", "寮步"])
    assert result.exit_code == 0, result.output
    assert _heard(lambda: len(cache.followers) == 0, cache)


def test_with_the_store_down_nothing_is_reused(app_factory: Callable[[Settings], Flask],
                                               settings_factory: Callable[..., Settings],
                                               clock: Clock) -> None:
    """Not subscribed, a worker cannot hear changes: every read-only reply reads SQL, and the
    replies still come."""
    clock.set(at("2017-11-12 09:00"))
    app = app_factory(settings_factory())
    services: Services = app.extensions["youthvoice"]
    services.read_cache.channel = Channel(Store(connect("redis://127.0.0.1:1/0", 0.2)))  # nothing listens
    sim = _sim(app, clock)
    for _ in range(2):
        assert "您可以发送以下文字" in sim.text("o_down", "帮助")[1]
    assert not services.read_cache.usable and len(services.read_cache.followers) == 0


def test_a_lost_subscription_is_made_again_and_starts_empty(app: Flask, services: Services, clock: Clock,
                                                           store_url: str) -> None:
    """Redis drops the subscriber (a restart, a full output buffer): what was said meanwhile is
    lost, so the worker forgets everything and subscribes again."""
    if store_url.startswith("memory://"):
        pytest.skip("needs the real Redis (CLIENT KILL)")
    clock.set(at("2017-11-12 09:00"))
    sim = _sim(app, clock)
    sim.text("o_lost", "帮助")
    assert len(services.read_cache.followers) == 1
    services.store.redis.client_kill_filter(_type="pubsub")
    assert services.read_cache.listen() is False and len(services.read_cache.followers) == 0
    services.read_cache.channel._retry_at = 0.0  # the retry pause has passed
    assert services.read_cache.listen() is True
    sim.text("o_lost", "帮助")
    assert services.read_cache.follower("o_lost", clock()) is not None


def test_the_last_message_time_is_still_written_when_due(app_factory: Callable[[Settings], Flask],
                                                         settings_factory: Callable[..., Settings],
                                                         clock: Clock) -> None:
    """A touch due before the entry expires goes to SQL (the 48-hour window stays right)."""
    clock.set(at("2017-11-12 09:00"))
    app = app_factory(settings_factory(accounts={"touch_interval_seconds": 1, "follower_cache_seconds": 30}))
    sim, services = _sim(app, clock), app.extensions["youthvoice"]
    sim.text("o_t", "帮助")
    clock.advance(dt.timedelta(seconds=2))
    sim.text("o_t", "帮助")
    with services.db.session() as s:
        last = s.scalar(select(User.last_message_at).where(User.openid == "o_t"))
    assert last is not None and last.replace(tzinfo=dt.UTC) == at("2017-11-12 09:00:02").astimezone(dt.UTC)


def test_a_console_change_empties_every_worker(two_workers: tuple[Flask, Flask], clock: Clock) -> None:
    """An operator's change in the console is said on the channel (the console's session helper)."""
    a, b = two_workers
    _sim(b, clock).text("o_c", "帮助")
    cache = b.extensions["youthvoice"].read_cache
    assert len(cache.followers) == 1
    with a.test_request_context("/admin/orgs", method="POST"), console_db() as s:
        s.scalars(select(BindingCode)).all()
    assert _heard(lambda: len(cache.followers) == 0, cache)


def test_the_cache_off_reads_sql_every_time(app_factory: Callable[[Settings], Flask],
                                            settings_factory: Callable[..., Settings], clock: Clock) -> None:
    """follower_cache_seconds = 0 and read_cache_seconds = 0 keep nothing."""
    clock.set(at("2017-11-12 09:00"))
    app = app_factory(settings_factory(accounts={"follower_cache_seconds": 0}, contest={"read_cache_seconds": 0}))
    services = app.extensions["youthvoice"]
    with services.db.session() as s:
        create_round(s, services.settings, entries=3)
    sim = _sim(app, clock)
    sim.text("o_off", "帮助")
    sim.text("o_off", "排行")
    assert (len(services.read_cache.followers), len(services.read_cache.answers)) == (0, 0)
