"""Exactly once under WeChat's retries, per-user ordering, and the error boundary."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from bot import routing
from bot.context import Ctx, Incoming, Reply
from bot.wechat.simulator import Simulator, flask_transport, message_xml
from core.settings import Settings
from models.accounts import User


def _sim(app: Flask) -> Simulator:
    return Simulator(app.extensions["youthvoice"].settings, flask_transport(app.test_client()))


def _route_first(monkeypatch: pytest.MonkeyPatch, word: str, handler: Callable[[Incoming, Ctx], Reply | None]) -> None:
    """Put a test-only route at the head of the table."""
    monkeypatch.setattr(routing, "TABLE", [(routing.text_is(word), handler), *routing.TABLE])


def test_redelivery_three_times_one_side_effect_same_bytes(sim: Simulator, services: Any) -> None:
    """A wrong binding code delivered 3 times counts one failure and answers identically."""
    fields = {"MsgType": "text", "Content": "绑定 WRONG123", "MsgId": 42}
    bodies = [sim.post_raw(message_xml("o_retry", fields, 1_500_000_000))[1] for _ in range(3)]
    assert bodies[0] == bodies[1] == bodies[2]
    assert "还可尝试 4 次" in sim.read_reply(bodies[0])
    assert int(services.store.get(services.store.key("bindfail", "o_retry"))) == 1


def test_events_dedupe_on_time_event_and_key(sim: Simulator, services: Any) -> None:
    """Two identical CLICKs in one second are one action; a later one is another."""
    first = sim.event("o_tap", "CLICK", "MY_FILINGS", create_time=1_500_000_000)
    again = sim.event("o_tap", "CLICK", "MY_FILINGS", create_time=1_500_000_000)
    later = sim.event("o_tap", "CLICK", "MY_FILINGS", create_time=1_500_000_001)
    assert first == again and later[0] == 200
    keys = services.store.redis.keys(services.store.key("dedupe", "o_tap", "*"))
    assert len(keys) == 2


def test_retry_during_first_delivery_gets_its_answer(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """A retry that arrives while the first delivery runs waits and gets the same reply."""
    calls: list[int] = []

    def slow(msg: Incoming, ctx: Ctx) -> Reply:
        calls.append(1)
        time.sleep(0.5)
        return Reply(text=f"第{len(calls)}次")

    _route_first(monkeypatch, "慢", slow)
    sim = _sim(app)
    fields = {"MsgType": "text", "Content": "慢", "MsgId": 7}
    results: list[bytes] = []
    threads = [threading.Thread(target=lambda: results.append(sim.post_raw(message_xml("o_slow", fields, 1))[1]))
               for _ in range(3)]
    for th in threads:
        th.start()
        time.sleep(0.05)
    for th in threads:
        th.join()
    assert len(calls) == 1 and len(set(results)) == 1 and "第1次" in sim.read_reply(results[0])


def test_one_users_messages_never_interleave(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Read-modify-write on the store by two simultaneous messages of one user loses nothing."""
    def bump(msg: Incoming, ctx: Ctx) -> Reply:
        key = ctx.store.key("t", "counter")
        value = int(ctx.store.get(key) or 0)
        time.sleep(0.2)
        ctx.store.put(key, str(value + 1))
        return Reply(text=str(value + 1))

    _route_first(monkeypatch, "加一", bump)
    sim = _sim(app)
    replies: list[str] = []
    threads = [threading.Thread(target=lambda: replies.append(sim.text("o_pair", "加一")[1])) for _ in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(replies) == ["1", "2"]


def test_handler_failure_rolls_back_and_answers_kindly(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """No half-written data: a write before the failure is rolled back; the retry may run again."""
    def broken(msg: Incoming, ctx: Ctx) -> Reply:
        ctx.user.subscribe_scene = "half-written"
        ctx.session.flush()
        raise RuntimeError("boom")

    _route_first(monkeypatch, "坏", broken)
    sim = _sim(app)
    fields = {"MsgType": "text", "Content": "坏", "MsgId": 9}
    first = sim.read_reply(sim.post_raw(message_xml("o_broken", fields, 1))[1])
    assert "系统开小差了" in first
    services = app.extensions["youthvoice"]
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(User).where(User.subscribe_scene == "half-written")) == 0
    assert services.store.get(services.store.key("dedupe", "o_broken", "m:9")) is None


def test_past_the_deadline_answers_success(app_factory: Callable[[Settings], Flask],
                                           settings_factory: Callable[..., Settings],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A reply not ready in time becomes "success" (and is handed to late delivery)."""
    late: list[tuple[str, Any]] = []

    def slow(msg: Incoming, ctx: Ctx) -> Reply:
        time.sleep(0.4)
        return Reply(text="迟到的回复")

    _route_first(monkeypatch, "慢", slow)
    app = app_factory(settings_factory(wechat={"reply_deadline_seconds": 0.2}))
    monkeypatch.setattr(app.extensions["youthvoice"], "late_reply", lambda o, r, key: late.append((o, r)))
    status, body = _sim(app).post_raw(message_xml("o_late", {"MsgType": "text", "Content": "慢", "MsgId": 5}, 1))
    assert status == 200 and body == b"success"
    assert late == [("o_late", Reply(text="迟到的回复"))]


def _timed(sim: Simulator, openid: str, text: str = "帮助") -> tuple[int, str, float]:
    started = time.monotonic()
    status, reply = sim.text(openid, text)
    return status, reply, time.monotonic() - started


def test_redis_unreachable_friendly_reply_within_deadline(app_factory: Callable[[Settings], Flask],
                                                         settings_factory: Callable[..., Settings]) -> None:
    """With the store down: a message with side effects gets a friendly reply in time and nothing
    is written; a read-only reply (帮助) needs no store and is answered; /healthz 503."""
    app = app_factory(settings_factory(redis={"url": "redis://127.0.0.1:1/0"}))
    status, reply, took = _timed(_sim(app), "o_noredis", "订阅结果")
    assert status == 200 and "系统繁忙" in reply and took < 4.5
    with app.extensions["youthvoice"].db.session() as s:
        assert s.scalar(text("SELECT COUNT(*) FROM users")) == 0
    status, reply, took = _timed(_sim(app), "o_noredis")
    assert status == 200 and "您可以发送以下文字" in reply and took < 4.5
    health = app.test_client().get("/healthz")
    assert health.status_code == 503 and health.json["redis"] == "down" and health.json["database"] == "ok"


def test_database_unreachable_friendly_reply_within_deadline(app_factory: Callable[[Settings], Flask],
                                                            settings_factory: Callable[..., Settings]) -> None:
    """With the database down: a friendly reply in time, the retry not blocked, /healthz 503."""
    app = app_factory(settings_factory(database={"url": "postgresql://postgres@127.0.0.1:1/none"}))
    status, reply, took = _timed(_sim(app), "o_nodb")
    assert status == 200 and "系统开小差了" in reply and took < 4.5
    health = app.test_client().get("/healthz")
    assert health.status_code == 503 and health.json["database"] == "down"


def test_healthz_ok(client: Any) -> None:
    """Both backends up: 200 and their names."""
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.json == {"status": "ok", "database": "ok", "redis": "ok"}
