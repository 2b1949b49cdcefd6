"""Faults on private servers: Redis stopped and started, Redis flushed, PostgreSQL stopped and
started, and a sender (`push run`) killed with SIGKILL.

Each promise: a friendly reply within WeChat's deadline, /healthz 503 then 200, nothing lost (the
retry after recovery does the work), no duplicate side effect. The servers are our own
throwaway ones (tests/support_faults.py), never the shared ones.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy import func, select

from bench.stack import write_config
from bot import db
from bot.db import Database
from bot.wechat.fake_state import FakeWeChat
from bot.wechat.simulator import Simulator, flask_transport
from core.settings import PROJECT_ROOT, Settings
from models.accounts import BindingCode, new_code
from models.contest_votes import Vote
from models.orgs import OrgAdmin
from models.outbox import Channel, OutboxMessage, Status, enqueue
from tests.support import TEST_APPID, create_org, create_user, reset_database
from tests.support_contest import create_round
from tests.support_faults import PrivatePostgres, PrivateRedis, postgres_bin

DEADLINE = 4.5


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateRedis]:
    """A redis-server of our own that tests may stop, start and flush."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed: cannot run a private Redis")
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def private_pg() -> Iterator[PrivatePostgres]:
    """A PostgreSQL cluster of our own, migrated, that tests may stop and start."""
    bindir = postgres_bin()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    if os.geteuid() == 0 and not (shutil.which("runuser") and _has_user("postgres")):
        pytest.skip("running as root without a postgres user to run initdb as")
    server = PrivatePostgres(bindir)
    try:
        server.start()
        database = Database(server.url)
        database.upgrade()
        database.dispose()
        yield server
    finally:
        server.remove()


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


@pytest.fixture()
def redis_up(private_redis: PrivateRedis) -> PrivateRedis:
    """The private Redis, running and empty (an earlier test may have stopped it)."""
    if not private_redis.answers():
        private_redis.start()
    client = redis.Redis.from_url(private_redis.url)
    client.flushall()
    client.close()
    return private_redis


@pytest.fixture()
def pg_up(private_pg: PrivatePostgres) -> PrivatePostgres:
    """The private PostgreSQL, running and with empty tables."""
    database = Database(private_pg.url)
    if not database.ping():
        private_pg.start()
    reset_database(database.engine)
    database.dispose()
    return private_pg


def invite(app: Flask) -> str:
    """An organisation and a fresh binding code for its admin."""
    services = app.extensions["youthvoice"]
    with services.db.session() as s:
        org = create_org(s)
        return new_code(s, "org", org.id, dt.timedelta(hours=72), services.clock()).code


def admins(app: Flask) -> int:
    """How many organisation admins are bound."""
    with app.extensions["youthvoice"].db.session() as s:
        return s.scalar(select(func.count()).select_from(OrgAdmin))


def timed_text(sim: Simulator, openid: str, content: str, msg_id: int) -> tuple[int, str, float]:
    """Send a text; the status, the reply and how long it took."""
    started = time.monotonic()
    status, reply = sim.text(openid, content, msg_id=msg_id)
    return status, reply, time.monotonic() - started


def health(app: Flask) -> tuple[int, dict[str, Any]]:
    """The /healthz status and body."""
    resp = app.test_client().get("/healthz")
    return resp.status_code, resp.json


def _sim(app: Flask) -> Simulator:
    return Simulator(app.extensions["youthvoice"].settings, flask_transport(app.test_client()))


def test_redis_stopped_then_started(app_factory: Callable[[Settings], Flask],
                                    settings_factory: Callable[..., Settings], redis_up: PrivateRedis) -> None:
    """Redis down: a friendly reply in time, no binding, 503; back up: WeChat's retry binds, once."""
    app = app_factory(settings_factory(redis={"url": redis_up.url}))
    code, sim = invite(app), _sim(app)
    assert "【申报】" not in sim.text("o_admin", "帮助", msg_id=1)[1]  # warm connections first
    redis_up.stop()
    try:
        status, reply, took = timed_text(sim, "o_admin", f"绑定 {code}", 2)
        assert status == 200 and "系统繁忙" in reply and took < DEADLINE
        assert admins(app) == 0
        assert health(app) == (503, {"status": "degraded", "database": "ok", "redis": "down"})
    finally:
        redis_up.start()
    assert "绑定成功" in sim.text("o_admin", f"绑定 {code}", msg_id=2)[1]   # the retry does the work
    assert "绑定成功" in sim.text("o_admin", f"绑定 {code}", msg_id=2)[1]   # and is remembered
    assert admins(app) == 1 and health(app)[0] == 200


