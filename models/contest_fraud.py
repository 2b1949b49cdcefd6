"""Fraud: voids (automatic and manual, always with a reason), bursts, the blacklist, the log.

Bursts are found by a scheduled job (flag_bursts), not by each vote: votes stay valid while
flagged, so nothing is lost by looking every few minutes instead of on every vote.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any, cast

from sqlalchemy import JSON, ForeignKey, String, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.settings import ContestSettings
from core.texts import t
from models.base import Base, utcnow
from models.contest_rounds import Entry, Round, RoundState, lock_round
from models.contest_votes import Blacklisted, Vote, VoteStatus, is_blacklisted
from models.outbox import Channel, enqueue

log = logging.getLogger(__name__)
SYSTEM = "system"


class ContestLog(Base):
    """The contest's open record: every void, flag, blacklisting, judges' load and close."""

    __tablename__ = "contest_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("contest_rounds.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


@dataclasses.dataclass(frozen=True)
class VoidScope:
    """Which valid votes of a round to void."""

    openid: str | None = None
    entry_id: int | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None  # exclusive; with since, a time span


def record(session: Session, round_id: int | None, action: str, actor: str,
           now: dt.datetime, **detail: Any) -> None:
    """Write one line of the contest log (and the process log)."""
    session.add(ContestLog(round_id=round_id, action=action, actor=actor, detail=detail, at=now))
    log.info("contest %s by %s: %s", action, actor, detail)


def void_votes(session: Session, row: Round, scope: VoidScope, reason: str, actor: str,
               now: dt.datetime) -> int:
    """Void the round's matching valid votes with a reason; returns how many."""
    if lock_round(session, row.id, [RoundState.VOTING]) is None:
        return 0  # a closed round's count is frozen: voids no longer apply
    conds = [Vote.round_id == row.id, Vote.status == VoteStatus.VALID]
    if scope.openid is not None:
        conds.append(Vote.openid == scope.openid)
    if scope.entry_id is not None:
        conds.append(Vote.entry_id == scope.entry_id)
    if scope.since is not None:
        conds.append(Vote.cast_at >= scope.since)
    if scope.until is not None:
        conds.append(Vote.cast_at < scope.until)
    stmt = (update(Vote).where(*conds).values(status=VoteStatus.VOID, void_reason=reason,
                                               voided_by=actor, voided_at=now)
            .execution_options(synchronize_session=False))
    count = cast(CursorResult[Any], session.execute(stmt)).rowcount or 0
    recount(session, row.id)
    record(session, row.id, "void", actor, now, reason=reason, count=count, openid=scope.openid,
           entry_id=scope.entry_id, since=scope.since.isoformat() if scope.since else None,
           until=scope.until.isoformat() if scope.until else None)
    return count


def recount(session: Session, round_id: int) -> None:
    """Reset the round's counters from its valid votes (after voids, under the round lock)."""
    valid = (select(func.count(Vote.id)).where(Vote.entry_id == Entry.id, Vote.status == VoteStatus.VALID)
             .scalar_subquery())
    session.execute(update(Entry).where(Entry.round_id == round_id).values(valid_votes=valid)
                    .execution_options(synchronize_session=False))


def void_on_unsubscribe(session: Session, openid: str, now: dt.datetime, hours: int,
                        reason: str) -> list[str]:
    """Void the votes an unfollower cast in the last `hours`; returns the months touched."""
    since = now - dt.timedelta(hours=hours)
    stmt = (select(Round).join(Vote, Vote.round_id == Round.id)
            .where(Vote.openid == openid, Vote.status == VoteStatus.VALID, Vote.cast_at >= since,
                   Round.state == RoundState.VOTING).distinct())
    touched = []
    for row in session.scalars(stmt).all():
        if void_votes(session, row, VoidScope(openid=openid, since=since), reason, SYSTEM, now):
            touched.append(row.month)
    return touched


def blacklist_add(session: Session, openid: str, reason: str, actor: str, now: dt.datetime) -> bool:
    """Refuse a follower's future votes; False when already listed."""
    if is_blacklisted(session, openid):
        return False
    session.add(Blacklisted(openid=openid, reason=reason, added_by=actor, added_at=now))
    record(session, None, "blacklist.add", actor, now, openid=openid, reason=reason)
    return True


