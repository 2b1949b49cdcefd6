"""Overload: a request that queued past shed_after_seconds is answered "success" with no side effect."""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from sqlalchemy import func, select

from bot import routing
from bot.context import Ctx, Incoming, Reply
from bot.logs import Tally
from bot.wechat.protocol import sign, waited_seconds
from bot.wechat.simulator import message_xml
from core.settings import Settings
from models.accounts import User
from models.inbox import InboxMessage
from tests.support import TEST_TOKEN


def post_signed_at(client: Any, openid: str, content: str, signed_at: float, msg_id: int = 1) -> Any:
    """Post a text message whose signature carries the given (past) time."""
    ts, nonce = str(int(signed_at)), "n0nce"
    query = urlencode({"signature": sign(TEST_TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce})
    body = message_xml(openid, {"MsgType": "text", "Content": content, "MsgId": msg_id}, int(signed_at))
    return client.post(f"/wechat?{query}", data=body)


def users(app: Flask) -> int:
    """How many followers the database holds."""
    with app.extensions["youthvoice"].db.session() as s:
        return s.scalar(select(func.count()).select_from(User))


def test_queued_past_the_threshold_is_shed_without_side_effects(app: Flask) -> None:
    """Signed 5 s ago: "success" at once, no follower row, no dedupe key (a retry may run)."""
    resp = post_signed_at(app.test_client(), "o_queued", "帮助", time.time() - 5)
    assert resp.status_code == 200 and resp.data == b"success"
    store = app.extensions["youthvoice"].store
    assert users(app) == 0 and store.redis.keys("*") == []


def test_just_under_the_threshold_is_answered(app: Flask) -> None:
    """Signed 2 s ago (under 3.5 s): the normal reply."""
    resp = post_signed_at(app.test_client(), "o_recent", "帮助", time.time() - 2)
    assert resp.status_code == 200 and "您可以发送以下文字".encode() in resp.data and users(app) == 1


def test_a_timestamp_beyond_the_clock_skew_is_not_shed(app: Flask) -> None:
    """A clock 10 minutes off is skew, not queueing: still answered (never a silent bot)."""
    resp = post_signed_at(app.test_client(), "o_skewed", "帮助", time.time() - 600)
    assert resp.status_code == 200 and "您可以发送以下文字".encode() in resp.data


def test_shedding_can_be_tuned(app_factory: Callable[[Settings], Flask],
                               settings_factory: Callable[..., Settings]) -> None:
    """The threshold is a setting: at 1 s, a request signed 2 s ago is shed."""
    app = app_factory(settings_factory(wechat={"shed_after_seconds": 1.0}))
    assert post_signed_at(app.test_client(), "o_tuned", "帮助", time.time() - 2).data == b"success"


def test_the_reply_deadline_counts_the_time_already_queued(app_factory: Callable[[Settings], Flask],
                                                           settings_factory: Callable[..., Settings],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Queued 3-4 s, then a 1.2 s handler: past 4 s from WeChat's view, so "success" and a late reply."""
    late: list[tuple[str, Any]] = []
    app = app_factory(settings_factory(wechat={"shed_after_seconds": 4.5}))  # not shed: answered late

    def slow(msg: Incoming, ctx: Ctx) -> Reply:
        time.sleep(1.2)
        return Reply(text="迟到的回复")

    monkeypatch.setattr(routing, "TABLE", [(routing.text_is("慢"), slow), *routing.TABLE])
    monkeypatch.setattr(app.extensions["youthvoice"], "late_reply", lambda o, r, key: late.append((o, r)))
    resp = post_signed_at(app.test_client(), "o_slow", "慢", time.time() - 3.0)
    assert resp.data == b"success" and late == [("o_slow", Reply(text="迟到的回复"))]


@pytest.mark.parametrize("timestamp,now,expected", [
    ("100", 103.5, 3.5), ("100", 100.0, 0.0), ("100", 99.0, 0.0),   # future: no queue time
    ("100", 161.0, 0.0), ("100", 160.0, 60.0),                       # the skew bound, inclusive
    ("", 5.0, 0.0), ("abc", 5.0, 0.0), ("-5", 5.0, 0.0), ("1" * 13, 1e13, 0.0),
])
def test_waited_seconds(timestamp: str, now: float, expected: float) -> None:
    """Only a plausible past timestamp counts as time spent queueing."""
    assert waited_seconds(timestamp, now, 60.0) == expected


def test_a_burst_of_shed_requests_is_one_log_line_then_its_tally(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    """The first shed request is logged at once; the rest of the burst in one line when a request
    is answered again, with the count and the longest wait; each is kept in the inbox all the same."""
    client, now = app.test_client(), time.time()
    with caplog.at_level(logging.WARNING, logger="bot.webhook"):
        for i in range(40):
            assert post_signed_at(client, f"o_q{i}", "投票 1", now - 4 - (i == 7), msg_id=i).data == b"success"
        shed = [r.getMessage() for r in caplog.records if "shed" in r.getMessage()]
        assert len(shed) == 1 and re.search(r": 1 in 0\.0 s, the longest 4\.\d s$", shed[0]), shed
        assert post_signed_at(client, "o_ok", "帮助", now).data != b"success"
    shed = [r.getMessage() for r in caplog.records if "shed" in r.getMessage()]
    assert len(shed) == 2 and re.search(r": 39 in \d+\.\d s, the longest 5\.\d s$", shed[1]), shed
    with app.extensions["youthvoice"].db.session() as s:
        assert s.scalar(select(func.count()).select_from(InboxMessage)) == 40


def test_the_tally_logs_once_per_interval() -> None:
    """Counted between lines; a line when the interval is over; nothing to flush says nothing."""
    clock, lines = [100.0], []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger = logging.getLogger("tests.tally")
    logger.addHandler(Capture())
    tally = Tally(logger, "shed", 10.0, clock=lambda: clock[0])
    tally.flush()
    assert lines == []
    tally.note(3.6)
    assert lines == ["shed: 1 in 0.0 s, the longest 3.6 s"]
    for step in range(1, 10):  # 9 more within the interval: counted, not logged
        clock[0] = 100.0 + step
        tally.note(3.5 + step / 10)
    assert len(lines) == 1
    clock[0] = 110.0
    tally.note(3.5)
    assert lines[1] == "shed: 10 in 9.0 s, the longest 4.4 s"
    tally.flush()
    assert len(lines) == 2
