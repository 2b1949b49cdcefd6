"""Votes: durable rows, and casting one vote atomically under the quota rules (contest_rules)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, Index, Select, String, and_, func, insert, select, true, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.accounts import User
from models.base import Base
from models.contest_rules import Refusal, Usage, VoteRefused, VoteRules, refusal, refusal_details
from models.contest_rounds import Entry, Round, RoundState, count_vote


class VoteStatus(StrEnum):
    """A vote counts while valid; a void keeps the row with its reason."""

    VALID = "valid"
    VOID = "void"


class Vote(Base):
    """One 点赞, committed before the reply."""

    __tablename__ = "contest_votes"
    __table_args__ = (Index("ix_contest_votes_user_day", "user_id", "day"),
                      Index("ix_contest_votes_entry_cast_at", "entry_id", "cast_at"),
                      Index("ix_contest_votes_round_status", "round_id", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("contest_rounds.id"))
    entry_id: Mapped[int] = mapped_column(ForeignKey("contest_entries.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    openid: Mapped[str] = mapped_column(String(64), index=True)
    cast_at: Mapped[dt.datetime]
    day: Mapped[dt.date]                       # the voter's calendar day in the contest time zone
    status: Mapped[str] = mapped_column(String(8), default=VoteStatus.VALID)
    void_reason: Mapped[str | None] = mapped_column(String(200))
    voided_by: Mapped[str | None] = mapped_column(String(64))
    voided_at: Mapped[dt.datetime | None]


@dataclasses.dataclass(frozen=True)
class Cast:
    """A counted vote."""

    vote_id: int
    entry_id: int
    number: int
    name: str
    left_today: int
    votes: int          # the entry's valid votes with this one
    version: int        # the round's version (the cache's generation) the vote was counted in


def _usage_query(user_id: int, entry_id: int, day: dt.date) -> Select[Any]:
    on_entry = Vote.entry_id == entry_id
    return select(func.count(Vote.id).filter(Vote.day == day),
                  func.count(Vote.id).filter(and_(Vote.day == day, on_entry)),
                  func.count(Vote.id).filter(on_entry),
                  func.max(Vote.cast_at)).where(Vote.user_id == user_id)


def _usage(counts: Sequence[Any], now: dt.datetime) -> Usage:
    today, entry_today, entry_round, last = counts
    return Usage(today, entry_today, entry_round, None if last is None else (now - last).total_seconds())


def share_round_and_count(session: Session, round_id: int, user_id: int, entry_id: int, day: dt.date,
                          now: dt.datetime) -> tuple[int, Usage] | None:
    """Hold the voting round's row FOR SHARE and count the voter's votes, in one statement;
    returns the round's version and the usage, or None when the round is not voting.

    Votes share the lock, so they do not wait for each other, but a void or close (which takes
    it exclusively, see lock_round) waits for them, and a vote that waited for a close re-checks
    the state and finds the round closed. The counts are right although the statement may have
    waited: the voter's row lock, taken before, keeps the voter's other votes out. SQLite has no
    row locks: its single writer lock, taken by lock_voter, serialises everything there.
    """
    counts = _usage_query(user_id, entry_id, day).subquery()
    stmt = (select(Round.version, *counts.c).select_from(Round).join(counts, true())
            .where(Round.id == round_id, Round.state == RoundState.VOTING)
            .with_for_update(read=True, of=Round))
    found = session.execute(stmt).first()
    return None if found is None else (found[0], _usage(found[1:], now))


def entry_for(session: Session, round_id: int, number: int, openid: str) -> tuple[Entry | None, bool]:
    """The entry voted for, and whether the voter is blacklisted, in one statement."""
    from models.contest_fraud import Blacklisted  # fraud builds on votes; late import

    listed = select(Blacklisted.id).where(Blacklisted.openid == openid).exists()
    found = session.execute(select(Entry, listed).where(Entry.round_id == round_id,
                                                        Entry.number == number)).first()
    return (None, False) if found is None else (found[0], bool(found[1]))


def lock_voter(session: Session, user_id: int) -> None:
    """Serialise one voter's votes: a no-op UPDATE locks the row on PostgreSQL and takes
    SQLite's write lock before anything is counted, so two votes never count the same quota."""
    session.execute(update(User).where(User.id == user_id).values(openid=User.openid)
                    .execution_options(synchronize_session=False))


def check_open(row: Round | None, now: dt.datetime, tz: ZoneInfo) -> None:
    """Refuse a vote outside the round's window."""
    if row is None or row.opens_at is None or row.closes_at is None:
        raise VoteRefused(Refusal.NO_ROUND)
    if row.state != RoundState.VOTING or now >= row.closes_at:
        raise VoteRefused(Refusal.ENDED, month=row.month)
    if now < row.opens_at:
        raise VoteRefused(Refusal.NOT_OPEN, opens=f"{row.opens_at.astimezone(tz):%m月%d日 %H:%M}")


def check_voter(user: User, rules: VoteRules, blacklisted: bool) -> None:
    """Refuse blacklisted voters and, when the rules say so, non-followers."""
    if blacklisted:
        raise VoteRefused(Refusal.BLACKLISTED)
    if rules.followers_only and not user.subscribed:
        raise VoteRefused(Refusal.NOT_FOLLOWER)


def cast_vote(session: Session, user: User, row: Round | None, number: int, now: dt.datetime,
              rules: VoteRules, tz: ZoneInfo) -> Cast:
    """Count one vote, or raise VoteRefused; the caller commits (or rolls back on refusal)."""
    check_open(row, now, tz)
    assert row is not None
    entry, blacklisted = entry_for(session, row.id, number, user.openid)
    if entry is None:
        count = session.scalar(select(func.count(Entry.id)).where(Entry.round_id == row.id))
        raise VoteRefused(Refusal.NO_SUCH_ENTRY, number=number, count=count)
    check_voter(user, rules, blacklisted)
    lock_voter(session, user.id)
    day = now.astimezone(tz).date()
    locked = share_round_and_count(session, row.id, user.id, entry.id, day, now)
    if locked is None:
        raise VoteRefused(Refusal.ENDED, month=row.month)
    return _insert(session, user, entry, now, rules, day, *locked)


def _insert(session: Session, user: User, entry: Entry, now: dt.datetime, rules: VoteRules,
            day: dt.date, version: int, usage: Usage) -> Cast:
    """Check the quotas counted under the locks and write the vote."""
    broken = refusal(rules, usage)
    if broken is not None:
        raise VoteRefused(broken, **refusal_details(broken, rules, usage))
    stmt = insert(Vote).values(round_id=entry.round_id, entry_id=entry.id, user_id=user.id,
                               openid=user.openid, cast_at=now, day=day, status=VoteStatus.VALID)
    vote_id = session.execute(stmt.returning(Vote.id)).scalar_one()
    votes = count_vote(session, entry.id)
    return Cast(vote_id, entry.id, entry.number, entry.name, rules.per_day - usage.today - 1, votes,
                version)
