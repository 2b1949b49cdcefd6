"""The vote: its rows, its rules, why one is refused, and casting one in a single call.

A vote is counted in one transaction: the voter's quota row and their quota row for the entry are
raised by upserts (their row locks serialise one voter's votes exactly, whatever the number of
workers), the vote row is inserted only if the raised counts are within the rules, the entry's
counter is raised, and the standing is read from the round's counters. On PostgreSQL all of it is
one call of contest_cast_vote() (migration 0021), which first takes a shared advisory lock on the
contest: voids and the close take it exclusively, so they wait for the votes in flight. Each of
the function's statements reads what committed before it began, so a vote that waited for a close
finds the round closed; and the entry's counter is raised only while the entry has no final count
(the close writes one on every entry). After a void the counter is raised from the recounted
value. Elsewhere the same steps run one statement each under SQLite's single writer lock.

On PostgreSQL the message path makes that call on its own, in autocommit: no BEGIN and no COMMIT,
and a voter never seen is recorded by the same call. A quota rule that refuses the vote after its
counters were raised makes the call fail (SQLSTATE YV001), so nothing of it is kept, and the
error's DETAIL says what the voter had used, from which the rule is told. Inside a caller's
transaction the call runs under a savepoint for the same reason. On SQLite a refused vote may
have raised a quota row: the caller rolls the transaction back on VoteRefused (the message path
and `Database.session` both do). Quota rows never go down: a voided vote still used its quota.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from enum import StrEnum
from typing import Any, NoReturn
from zoneinfo import ZoneInfo

from sqlalchemy import ForeignKey, Index, String, case, func, insert, select, text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.settings import ContestSettings
from models.accounts import User
from models.base import Base, is_key, json_utc, run_driver_sql, stored_utc, utcnow
from models.contest_rounds import CONTEST_LOCK, Entry, RoundState, month_of, shown_round


class Refusal(StrEnum):
    """Why a vote was not counted (each has its own sentence in the catalog)."""

    NO_ROUND = "no_round"
    NOT_OPEN = "not_open"
    ENDED = "ended"
    NO_SUCH_ENTRY = "no_such_entry"
    NOT_FOLLOWER = "not_follower"
    BLACKLISTED = "blacklisted"
    RATE_LIMITED = "rate_limited"
    DAY_QUOTA = "day_quota"
    ENTRY_DAY = "entry_day"
    ENTRY_ROUND = "entry_round"


class VoteRefused(Exception):
    """A vote the rules refuse; `details` fill the refusal's sentence. Roll back on it."""

    def __init__(self, reason: Refusal, **details: Any) -> None:
        super().__init__(reason.value)
        self.reason, self.details = reason, details


class VoteStatus(StrEnum):
    """A vote counts while valid; a void keeps the row with its reason."""

    VALID = "valid"
    VOID = "void"


class Vote(Base):
    """One 点赞, committed before the reply."""

    __tablename__ = "contest_votes"
    __table_args__ = (Index("ix_contest_votes_entry_cast_at", "entry_id", "cast_at"),
                      Index("ix_contest_votes_round_status", "round_id", "status"))
    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key to the round: checking one locks the round's row (FOR KEY SHARE) in every
    # vote, a row all votes share; the entry's key (whose round is its own) stands for it.
    round_id: Mapped[int]
    entry_id: Mapped[int] = mapped_column(ForeignKey("contest_entries.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    openid: Mapped[str] = mapped_column(String(64), index=True)
    cast_at: Mapped[dt.datetime]
    day: Mapped[dt.date]                       # the voter's calendar day in the contest time zone
    status: Mapped[str] = mapped_column(String(8), default=VoteStatus.VALID)
    void_reason: Mapped[str | None] = mapped_column(String(200))
    voided_by: Mapped[str | None] = mapped_column(String(64))
    voided_at: Mapped[dt.datetime | None]


class VoterQuota(Base):
    """A voter's votes on their latest voting day, and when they last voted (any round).

    The quota tables are counters kept beside the votes, without foreign keys: checking those
    would lock the voter's and the entry's rows in every vote for nothing the votes do not hold.
    """

    __tablename__ = "contest_voter_quota"
    user_id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date]
    today: Mapped[int]
    last_at: Mapped[dt.datetime]
    prev_at: Mapped[dt.datetime | None]        # last_at before the latest vote (the rate limit's)


class EntryQuota(Base):
    """A voter's votes for one entry: on their latest day for it, and in its round."""

    __tablename__ = "contest_entry_quota"
    user_id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date]
    today: Mapped[int]
    total: Mapped[int]


class Blacklisted(Base):
    """A follower whose votes are refused."""

    __tablename__ = "contest_blacklist"
    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    reason: Mapped[str] = mapped_column(String(200))
    added_by: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


