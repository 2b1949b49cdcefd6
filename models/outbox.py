"""The outbox: every outgoing WeChat message is a row, queued in the causing transaction."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CursorResult, String, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.texts import t
from models.base import Base, utcnow


class Channel(StrEnum):
    """How WeChat lets the account speak first."""

    TEMPLATE = "template"      # template message (service accounts, followers only)
    CUSTOM = "custom"          # customer-service message (48 h after the user's last message)
    SUBSCRIBE = "subscribe"    # subscribe notification (after a one-time opt-in)
    MASS = "mass"              # mass send to all followers (4 a month on service accounts)


class Status(StrEnum):
    """Where a message is in its life."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    SKIPPED = "skipped"
    WITHDRAWN = "withdrawn"    # its cause went away before it was sent (e.g. a cancelled registration)


class OutboxMessage(Base):
    """One message to deliver."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    # Idempotency: the cause's key (e.g. "contest.announce:2017-11:o_x"); also WeChat's client_msg_id.
    client_msg_id: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(64), index=True)
    openid: Mapped[str | None] = mapped_column(String(64), index=True)  # None for a mass send
    channel: Mapped[str] = mapped_column(String(16))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default=Status.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error_code: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    wx_msgid: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None]
    delivered_at: Mapped[dt.datetime | None]
    # The lease of the sender that claimed the row: a row left in `sending` past its lease (a killed
    # sender) is claimed again; claim_token stops a late finisher from overwriting the new claim.
    claimed_at: Mapped[dt.datetime | None]
    claim_token: Mapped[str | None] = mapped_column(String(32))


def enqueue(session: Session, *, key: str, purpose: str, openid: str | None, channel: Channel,
            payload: dict[str, Any], now: dt.datetime | None = None) -> OutboxMessage | None:
    """Queue a message in the caller's transaction; None when that key was queued before."""
    key = message_key(key)
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.client_msg_id == key)):
        return None
    row = OutboxMessage(client_msg_id=key, purpose=purpose, openid=openid, channel=channel,
                        payload=payload, next_attempt_at=now or utcnow())
    session.add(row)
    session.flush()
    return row


def withdraw(session: Session, key: str) -> bool:
    """Take back a queued, unsent message in the caller's transaction; False when none was waiting.

    A message a sender has already claimed (`sending`) is on its way and stays as it is.
    """
    stmt = (update(OutboxMessage)
            .where(OutboxMessage.client_msg_id == message_key(key), OutboxMessage.status == Status.QUEUED)
            .values(status=Status.WITHDRAWN).execution_options(synchronize_session="fetch"))
    result: CursorResult[Any] = session.execute(stmt)  # type: ignore[assignment]
    return bool(result.rowcount)


def message_key(key: str) -> str:
    """Fit a cause's key into the 64 characters WeChat and the column take, keeping it stable."""
    if len(key) <= KEY_MAX:
        return key
    digest = hashlib.sha1(key.encode()).hexdigest()
    return f"{key[:KEY_MAX - 41]}~{digest}"


KEY_MAX = 64


# TEMPLATESENDJOBFINISH Status -> the row's final state (anything else is a system failure)
DELIVERY_STATES = {"success": Status.DELIVERED, "failed:user block": Status.SKIPPED}


def mark_delivered(session: Session, wx_msgid: str, wx_status: str, now: dt.datetime) -> bool:
    """Record WeChat's report on a sent template message; False when no sent row has that msgid."""
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.wx_msgid == wx_msgid,
                                                     OutboxMessage.status == Status.SENT))
    if row is None:
        return False
    row.status = DELIVERY_STATES.get(wx_status.strip().lower(), Status.FAILED)
    row.delivered_at = now if row.status == Status.DELIVERED else None
    if row.status != Status.DELIVERED:
        row.last_error = t("push.error.not_delivered", status=wx_status)[:500]
    return True


def status_counts(session: Session) -> dict[tuple[str, str], int]:
    """How many rows there are per (status, channel)."""
    stmt = (select(OutboxMessage.status, OutboxMessage.channel, func.count())
            .group_by(OutboxMessage.status, OutboxMessage.channel))
    return {(status, channel): n for status, channel, n in session.execute(stmt)}


def failures(session: Session, limit: int = 20) -> list[OutboxMessage]:
    """The newest failed or skipped rows, and queued rows that failed before."""
    stmt = (select(OutboxMessage)
            .where((OutboxMessage.status.in_((Status.FAILED, Status.SKIPPED)))
                   | ((OutboxMessage.status == Status.QUEUED)
                      & OutboxMessage.last_error_code.is_not(None)))
            .order_by(OutboxMessage.id.desc()).limit(limit))
    return list(session.scalars(stmt))


def mass_sends_since(session: Session, since: dt.datetime) -> int:
    """Mass sends queued or made since a time (failed and skipped ones did not reach followers)."""
    stmt = select(func.count()).where(OutboxMessage.channel == Channel.MASS,
                                      OutboxMessage.created_at >= since,
                                      OutboxMessage.status.not_in((Status.FAILED, Status.SKIPPED)))
    return int(session.scalar(stmt) or 0)


RETRYABLE = (Status.FAILED, Status.SKIPPED)


@dataclasses.dataclass(frozen=True)
class Requeued:
    """What `push retry` did with each id: queued again, unknown, or in a state left alone."""

    ids: tuple[int, ...]
    missing: tuple[int, ...]
    left: tuple[tuple[int, str], ...]    # (id, status) of messages that were not failed/skipped


def requeue(session: Session, ids: list[int], now: dt.datetime) -> Requeued:
    """Put failed or skipped messages back in the queue as new (an operator fixed the cause)."""
    rows = {row.id: row for row in session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(ids)).with_for_update())}
    done: list[int] = []
    for row in rows.values():
        if row.status in RETRYABLE:
            row.status, row.attempts, row.next_attempt_at = Status.QUEUED, 0, now
            done.append(row.id)
    unique = list(dict.fromkeys(ids))
    return Requeued(ids=tuple(i for i in unique if i in done),
                    missing=tuple(i for i in unique if i not in rows),
                    left=tuple((i, rows[i].status) for i in unique if i in rows and i not in done))
