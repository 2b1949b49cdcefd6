"""Messages shed under overload, kept to be handled once the rush is over."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, String, Text, insert, or_, select, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import ColumnElement

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


@dataclasses.dataclass(frozen=True)
class Claimed:
    """A kept request taken by this drain: what it needs to handle it."""

    id: int
    query: dict[str, Any]
    body: str


def _due(now: dt.datetime, lease: dt.timedelta) -> ColumnElement[bool]:
    """Queued rows, and rows whose drain vanished past its lease."""
    stale = (InboxMessage.state == InboxState.WORKING) & (InboxMessage.claimed_at < now - lease)
    return or_(InboxMessage.state == InboxState.QUEUED, stale)


def claim(session: Session, now: dt.datetime, lease: dt.timedelta, limit: int) -> list[Claimed]:
    """Take up to `limit` due rows, oldest first, in one statement.

    On PostgreSQL the rows another drain is taking are skipped (FOR UPDATE SKIP LOCKED) and the
    ones taken are marked in the same statement, so two drains never both take a row; SQLite's
    single writer does the same. One statement for a batch replaces a read of the due ids, then
    a compare-and-set and a load for each row: they were most of a drained row's cost.
    """
    due = (select(InboxMessage.id).where(_due(now, lease)).order_by(InboxMessage.id).limit(limit)
           .with_for_update(skip_locked=True))
    stmt = (update(InboxMessage).where(InboxMessage.id.in_(due.scalar_subquery()))
            .values(state=InboxState.WORKING, claimed_at=now, attempts=InboxMessage.attempts + 1)
            .returning(InboxMessage.id, InboxMessage.query, InboxMessage.body)
            .execution_options(synchronize_session=False))
    return sorted((Claimed(*row) for row in session.execute(stmt)), key=lambda c: c.id)


def mark_done(session: Session, row_ids: list[int], now: dt.datetime) -> None:
    """Mark rows handled, in one statement."""
    if row_ids:
        session.execute(update(InboxMessage).where(InboxMessage.id.in_(row_ids))
                        .values(state=InboxState.DONE, done_at=now, last_error=None)
                        .execution_options(synchronize_session=False))


def release(session: Session, row_ids: list[int]) -> None:
    """Give back rows taken but not reached before the drain's time ran out: queued again, their
    attempt not counted, for the next drain rather than after the lease."""
    if row_ids:
        session.execute(update(InboxMessage)
                        .where(InboxMessage.id.in_(row_ids), InboxMessage.state == InboxState.WORKING)
                        .values(state=InboxState.QUEUED, claimed_at=None, attempts=InboxMessage.attempts - 1)
                        .execution_options(synchronize_session=False))


def finish(session: Session, row_id: int, now: dt.datetime, error: str | None,
           max_attempts: int) -> None:
    """Mark one row done, or back to the queue (failed after too many attempts)."""
    row = session.get(InboxMessage, row_id)
    if row is None:
        return
    if error is None:
        row.state, row.done_at, row.last_error = InboxState.DONE, now, None
        return
    row.last_error = error[:500]
    row.state = InboxState.FAILED if row.attempts >= max_attempts else InboxState.QUEUED
