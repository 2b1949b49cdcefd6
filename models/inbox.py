"""Messages shed under overload, kept to be handled once the rush is over."""
from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import JSON, String, Text, insert, or_, select, text, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, run_driver_sql, stored_utc, utcnow


class InboxState(StrEnum):
    """Where a kept message is."""

    QUEUED = "queued"
    WORKING = "working"
    DONE = "done"
    FAILED = "failed"


class InboxMessage(Base):
    """One authenticated WeChat request answered "success" before it was handled."""

    __tablename__ = "inbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    query: Mapped[dict[str, Any]] = mapped_column(JSON)   # signature, timestamp, nonce, encrypt_type...
    body: Mapped[str] = mapped_column(Text)               # the request body as received
    state: Mapped[str] = mapped_column(String(16), default=InboxState.QUEUED, index=True)
    claimed_at: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[dt.datetime | None]


# A request is shed because the workers are short of time, so keeping it must cost little: on
# PostgreSQL one statement as the driver's SQL (SQLAlchemy building, keying and compiling an
# INSERT of the table cost more than the statement does on the server; the JSON goes as text,
# which PostgreSQL reads as json). Elsewhere, the quick start's one process, the same INSERT built.
KEEP = text("INSERT INTO inbox (received_at, query, body, state, attempts) "
            "VALUES (:received_at, :query, :body, :state, 0) RETURNING id")


def keep(session: Session, query: dict[str, Any], body: str, now: dt.datetime) -> None:
    """Keep a shed request to handle later: one INSERT, no object loaded."""
    if session.get_bind().dialect.name == "postgresql":
        run_driver_sql(session, KEEP, {"received_at": stored_utc(now), "body": body,
                                       "query": json.dumps(query, ensure_ascii=False),
                                       "state": InboxState.QUEUED.value})
        return
    session.execute(insert(InboxMessage).values(query=query, body=body, received_at=now,
                                                state=InboxState.QUEUED, attempts=0))


def due_ids(session: Session, now: dt.datetime, lease: dt.timedelta, limit: int) -> list[int]:
    """Queued rows, and rows whose worker vanished past its lease, oldest first."""
    stale = (InboxMessage.state == InboxState.WORKING) & (InboxMessage.claimed_at < now - lease)
    stmt = (select(InboxMessage.id).where(or_(InboxMessage.state == InboxState.QUEUED, stale))
            .order_by(InboxMessage.id).limit(limit))
    return list(session.scalars(stmt))


def claim(session: Session, row_id: int, now: dt.datetime, lease: dt.timedelta) -> bool:
    """Take one row for this worker (compare-and-set, so two workers never both take it)."""
    stale = (InboxMessage.state == InboxState.WORKING) & (InboxMessage.claimed_at < now - lease)
    stmt = (update(InboxMessage).where(InboxMessage.id == row_id)
            .where(or_(InboxMessage.state == InboxState.QUEUED, stale))
            .values(state=InboxState.WORKING, claimed_at=now, attempts=InboxMessage.attempts + 1))
    return cast(CursorResult[Any], session.execute(stmt)).rowcount == 1


def finish(session: Session, row_id: int, now: dt.datetime, error: str | None,
           max_attempts: int) -> None:
    """Mark a row done, or back to the queue (failed after too many attempts)."""
    row = session.get(InboxMessage, row_id)
    if row is None:
        return
    if error is None:
        row.state, row.done_at, row.last_error = InboxState.DONE, now, None
        return
    row.last_error = error[:500]
    row.state = InboxState.FAILED if row.attempts >= max_attempts else InboxState.QUEUED