@dataclasses.dataclass(frozen=True)
class VoteRules:
    """The quota rules in force, from the settings."""

    per_day: int
    per_entry_per_day: int
    per_entry_per_round: int          # 0 = no cap
    followers_only: bool
    min_seconds: float

    @classmethod
    def from_settings(cls, c: ContestSettings) -> VoteRules:
        """Read the rules from the [contest] settings."""
        return cls(c.votes_per_user_per_day, c.votes_per_entry_per_user_per_day,
                   c.votes_per_entry_per_user_per_round, c.followers_only, c.min_seconds_between_votes)


@dataclasses.dataclass(frozen=True)
class Usage:
    """What a voter had cast before this vote (valid or void: a voided vote still used its quota)."""

    today: int
    entry_today: int
    entry_round: int
    seconds_since_last: float | None


def refusal(rules: VoteRules, usage: Usage) -> Refusal | None:
    """The first quota rule this vote would break, or None."""
    if usage.today >= rules.per_day:
        return Refusal.DAY_QUOTA
    if usage.entry_today >= rules.per_entry_per_day:
        return Refusal.ENTRY_DAY
    if rules.per_entry_per_round and usage.entry_round >= rules.per_entry_per_round:
        return Refusal.ENTRY_ROUND
    if usage.seconds_since_last is not None and usage.seconds_since_last < rules.min_seconds:
        return Refusal.RATE_LIMITED
    return None


def refusal_details(reason: Refusal, rules: VoteRules, usage: Usage) -> dict[str, Any]:
    """Numbers the refusal's sentence shows."""
    wait = max(1, int(rules.min_seconds - (usage.seconds_since_last or 0) + 0.999))
    return {"per_day": rules.per_day, "per_entry_per_day": rules.per_entry_per_day,
            "per_entry_per_round": rules.per_entry_per_round, "wait": wait}


@dataclasses.dataclass(frozen=True)
class Cast:
    """A counted vote and where its entry stands now."""

    vote_id: int
    entry_id: int
    number: int
    name: str
    month: str
    left_today: int
    votes: int               # the entry's valid votes with this one
    rank: int                # 1 + entries with more votes
    tied: int                # other entries with as many votes
    gap: int | None          # votes behind the next higher count; None when first
    lead: int | None         # first and not tied: votes ahead of the next lower count


def standing(votes: int, others: list[int]) -> tuple[int, int, int | None, int | None]:
    """Rank, ties, gap above and lead below of a count among the other entries' counts."""
    higher = [v for v in others if v > votes]
    lower = [v for v in others if v < votes]
    tied = sum(1 for v in others if v == votes)
    gap = min(higher) - votes if higher else None
    lead = votes - max(lower) if lower and not higher and not tied else None
    return 1 + len(higher), tied, gap, lead


def cast_vote(session: Session, user: User, number: int, now: dt.datetime, c: ContestSettings,
              tz: ZoneInfo, touch_before: dt.datetime) -> Cast:
    """Count one vote in the round shown now, or raise VoteRefused (then roll back).

    A user with no id (PostgreSQL) is the message's sender as yet unread: the statement finds or
    records them, and writes their last-message time when it is older than `touch_before`.
    """
    rules, day = VoteRules.from_settings(c), now.astimezone(tz).date()
    follower = user.subscribed or not rules.followers_only
    if session.get_bind().dialect.name == "postgresql":
        return _cast_in_one_call(session, user, number, now, day, rules, tz, follower, touch_before)
    return _cast_step_by_step(session, user, number, now, day, rules, tz, follower)


def _entry_key(number: int) -> int:
    """The number to look the entry up by: the one typed, or 0 (none's: entries count from 1) for
    one no column holds; the refusal still shows the number typed."""
    return number if is_key(number) else 0


# One round trip: contest_cast_vote() (migration 0021) takes the contest's shared lock, finds the
# voter (recording one never seen, marking one recorded as gone a follower again and writing their
# last-message time when due, unless a dialog of theirs is open: then nothing is done and the
# message is routed again, see bot/dispatch.py), reads the round, the entry and the blacklist,
# raises both quota counters by upserts, writes the vote and raises the entry's counter; it returns
# where it stopped, and the other entries' counts for the standing. PL/pgSQL keeps the plans of
# its statements for the connection and runs only the steps a vote reaches; the same steps as one
# statement of 19 common table expressions, every one set up on each execution, cost the server
# 427 to 480 us of CPU per vote against 250 to 367 (docs/performance.md).
CAST = text("SELECT contest_cast_vote(:lock_key, :user_id, :subscribed, :openid, :now, :touch_before, "
            ":month, :number, :follower, :day, :per_day, :per_entry_day, :per_round, :rate_since)")
REFUSED_SQLSTATE = "YV001"  # raised by contest_cast_vote() when it undoes itself


