"""Shed, not lost: requests answered "success" under overload are handled later, once."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
import xmltodict
from flask import Flask
from sqlalchemy import func, select
from wechatpy.crypto import WeChatCrypto

from bot import inbox
from bot.services import Services
from bot.wechat.protocol import sign
from bot.wechat.simulator import message_xml
from core.settings import Settings
from models import inbox as rows
from models.contest_votes import Vote
from models.inbox import InboxMessage, InboxState
from models.outbox import OutboxMessage
from tests.support import TEST_AES_KEY, TEST_TOKEN, Clock, create_user
from tests.support_contest import at, create_round
from tests.test_shedding import post_signed_at


def _voting(services: Services, clock: Clock, *openids: str) -> None:
    clock.set(at("2017-11-15 10:00"))
    with services.db.session() as s:
        create_round(s, services.settings)
        for openid in openids:
            create_user(s, openid)


def _count(services: Services, model: Any, *where: Any) -> int:
    with services.db.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def test_a_shed_vote_is_kept_then_counted_once(app: Flask, services: Services, clock: Clock) -> None:
    """Shed at 5 s: nothing happens in the request; the drain counts it and replies by CS message."""
    _voting(services, clock, "o_rush")
    client = app.test_client()
    assert post_signed_at(client, "o_rush", "投票 1", time.time() - 5, msg_id=77).data == b"success"
    assert _count(services, Vote) == 0 and _count(services, InboxMessage) == 1
    assert inbox.drain(services, 10) == 1
    assert _count(services, Vote) == 1
    with services.db.session() as s:
        late = s.scalars(select(OutboxMessage).where(OutboxMessage.openid == "o_rush")).all()
    assert len(late) == 1 and late[0].purpose == "late_reply" and "1" in str(late[0].payload)
    assert inbox.drain(services, 10) == 0 and _count(services, Vote) == 1
    assert post_signed_at(client, "o_rush", "投票 1", time.time(), msg_id=77).data == b"success"
    assert _count(services, Vote) == 1


def test_a_retry_that_got_through_first_wins(app: Flask, services: Services, clock: Clock) -> None:
    """The kept copy of a message already handled by the webhook changes nothing."""
    _voting(services, clock, "o_first")
    client = app.test_client()
    post_signed_at(client, "o_first", "投票 2", time.time() - 5, msg_id=88)
    answered = post_signed_at(client, "o_first", "投票 2", time.time(), msg_id=88)
    assert "2" in answered.data.decode() and _count(services, Vote) == 1
    inbox.drain(services, 10)
    assert _count(services, Vote) == 1
    assert _count(services, OutboxMessage, OutboxMessage.purpose == "late_reply") == 0
    assert _count(services, InboxMessage, InboxMessage.state == InboxState.DONE) == 1


def test_a_shed_safe_mode_request_is_decrypted_later(app_factory: Callable[[Settings], Flask],
                                                     settings_factory: Callable[..., Settings],
                                                     clock: Clock) -> None:
    """The kept ciphertext is checked and decrypted by the drain with its msg_signature."""
    app = app_factory(settings_factory(wechat={"encoding_aes_key": TEST_AES_KEY}))
    services: Services = app.extensions["youthvoice"]
    _voting(services, clock, "o_safe")
    ts, nonce = str(int(time.time() - 5)), "n0nce"
    plain = message_xml("o_safe", {"MsgType": "text", "Content": "投票 3", "MsgId": 99}, int(ts))
    wx = services.settings.wechat
    body = WeChatCrypto(wx.token, wx.encoding_aes_key, wx.app_id).encrypt_message(plain.decode(), nonce, ts)
    encrypted = xmltodict.parse(body)["xml"]["Encrypt"]
    query = {"signature": sign(TEST_TOKEN, ts, nonce), "timestamp": ts, "nonce": nonce, "encrypt_type": "aes",
             "msg_signature": sign(TEST_TOKEN, ts, nonce, encrypted)}
    assert app.test_client().post("/wechat?" + urlencode(query), data=body).data == b"success"
    assert inbox.drain(services, 10) == 1 and _count(services, Vote) == 1


def test_an_unreadable_kept_request_fails_without_retrying(services: Services) -> None:
    """A body that cannot be read is marked failed at once, not retried forever."""
    with services.db.session() as s:
        s.add(InboxMessage(query={}, body="<xml><broken", received_at=services.clock()))
    assert inbox.drain(services, 10) == 0
    with services.db.session() as s:
        row = s.scalars(select(InboxMessage)).one()
    assert row.state == InboxState.FAILED and "unreadable" in row.last_error
    assert inbox.drain(services, 10) == 0


def test_two_drains_never_handle_one_request_twice(app: Flask, services: Services, clock: Clock) -> None:
    """A row taken is marked in the same statement: a second drain finds nothing to take."""
    _voting(services, clock, "o_twice")
    post_signed_at(app.test_client(), "o_twice", "投票 1", time.time() - 5, msg_id=55)
    with services.db.session() as s:
        row_id = s.scalars(select(InboxMessage.id)).one()
    with services.db.session() as s:
        assert [c.id for c in rows.claim(s, services.clock(), inbox.LEASE, 10)] == [row_id]
    with services.db.session() as s:
        assert rows.claim(s, services.clock(), inbox.LEASE, 10) == []
    assert inbox.drain(services, 10) == 0 and _count(services, Vote) == 0
    clock.advance(inbox.LEASE * 2)  # the first worker vanished: its lease runs out
    assert inbox.drain(services, 10) == 1 and _count(services, Vote) == 1


def test_inbox_commands(app: Flask, services: Services, clock: Clock) -> None:
    """`inbox drain` handles kept requests and prints the count last; `inbox status` counts states."""
    _voting(services, clock, "o_cli")
    post_signed_at(app.test_client(), "o_cli", "投票 1", time.time() - 5, msg_id=66)
    runner = app.test_cli_runner()
    assert "待处理：1" in runner.invoke(args=["inbox", "status"]).output
    drained = runner.invoke(args=["inbox", "drain", "--seconds", "10"])
    assert drained.exit_code == 0 and drained.output.splitlines()[-1] == "1"
    assert "已处理：1" in runner.invoke(args=["inbox", "status"]).output
    assert _count(services, Vote) == 1


def _shed_votes(app: Flask, services: Services, clock: Clock, count: int) -> list[int]:
    """`count` shed votes kept in the inbox; their row ids, oldest first."""
    _voting(services, clock, *[f"o_b{i}" for i in range(count)])
    client = app.test_client()
    for i in range(count):
        post_signed_at(client, f"o_b{i}", "投票 1", time.time() - 5, msg_id=700 + i)
    with services.db.session() as s:
        return list(s.scalars(select(InboxMessage.id).order_by(InboxMessage.id)))


def test_rows_taken_but_not_reached_are_given_back_uncounted(app: Flask, services: Services,
                                                            clock: Clock) -> None:
    """Released rows are queued again with their attempt not counted; the next drain takes them."""
    ids = _shed_votes(app, services, clock, 3)
    with services.db.session() as s:
        taken = rows.claim(s, services.clock(), inbox.LEASE, 10)
        assert [c.id for c in taken] == ids and "投票 1" in taken[0].body  # the body as received
        rows.release(s, ids[1:])
    with services.db.session() as s:
        state = {r.id: (r.state, r.attempts) for r in s.scalars(select(InboxMessage))}
    assert state == {ids[0]: (InboxState.WORKING, 1), ids[1]: (InboxState.QUEUED, 0),
                     ids[2]: (InboxState.QUEUED, 0)}
    assert inbox.drain(services, 10) == 2 and _count(services, Vote) == 2
    assert _count(services, InboxMessage, InboxMessage.state == InboxState.DONE) == 2


def test_a_batch_takes_the_oldest_first_up_to_its_limit(app: Flask, services: Services, clock: Clock) -> None:
    """Two batches of two over three rows: the oldest two, then the last one."""
    ids = _shed_votes(app, services, clock, 3)
    with services.db.session() as s:
        assert [c.id for c in rows.claim(s, services.clock(), inbox.LEASE, 2)] == ids[:2]
    with services.db.session() as s:
        assert [c.id for c in rows.claim(s, services.clock(), inbox.LEASE, 2)] == ids[2:]


def test_a_drain_skips_the_rows_another_is_taking(app: Flask, services: Services, clock: Clock) -> None:
    """PostgreSQL: while one drain's claim is not yet committed, another takes the other rows
    instead of waiting for it or taking the same ones."""
    if services.db.dialect != "postgresql":
        pytest.skip("SQLite has one writer: a second claim waits for the first")
    ids = _shed_votes(app, services, clock, 3)
    with services.db.session() as first, services.db.session() as second:
        assert [c.id for c in rows.claim(first, services.clock(), inbox.LEASE, 1)] == ids[:1]
        assert [c.id for c in rows.claim(second, services.clock(), inbox.LEASE, 10)] == ids[1:]
