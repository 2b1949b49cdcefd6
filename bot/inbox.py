"""Shed, not lost: requests answered "success" under overload are kept and handled later.

WeChat neither retries nor complains after "success", so a shed vote would be lost. The webhook
keeps the authenticated request instead; the `drain_inbox` job handles it through the same
dispatch as the webhook, under the same dedupe key (a retry that got through first wins), and the
reply goes out as a customer-service message.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot import dispatch
from bot.services import Services
from bot.wechat import protocol
from models import inbox

log = logging.getLogger(__name__)
LEASE = dt.timedelta(minutes=5)  # shorter than the dedupe TTL, so a re-run is still deduplicated
BATCH = 50


def keep(services: Services, query: dict[str, Any], body: bytes) -> bool:
    """Keep a shed request; False (and a log line) when even that is impossible.

    On PostgreSQL the INSERT runs in autocommit: it is its own transaction, durable when it
    returns, without the BEGIN and COMMIT round trips (elsewhere the commit below does it).
    """
    try:
        with services.db.autocommit_sessions() as session:
            inbox.keep(session, query, body.decode("utf-8", errors="replace"), services.clock())
            session.commit()
        return True
    except SQLAlchemyError:
        log.exception("inbox: could not keep a shed request")
        return False


def drain(services: Services, budget_seconds: float) -> int:
    """Handle kept requests for at most budget_seconds; returns how many were handled."""
    stop, handled = time.monotonic() + budget_seconds, 0
    while time.monotonic() < stop:
        with services.db.session() as session:
            batch = inbox.claim(session, services.clock(), LEASE, BATCH)
        if not batch:
            break
        handled += _handle_batch(services, batch, stop)
    return handled


def _handle_batch(services: Services, batch: list[inbox.Claimed], stop: float) -> int:
    """Handle the rows taken, record each failure as it comes and the successes together, and
    give back what the time left no room for; returns how many were handled.

    A drain that dies mid-batch leaves its handled rows marked as taken: after the lease, the
    next drain handles them again under their dedupe keys, which outlive it (see LEASE).
    """
    done: list[int] = []
    left: list[int] = []
    for row in batch:
        if time.monotonic() >= stop:
            left.append(row.id)
            continue
        error, final = _handle(services, row.query, row.body.encode())
        if error is None:
            done.append(row.id)
            continue
        limit = 1 if final else services.settings.push.max_attempts
        with services.db.session() as session:
            inbox.finish(session, row.id, services.clock(), error, limit)
    with services.db.session() as session:
        inbox.mark_done(session, done, services.clock())
        inbox.release(session, left)
    return len(done)


def _handle(services: Services, query: dict[str, Any], body: bytes) -> tuple[str | None, bool]:
    """Dispatch one kept request once: (why it did not happen, whether trying again is useless)."""
    try:
        msg = protocol.to_incoming(_plaintext(services, query, body))
    except (protocol.BadRequest, protocol.Forbidden) as exc:
        return f"unreadable: {exc}", True
    if dispatch.answer_later(services, msg):
        return None, False
    return "not handled yet (store or database busy)", False


def _plaintext(services: Services, query: dict[str, Any], body: bytes) -> bytes:
    """The message's XML, decrypted when it came in safe mode."""
    if query.get("encrypt_type") != "aes":
        return body
    wx = services.settings.wechat
    return protocol.decrypt(protocol.crypto_for(wx), body, wx.token, query.get("msg_signature", ""),
                            query.get("timestamp", ""), query.get("nonce", ""))