class _Refused(Exception):
    """CAST failed on purpose: a quota rule refused the vote, or the round ended meanwhile.

    `used` is the error's DETAIL: [month, the voter's votes today, for the entry today, for the
    entry in the round (each before this vote), the previous vote's time]."""

    def __init__(self, used: list[Any]) -> None:
        super().__init__("refused")
        self.used = used


class DialogOpen(Exception):
    """The voter, unknown to the caller, has a dialog open: nothing was done, and the message is
    the dialog's to route (a vote there is counted in the message's transaction)."""


def _run(session: Session, params: dict[str, Any]) -> list[Any]:
    """Run CAST as the driver's SQL; the parameters are already in the columns' stored forms.

    Its one value is one JSON array (the driver and SQLAlchemy describe every column of every
    result, which cost more than the 15 values themselves); times come back as ISO text. In
    autocommit the statement is its own transaction; inside the caller's, a savepoint keeps a
    refusal from aborting it.
    """
    try:
        if getattr(session.connection().connection.driver_connection, "autocommit", False):
            row = run_driver_sql(session, CAST, params)
        else:
            with session.begin_nested():
                row = run_driver_sql(session, CAST, params)
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == REFUSED_SQLSTATE:
            raise _Refused(json.loads(exc.orig.diag.message_detail)) from None  # type: ignore[union-attr]
        raise
    assert row is not None  # the statement always returns its one row
    values: list[Any] = row[0]
    return values


def _cast_in_one_call(session: Session, user: User, number: int, now: dt.datetime,
                           day: dt.date, rules: VoteRules, tz: ZoneInfo, follower: bool,
                           touch_before: dt.datetime) -> Cast:
    """PostgreSQL: the whole vote in one call; a refusal is explained from what it returned, or,
    when it undid itself, from what its error says the voter had used."""
    params = {"lock_key": CONTEST_LOCK, "month": month_of(now, tz), "number": _entry_key(number),
              "openid": user.openid, "now": stored_utc(now), "follower": follower, "user_id": user.id,
              "subscribed": bool(user.subscribed), "day": day, "per_day": rules.per_day,
              "per_entry_day": rules.per_entry_per_day, "per_round": rules.per_entry_per_round,
              "rate_since": stored_utc(now - dt.timedelta(seconds=rules.min_seconds)),
              "touch_before": stored_utc(touch_before)}
    try:
        (round_id, month, state, opens, closes, entry_id, num, name, listed, v_today, vote_id,
         votes, count, others, dialog_open) = _run(session, params)
    except _Refused as refused:
        _explain(refused.used, rules, now)
    if dialog_open:
        raise DialogOpen(user.openid)
    if round_id is None:
        raise VoteRefused(Refusal.NO_ROUND)
    _check_window(state, json_utc(opens), json_utc(closes), month, now, tz)
    if entry_id is None:
        raise VoteRefused(Refusal.NO_SUCH_ENTRY, number=number, count=count)
    _check_voter(bool(listed), follower)
    assert vote_id is not None and votes is not None  # otherwise the statement failed on purpose
    rank, tied, gap, lead = standing(votes, list(others or []))
    return Cast(vote_id, entry_id, num, name, month, rules.per_day - v_today, votes, rank, tied,
                gap, lead)


def _explain(used: list[Any], rules: VoteRules, now: dt.datetime) -> NoReturn:
    """Raise the rule that refused a vote which undid itself (or: it ended while it waited)."""
    month, today, entry_today, entry_round, prev_at = used
    prev = json_utc(prev_at)
    usage = Usage(today, entry_today, entry_round, None if prev is None else (now - prev).total_seconds())
    if refusal(rules, usage) is None:  # within every quota: the round ended while the vote waited
        raise VoteRefused(Refusal.ENDED, month=month)
    _refuse(rules, usage)


def _check_window(state: str, opens: dt.datetime | None, closes: dt.datetime | None, month: str,
                  now: dt.datetime, tz: ZoneInfo) -> None:
    """Refuse a vote outside the round's window."""
    if opens is None or closes is None:
        raise VoteRefused(Refusal.NO_ROUND)
    if state != RoundState.VOTING or now >= closes:
        raise VoteRefused(Refusal.ENDED, month=month)
    if now < opens:
        raise VoteRefused(Refusal.NOT_OPEN, opens=opens.astimezone(tz))


def _check_voter(blacklisted: bool, follower: bool) -> None:
    """Refuse blacklisted voters and, when the rules say so, non-followers."""
    if blacklisted:
        raise VoteRefused(Refusal.BLACKLISTED)
    if not follower:
        raise VoteRefused(Refusal.NOT_FOLLOWER)


