"""Claiming outbox rows so that several senders never send one message twice, and recording results."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any, cast

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from core.texts import t
from models.outbox import OutboxMessage, Status


@dataclasses.dataclass(frozen=True)
class Claimed:
    """A claimed message, detached from the session so a worker thread may send it."""

    id: int
    key: str
    openid: str | None
    channel: str
    payload: dict[str, Any]
    attempts: int
    token: str


def new_token() -> str:
    """A fresh claim token for one claim round."""
    return uuid.uuid4().hex


def claim(session: Session, now: dt.datetime, limit: int, lease: dt.timedelta,
          skip_channels: set[str] = frozenset()) -> list[Claimed]:  # type: ignore[assignment]
    """Take up to `limit` due rows (and rows of killed senders past their lease) for this sender."""
    if limit <= 0:
        return []
    stmt = select(OutboxMessage).where(_due(now, lease)).order_by(
        OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)
    if skip_channels:
        stmt = stmt.where(OutboxMessage.channel.not_in(skip_channels))
    if session.get_bind().dialect.name == "postgresql":
        # Other senders skip the rows this one is looking at instead of waiting or taking them too.
        stmt = stmt.with_for_update(skip_locked=True)
    token = new_token()
    return [c for row in session.scalars(stmt).all() if (c := _take(session, row, now, token))]


def _due(now: dt.datetime, lease: dt.timedelta) -> Any:
    """Queued and due, or stuck in `sending` longer than a lease."""
    return or_(and_(OutboxMessage.status == Status.QUEUED, OutboxMessage.next_attempt_at <= now),
               and_(OutboxMessage.status == Status.SENDING, OutboxMessage.claimed_at < now - lease))


def _take(session: Session, row: OutboxMessage, now: dt.datetime, token: str) -> Claimed | None:
    """Compare-and-set the row to `sending`: only one of several racing senders succeeds."""
    same_token = (OutboxMessage.claim_token.is_(None) if row.claim_token is None
                  else OutboxMessage.claim_token == row.claim_token)
    stmt = (update(OutboxMessage)
            .where(OutboxMessage.id == row.id, OutboxMessage.status == row.status, same_token)
            .values(status=Status.SENDING, claimed_at=now, claim_token=token,
                    attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False))
    if cast(CursorResult[Any], session.execute(stmt)).rowcount != 1:
        return None
    return Claimed(row.id, row.client_msg_id, row.openid, row.channel, dict(row.payload),
                   row.attempts + 1, token)


def finish(session: Session, msg: Claimed, **values: Any) -> bool:
    """Record a claimed row's outcome; False when its lease was lost to another sender."""
    stmt = (update(OutboxMessage)
            .where(OutboxMessage.id == msg.id, OutboxMessage.claim_token == msg.token,
                   OutboxMessage.status == Status.SENDING)
            .values(**values).execution_options(synchronize_session=False))
    return cast(CursorResult[Any], session.execute(stmt)).rowcount == 1


def record_sent(session: Session, msg: Claimed, wx_msgid: str, now: dt.datetime) -> bool:
    """WeChat accepted the message."""
    return finish(session, msg, status=Status.SENT, wx_msgid=wx_msgid or None, sent_at=now)


def record_retry(session: Session, msg: Claimed, code: int, error: str, at: dt.datetime,
                 max_attempts: int) -> bool:
    """A passing failure: try again at `at`, or fail for good after the last attempt."""
    if msg.attempts >= max_attempts:
        return record_failure(session, msg, code, error)
    return finish(session, msg, status=Status.QUEUED, next_attempt_at=at,
                  last_error_code=code, last_error=error[:500])


def record_failure(session: Session, msg: Claimed, code: int, error: str) -> bool:
    """A final failure."""
    return finish(session, msg, status=Status.FAILED, last_error_code=code, last_error=error[:500])


def record_skip(session: Session, msg: Claimed, code: int, error: str) -> bool:
    """The recipient cannot be written to on this channel."""
    return finish(session, msg, status=Status.SKIPPED, last_error_code=code, last_error=error[:500])


def record_fallback(session: Session, msg: Claimed, code: int, channel: str,
                    payload: dict[str, Any], now: dt.datetime) -> bool:
    """Send the message again at once on another channel (customer-service -> template)."""
    return finish(session, msg, status=Status.QUEUED, channel=channel, payload=payload,
                  next_attempt_at=now, last_error_code=code, last_error=t("push.error.fell_back", code=code))


def release(session: Session, msg: Claimed, at: dt.datetime | None = None) -> bool:
    """Give back a claimed row that was not sent (the run stopped), without counting an attempt."""
    values: dict[str, Any] = {"next_attempt_at": at} if at else {}
    return finish(session, msg, status=Status.QUEUED, attempts=msg.attempts - 1, claim_token=None,
                  **values)