def blacklist_remove(session: Session, openid: str, actor: str, now: dt.datetime) -> bool:
    """Accept a follower's votes again; False when not listed."""
    row = session.scalar(select(Blacklisted).where(Blacklisted.openid == openid))
    if row is None:
        return False
    session.delete(row)
    record(session, None, "blacklist.remove", actor, now, openid=openid)
    return True


def is_burst(recent: int, baseline: int, c: ContestSettings) -> bool:
    """Votes in the window far above the entry's own rate over the baseline hours before it."""
    windows = c.burst_baseline_hours * 60 / c.burst_window_minutes
    expected = baseline / windows
    return recent >= c.burst_min_votes and recent >= c.burst_factor * max(expected, 1.0)


def could_burst(recent: int, c: ContestSettings) -> bool:
    """Whether the window's votes can be a burst at all, whatever the baseline (is_burst needs
    at least burst_min_votes and the factor times at least one expected vote)."""
    return recent >= c.burst_min_votes and recent >= c.burst_factor


def flag_bursts(session: Session, now: dt.datetime, c: ContestSettings, admins: list[str]) -> list[int]:
    """Flag the entries of the rounds being voted on whose votes burst (votes stay valid) and
    alert the admins once per burst; returns the flagged entries' ids."""
    window_start = now - dt.timedelta(minutes=c.burst_window_minutes)
    base_start = window_start - dt.timedelta(hours=c.burst_baseline_hours)
    voting = select(Round.id).where(Round.state == RoundState.VOTING)
    stmt = (select(Vote.entry_id, func.count(Vote.id).filter(Vote.cast_at >= window_start),
                   func.count(Vote.id).filter(Vote.cast_at < window_start))
            .where(Vote.round_id.in_(voting), Vote.cast_at >= base_start, Vote.cast_at <= now)
            .group_by(Vote.entry_id).order_by(Vote.entry_id))
    flagged = []
    for entry_id, recent, baseline in session.execute(stmt).all():
        if could_burst(recent, c) and is_burst(recent, baseline, c):
            _flag(session, entry_id, recent, baseline, window_start, now, c, admins)
            flagged.append(entry_id)
    return flagged


def _flag(session: Session, entry_id: int, recent: int, baseline: int, window_start: dt.datetime,
          now: dt.datetime, c: ContestSettings, admins: list[str]) -> None:
    """Mark one entry as bursting; log and alert only when it was not flagged in this window."""
    entry = session.get(Entry, entry_id)
    assert entry is not None
    already = entry.flagged_at is not None and entry.flagged_at >= window_start
    entry.flagged_at, entry.flag_reason = now, f"burst {recent} / baseline {baseline}"
    if not already:  # one log line and one alert per burst, not per look inside it
        record(session, entry.round_id, "flag", SYSTEM, now, entry=entry.number, recent=recent,
               baseline=baseline)
        text = t("contest.burst.alert", month=_month(session, entry), number=entry.number,
                 name=entry.name, minutes=c.burst_window_minutes, recent=recent)
        _alert_admins(session, entry, admins, text, c, now)


def _month(session: Session, entry: Entry) -> str:
    return session.scalar(select(Round.month).where(Round.id == entry.round_id)) or ""


def _alert_admins(session: Session, entry: Entry, admins: list[str], text: str,
                  c: ContestSettings, now: dt.datetime) -> None:
    """Queue the burst alert to every platform admin (idempotent per entry and minute)."""
    for openid in admins:
        key = f"contest.burst:{entry.round_id}:{entry.number}:{now:%Y%m%d%H%M}:{openid}"
        payload: dict[str, Any] = {"text": text}
        if c.alert_channel == Channel.TEMPLATE:
            payload = {"template": c.alert_template, "data": {"thing1": text[:20]}, "url": ""}
        enqueue(session, key=key, purpose="contest.burst", openid=openid,
                channel=Channel(c.alert_channel), payload=payload, now=now)