def _refuse(rules: VoteRules, usage: Usage) -> NoReturn:
    """Raise the quota rule the vote broke."""
    broken = refusal(rules, usage)
    assert broken is not None  # the vote row is only missing when a quota rule said no
    raise VoteRefused(broken, **refusal_details(broken, rules, usage))


def _cast_step_by_step(session: Session, user: User, number: int, now: dt.datetime, day: dt.date,
                       rules: VoteRules, tz: ZoneInfo, follower: bool) -> Cast:
    """SQLite: the same steps, one statement each, under its single writer lock.

    The voter's quota is raised first: that write takes the lock (pysqlite begins a transaction at
    the first write), so the round is read after any close or void that committed before.
    """
    v_today, prev = _raise_voter_quota(session, user.id, day, now)
    row = shown_round(session, month_of(now, tz))
    if row is None:
        raise VoteRefused(Refusal.NO_ROUND)
    _check_window(row.state, row.opens_at, row.closes_at, row.month, now, tz)
    listed = select(Blacklisted.id).where(Blacklisted.openid == user.openid).exists()
    found = session.execute(select(Entry, listed).where(Entry.round_id == row.id,
                                                        Entry.number == _entry_key(number))).first()
    if found is None:
        count = session.scalar(select(func.count(Entry.id)).where(Entry.round_id == row.id))
        raise VoteRefused(Refusal.NO_SUCH_ENTRY, number=number, count=count)
    entry = found[0]
    _check_voter(bool(found[1]), follower)
    e_today, e_total = _raise_entry_quota(session, user.id, entry.id, day)
    usage = Usage(v_today - 1, e_today - 1, e_total - 1,
                  None if prev is None else (now - prev).total_seconds())
    if refusal(rules, usage) is not None:
        _refuse(rules, usage)
    stmt = insert(Vote).values(round_id=row.id, entry_id=entry.id, user_id=user.id, openid=user.openid,
                               cast_at=now, day=day, status=VoteStatus.VALID)
    vote_id = session.execute(stmt.returning(Vote.id)).scalar_one()
    votes = session.execute(update(Entry).where(Entry.id == entry.id)
                            .values(valid_votes=Entry.valid_votes + 1).returning(Entry.valid_votes)
                            .execution_options(synchronize_session=False)).scalar_one()
    others = list(session.scalars(select(Entry.valid_votes).where(Entry.round_id == row.id,
                                                                  Entry.id != entry.id)))
    rank, tied, gap, lead = standing(votes, others)
    return Cast(vote_id, entry.id, entry.number, entry.name, row.month, rules.per_day - v_today, votes,
                rank, tied, gap, lead)


def _raise_voter_quota(session: Session, user_id: int, day: dt.date,
                       now: dt.datetime) -> tuple[int, dt.datetime | None]:
    """Count the vote in the voter's day; returns the day's votes with it and the previous vote's time."""
    q = VoterQuota.__table__.c
    stmt = sqlite_insert(VoterQuota).values(user_id=user_id, day=day, today=1, last_at=now, prev_at=None)
    stmt = stmt.on_conflict_do_update(index_elements=[q.user_id], set_={
        "today": _same_day_plus_one(q.day, q.today, stmt.excluded.day), "day": stmt.excluded.day,
        "prev_at": q.last_at, "last_at": func.max(q.last_at, stmt.excluded.last_at)})
    today, prev = session.execute(stmt.returning(q.today, q.prev_at)).one()
    return today, prev


def _raise_entry_quota(session: Session, user_id: int, entry_id: int, day: dt.date) -> tuple[int, int]:
    """Count the vote for the entry; returns the voter's votes for it that day and in all."""
    q = EntryQuota.__table__.c
    stmt = sqlite_insert(EntryQuota).values(user_id=user_id, entry_id=entry_id, day=day, today=1, total=1)
    stmt = stmt.on_conflict_do_update(index_elements=[q.user_id, q.entry_id], set_={
        "today": _same_day_plus_one(q.day, q.today, stmt.excluded.day), "day": stmt.excluded.day,
        "total": q.total + 1})
    today, total = session.execute(stmt.returning(q.today, q.total)).one()
    return today, total


def _same_day_plus_one(day: Any, today: Any, new_day: Any) -> Any:
    """The day's count raised by one, or 1 on a new day."""
    return case((day == new_day, today + 1), else_=1)


def is_blacklisted(session: Session, openid: str) -> bool:
    """Whether the follower's votes are refused."""
    return session.scalar(select(Blacklisted.id).where(Blacklisted.openid == openid)) is not None


__all__ = ["Blacklisted", "Cast", "DialogOpen", "EntryQuota", "Refusal", "Usage", "Vote", "VoteRefused",
           "VoteRules", "VoteStatus", "VoterQuota", "cast_vote", "is_blacklisted",
           "refusal", "refusal_details", "standing"]
