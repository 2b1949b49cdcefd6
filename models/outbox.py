"""The outbox: every outgoing WeChat message is a row, queued in the causing transaction."""
from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

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


def enqueue(session: Session, *, key: str, purpose: str, openid: str | None, channel: Channel,
            payload: dict[str, Any], now: dt.datetime | None = None) -> OutboxMessage | None:
    """Queue a message in the caller's transaction; None when that key was queued before."""
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.client_msg_id == key)):
        return None
    row = OutboxMessage(client_msg_id=key, purpose=purpose, openid=openid, channel=channel,
                        payload=payload, next_attempt_at=now or utcnow())
    session.add(row)
    session.flush()
    return row
