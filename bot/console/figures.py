"""Read-only figures the console's pages show (the rules stay in models/; this only counts)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.activities import Activity, Registration, RegState
from models.contest_fraud import ContestLog
from models.contest_rounds import Entry, Round, RoundState
from models.contest_votes import Vote, VoteStatus
from models.filing import FilingItem, ReviewState
from models.outbox import OutboxMessage, Status


@dataclasses.dataclass(frozen=True)
class Overview:
    """The campaign at a glance."""

    by_state: dict[str, int]
    activities: int
    registrations: int
    participants: int
    votes_today: int
    published: int
    registered: int
    checked_in: int
    queued: int
    failed: int
    flags: list[tuple[str, Entry]]


@dataclasses.dataclass(frozen=True)
class Flag:
    """One burst flag and its evidence: the window's votes against the project's own baseline."""

    at: dt.datetime
    number: int
    recent: int
    baseline: int
    expected: float


def overview(session: Session, day_start: dt.datetime) -> Overview:
    """Filings by state, activities, votes since the day began, the outbox, open flags."""
    states: dict[str, int] = {str(k): int(v) for k, v in session.execute(
        select(FilingItem.review_state, func.count(FilingItem.id)).group_by(FilingItem.review_state))}
    by_state = {state.value: int(states.get(state.value, 0)) for state in ReviewState}
    regs, parts = session.execute(select(func.coalesce(func.sum(FilingItem.actual_registrations), 0),
                                         func.coalesce(func.sum(FilingItem.actual_participants), 0))).one()
    votes = session.scalar(select(func.count(Vote.id)).where(Vote.cast_at >= day_start,
                                                             Vote.status == VoteStatus.VALID)) or 0
    return Overview(by_state, sum(by_state.values()), int(regs), int(parts), votes,
                    *_activity_loop(session), _outbox(session, (Status.QUEUED, Status.SENDING)),
                    _outbox(session, (Status.FAILED,)), open_flags(session))


def _activity_loop(session: Session) -> tuple[int, int, int]:
    """Activities open for registration, people registered (not waiting), check-ins."""
    published = session.scalar(select(func.count(Activity.id))) or 0
    registered = session.scalar(select(func.count(Registration.id))
                                .where(Registration.state == RegState.REGISTERED)) or 0
    checked = session.scalar(select(func.count(Registration.id))
                             .where(Registration.checked_in_at.is_not(None))) or 0
    return published, registered, checked


def _outbox(session: Session, states: tuple[Status, ...]) -> int:
    return session.scalar(select(func.count(OutboxMessage.id))
                          .where(OutboxMessage.status.in_(states))) or 0


def open_flags(session: Session) -> list[tuple[str, Entry]]:
    """Flagged entries of rounds still being voted on, with their month."""
    stmt = (select(Round.month, Entry).join(Entry, Entry.round_id == Round.id)
            .where(Round.state == RoundState.VOTING, Entry.flagged_at.is_not(None))
            .order_by(Entry.flagged_at.desc()))
    return [(month, entry) for month, entry in session.execute(stmt).all()]


def flags_of(session: Session, round_id: int, windows: float) -> list[Flag]:
    """The round's burst flags from the contest log, oldest first."""
    stmt = (select(ContestLog).where(ContestLog.round_id == round_id, ContestLog.action == "flag")
            .order_by(ContestLog.at, ContestLog.id))
    out = []
    for row in session.scalars(stmt):
        d = row.detail
        baseline = int(d.get("baseline", 0))
        out.append(Flag(row.at, int(d.get("entry", 0)), int(d.get("recent", 0)), baseline,
                        baseline / windows if windows else 0.0))
    return out


def hourly_votes(session: Session, entry_id: int, opens: dt.datetime,
                 hours: int) -> tuple[list[int], list[int]]:
    """Valid and void votes of one entry per hour from the window's opening, `hours` buckets."""
    end = opens + dt.timedelta(hours=hours)
    stmt = select(Vote.cast_at, Vote.status).where(Vote.entry_id == entry_id, Vote.cast_at >= opens,
                                                   Vote.cast_at < end)
    valid, void = [0] * hours, [0] * hours
    for cast_at, status in session.execute(stmt):
        bucket = int((cast_at - opens).total_seconds() // 3600)
        (valid if status == VoteStatus.VALID else void)[bucket] += 1
    return valid, void


def window_hours(opens: dt.datetime, closes: dt.datetime, now: dt.datetime) -> int:
    """Hours of the voting window shown: from its opening to its end, or to this hour if sooner."""
    end = min(closes, max(now, opens))
    return max(1, -int(-(end - opens).total_seconds() // 3600))


def void_counts(session: Session, round_id: int) -> dict[str, int]:
    """The round's votes by status."""
    rows = session.execute(select(Vote.status, func.count(Vote.id)).where(Vote.round_id == round_id)
                           .group_by(Vote.status)).all()
    return {status: int(n) for status, n in rows}