def test_redis_flushed(app_factory: Callable[[Settings], Flask],
                       settings_factory: Callable[..., Settings], redis_up: PrivateRedis) -> None:
    """Redis loses every key: a late retry cannot bind twice (the code's single use is in SQL)."""
    app = app_factory(settings_factory(redis={"url": redis_up.url}))
    code, sim = invite(app), _sim(app)
    assert "绑定成功" in sim.text("o_admin", f"绑定 {code}", msg_id=3)[1]
    redis.Redis.from_url(redis_up.url).flushall()
    retry = sim.text("o_admin", f"绑定 {code}", msg_id=3)[1]   # the dedupe key is gone
    assert "绑定成功" not in retry and admins(app) == 1
    assert "【申报】" in sim.text("o_admin", "帮助", msg_id=4)[1]    # roles come from SQL
    with app.extensions["youthvoice"].db.session() as s:
        assert s.scalar(select(func.count()).select_from(BindingCode).where(BindingCode.used_by.is_not(None))) == 1
    assert health(app)[0] == 200


def test_redis_flushed_between_a_vote_and_its_retry(app_factory: Callable[[Settings], Flask],
                                                    settings_factory: Callable[..., Settings],
                                                    redis_up: PrivateRedis) -> None:
    """A vote, Redis flushed, WeChat's retry: still one vote in SQL; the leaderboard rebuilds from SQL."""
    app = app_factory(settings_factory(redis={"url": redis_up.url}))
    services, sim = app.extensions["youthvoice"], _sim(app)
    with services.db.session() as s:
        create_round(s, services.settings, month=services.now().strftime("%Y-%m"),
                     first=str(services.now().date()), last=str(services.now().date()))
        create_user(s, "o_voter")
    assert "点赞成功" in sim.text("o_voter", "投票 1", msg_id=9)[1]
    redis.Redis.from_url(redis_up.url).flushall()
    assert "点赞成功" not in sim.text("o_voter", "投票 1", msg_id=9)[1]
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Vote)) == 1
    assert "1票" in sim.text("o_reader", "排行", msg_id=10)[1]


