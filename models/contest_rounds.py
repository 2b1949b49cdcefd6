"""Contest rounds (one per month) and their showcase entries (numbered 1..N)."""
from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, String, UniqueConstraint, select, text, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.base import Base, utcnow
from models.filing import Filing, FilingItem, Intention, ReviewState
from models.refusals import Refused

# The key of the contest's advisory lock (PostgreSQL): every vote holds it shared, every void and
# close exclusively (lock_round), so those wait for the votes in flight and hold back new ones.
CONTEST_LOCK = 0x79764F54


class RoundState(StrEnum):
    """A round's life: the showcase is chosen, voted on, closed, then announced."""

    SHORTLISTING = "shortlisting"
    VOTING = "voting"
    CLOSED = "closed"
    ANNOUNCED = "announced"


class ContestError(Refused, ValueError):
    """An operator's request that the contest's rules refuse (a phrase: models/refusals.py)."""


class Round(Base):
    """One month's contest."""

    __tablename__ = "contest_rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)   # YYYY-MM, Asia/Shanghai
    state: Mapped[str] = mapped_column(String(16), default=RoundState.SHORTLISTING)
    opens_at: Mapped[dt.datetime | None]
    closes_at: Mapped[dt.datetime | None]                         # exclusive
    # The leaderboard cache's generation: bumped under the row lock by every void and the close
    # (which may lower counts), not by votes (which only raise one entry's count).
    version: Mapped[int] = mapped_column(default=0)
    shortlisted_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    announced_at: Mapped[dt.datetime | None]
    frozen_path: Mapped[str | None] = mapped_column(String(300))
    frozen_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Entry(Base):
    """One showcased project of a round."""

    __tablename__ = "contest_entries"
    __table_args__ = (UniqueConstraint("round_id", "number"), UniqueConstraint("round_id", "item_id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_rounds.id"), index=True)
    number: Mapped[int]
    item_id: Mapped[int] = mapped_column(ForeignKey("filing_items.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    judge_score: Mapped[float | None]
    # Valid votes, kept in the transaction of every vote and void (the live board's source).
    valid_votes: Mapped[int] = mapped_column(default=0, server_default="0")
    flagged_at: Mapped[dt.datetime | None]
    flag_reason: Mapped[str | None] = mapped_column(String(200))
    final_votes: Mapped[int | None]                 # valid votes frozen at the close
    final_score: Mapped[float | None]
    final_rank: Mapped[int | None]
    winner: Mapped[bool] = mapped_column(default=False)


def month_of(now: dt.datetime, tz: ZoneInfo) -> str:
    """The contest month of a moment, in the contest's time zone."""
    return f"{now.astimezone(tz):%Y-%m}"


def default_window(month: str, opens_day: int, closes_day: int,
                   tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The voting window from the settings' days of the month (closes_day 0 = last day)."""
    year, mon = (int(p) for p in month.split("-"))
    last = calendar.monthrange(year, mon)[1]
    closes = min(closes_day or last, last)
    return explicit_window(dt.date(year, mon, opens_day), dt.date(year, mon, closes), tz)


def explicit_window(first: dt.date, last: dt.date, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """A window from its first to its last day, both included."""
    if last < first:
        raise ContestError("contest.error.window_reversed", first=first.isoformat(), last=last.isoformat())
    opens = dt.datetime.combine(first, dt.time(), tz)
    return opens, dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)


def get_round(session: Session, month: str) -> Round | None:
    """The round of a month, if any."""
    return session.scalar(select(Round).where(Round.month == month))


def ensure_round(session: Session, month: str) -> Round:
    """The round of a month, created in the shortlisting state on first use."""
    row = get_round(session, month)
    if row is None:
        row = Round(month=month, state=RoundState.SHORTLISTING)
        session.add(row)
        session.flush()
    return row


def shown_round(session: Session, month: str) -> Round | None:
    """The round chat shows: this month's once shortlisted, else the latest earlier one."""
    stmt = (select(Round).where(Round.month <= month, Round.state != RoundState.SHORTLISTING)
            .order_by(Round.month.desc()).limit(1))
    return session.scalar(stmt)


def candidates(session: Session, month: str) -> list[tuple[FilingItem, int]]:
    """Approved activities of the month that applied for the contest, with their org id."""
    stmt = (select(FilingItem, Filing.org_id).join(Filing, Filing.id == FilingItem.filing_id)
            .where(FilingItem.review_state == ReviewState.APPROVED).order_by(FilingItem.id))
    rows = session.execute(stmt).all()
    return [(item, org) for item, org in rows if item.month == month and item.has(Intention.CONTEST)]


def entries(session: Session, round_id: int) -> list[Entry]:
    """A round's entries in number order."""
    return list(session.scalars(select(Entry).where(Entry.round_id == round_id).order_by(Entry.number)))


def lock_round(session: Session, round_id: int, states: Sequence[str]) -> int | None:
    """Take the contest's lock exclusively and the round's row, bumping its version; None when
    the round is in another state.

    Every void and close passes here: it waits for the votes in flight (which hold the contest's
    lock shared, see contest_votes.cast_vote) and holds back new ones until it commits; a vote
    that waited reads the round afresh, after the commit.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CONTEST_LOCK})
    stmt = (update(Round).where(Round.id == round_id, Round.state.in_(list(states)))
            .values(version=Round.version + 1).returning(Round.version)
            .execution_options(synchronize_session=False))
    return session.execute(stmt).scalar()
