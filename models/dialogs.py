"""Half-typed conversations (a filing in progress, a registration): one draft per follower, in SQL.

A draft is a person's work, so it lives in the database, not in the store: it survives a Redis
restart or flush, and it is written in the message's own transaction, so it commits or rolls
back with everything else the message did.
"""
from __future__ import annotations

import copy
import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, delete
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base


class DraftFate(StrEnum):
    """What became of a draft that was found."""

    OPEN = "open"
    EXPIRED = "expired"      # untouched for longer than the draft's days


class DialogDraft(Base):
    """A follower's unfinished conversation: its name and its state as JSON."""

    __tablename__ = "dialog_drafts"
    openid: Mapped[str] = mapped_column(String(64), ForeignKey("users.openid"), primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime]   # on the bot's clock: idle and expiry are measured from it


def find_draft(session: Session, openid: str) -> DialogDraft | None:
    """The follower's draft, if any (one primary-key lookup)."""
    return session.get(DialogDraft, openid)


def fate(draft: DialogDraft, now: dt.datetime, ttl: dt.timedelta) -> DraftFate:
    """Whether the draft is still open or has expired, on the given clock."""
    return DraftFate.EXPIRED if now - draft.updated_at > ttl else DraftFate.OPEN


def state_of(draft: DialogDraft) -> dict[str, Any]:
    """A copy of the draft's state to change freely (the row keeps its own until saved)."""
    return copy.deepcopy(draft.state)


def save_draft(session: Session, draft: DialogDraft | None, openid: str, name: str,
               state: dict[str, Any], now: dt.datetime) -> DialogDraft:
    """Write the state into the follower's draft (the loaded row, or a new one)."""
    if draft is None:
        draft = DialogDraft(openid=openid)
        session.add(draft)
    draft.name, draft.state, draft.updated_at = name, copy.deepcopy(state), now
    return draft


def drop_draft(session: Session, draft: DialogDraft) -> None:
    """Forget a draft (cancelled, submitted, expired or no longer readable)."""
    session.delete(draft)


def purge_expired(session: Session, now: dt.datetime, ttl: dt.timedelta) -> int:
    """Delete every draft untouched for longer than ttl; how many were deleted."""
    result = session.execute(delete(DialogDraft).where(DialogDraft.updated_at < now - ttl))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