def test_redis_restarted_mid_filing_keeps_the_draft(app_factory: Callable[[Settings], Flask],
                                                   settings_factory: Callable[..., Settings],
                                                   redis_up: PrivateRedis, clock: Any) -> None:
    """A filing half typed, Redis stopped (busy, nothing lost) and started empty: it goes on."""
    clock.set(dt.datetime(2017, 11, 12, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
    app = app_factory(settings_factory(redis={"url": redis_up.url}))
    with app.extensions["youthvoice"].db.session() as s:
        create_org(s, admins=("o_admin",))
    sim = Simulator(app.extensions["youthvoice"].settings, flask_transport(app.test_client()), clock=clock)
    assert "请回复活动所在镇街" in sim.text("o_admin", "申报", msg_id=21)[1]
    assert "✓ 镇街：石龙" in sim.text("o_admin", "是", msg_id=22)[1]
    redis_up.stop()
    try:
        assert "系统繁忙" in sim.text("o_admin", "青年沙龙", msg_id=23)[1]
    finally:
        redis_up.start()
    reply = sim.text("o_admin", "青年沙龙", msg_id=23)[1]   # WeChat's retry, on an empty Redis
    assert reply.startswith("✓ 活动名称：青年沙龙\n\n（活动1 · 第 3/9 项）")


def test_postgres_stopped_then_started(app_factory: Callable[[Settings], Flask],
                                       settings_factory: Callable[..., Settings], pg_up: PrivatePostgres) -> None:
    """PostgreSQL down: a friendly reply in time, 503; back up: the retry binds, once, and 200."""
    app = app_factory(settings_factory(database={"url": pg_up.url}))
    code, sim = invite(app), _sim(app)
    assert "绑定成功" not in sim.text("o_admin", "帮助", msg_id=5)[1]  # pooled connections exist
    pg_up.stop()
    try:
        status, reply, took = timed_text(sim, "o_admin", f"绑定 {code}", 6)
        assert status == 200 and "系统开小差了" in reply and took < DEADLINE
        assert health(app) == (503, {"status": "degraded", "database": "down", "redis": "ok"})
    finally:
        pg_up.start()
    assert "绑定成功" in sim.text("o_admin", f"绑定 {code}", msg_id=6)[1]
    assert "绑定成功" in sim.text("o_admin", f"绑定 {code}", msg_id=6)[1]
    assert admins(app) == 1 and health(app)[0] == 200


def push_run(config: Any) -> subprocess.Popen[bytes]:
    """`flask --app wsgi push run`, the operator's command, in its own process."""
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "push", "run"], cwd=PROJECT_ROOT,
                            env={**os.environ, "YOUTHVOICE_CONFIG": str(config)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_sender_killed_with_sigkill(pg_up: PrivatePostgres, redis_up: PrivateRedis, fake_wechat: FakeWeChat,
                                      tmp_path: Any) -> None:
    """SIGKILL mid-run: the next `push run` takes the killed one's rows after their lease; each
    message reaches WeChat once (a resend carries the same client_msg_id), none is missing."""
    database, messages = Database(pg_up.url), 40
    with database.session() as s:
        for i in range(messages):
            enqueue(s, key=f"fault.kill:{i}", purpose="fault", openid=f"o_{i}", channel=Channel.TEMPLATE,
                    payload={"template": "contest_result", "url": "",
                             "data": {"project": "项目", "result": "入选", "month": "2017年11月"}})
    fake_wechat.latency = 0.1
    config = write_config(tmp_path, pg_up.url, redis_up.url, {
        "wechat": {"api_base_url": fake_wechat.url, "app_id": TEST_APPID},  # the fake's, not the bench's
        "push": {"pool_size": 2, "batch_size": 4, "lease_seconds": 1},
        "push.templates.contest_result": {"template_id": "tpl_result"}})
    sender = push_run(config)
    until = time.monotonic() + 30
    while len(fake_wechat.calls_to("message/template/send")) < 8 and time.monotonic() < until:
        time.sleep(0.02)
    sender.send_signal(signal.SIGKILL)
    sender.wait(10)
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status != Status.SENT)) > 0
    time.sleep(1.1)  # the killed sender's lease runs out
    assert push_run(config).wait(60) == 0
    with database.session() as s:
        states = dict(s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    sends = [c for c in fake_wechat.calls_to("message/template/send") if c.errcode == 0]
    assert states == {Status.SENT: messages}
    assert {c.body["client_msg_id"] for c in sends} == {f"fault.kill:{i}" for i in range(messages)}
    assert len({c.answer["msgid"] for c in sends}) == messages  # a resend is WeChat's no-op
    database.dispose()


def test_postgres_restarted_under_load_first_query_retried(app_factory: Callable[[Settings], Flask],
                                                          settings_factory: Callable[..., Settings],
                                                          pg_up: PrivatePostgres,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """No idle ping (a busy pool): the dead pooled connection costs no failed reply after a restart,
    nor a failed health check."""
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 10_000.0)
    app = app_factory(settings_factory(database={"url": pg_up.url}))
    sim = _sim(app)
    assert "您可以发送以下文字" in sim.text("o_busy", "帮助", msg_id=1)[1]  # a pooled connection
    pg_up.stop()
    pg_up.start()
    # Another follower: o_busy's 帮助 would come from the worker's read cache, with no SQL.
    assert "您可以发送以下文字" in sim.text("o_busy_2", "帮助", msg_id=2)[1]
    assert health(app)[0] == 200


def test_postgres_restarted_health_check_retried(app_factory: Callable[[Settings], Flask],
                                                 settings_factory: Callable[..., Settings],
                                                 pg_up: PrivatePostgres,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """The first /healthz after a restart finds the pool's dead connection, and asks a new one."""
    monkeypatch.setattr(db, "IDLE_PING_SECONDS", 10_000.0)
    app = app_factory(settings_factory(database={"url": pg_up.url}))
    assert health(app)[0] == 200  # a pooled connection
    pg_up.stop()
    pg_up.start()
    assert health(app) == (200, {"database": "ok", "redis": "ok", "status": "ok"})
