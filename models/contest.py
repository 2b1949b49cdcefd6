"""The design contest's public API, used alike by chat, the CLI, the scheduler and announcements.

The tables and rules live in contest_rounds (rounds, showcase), contest_votes (the vote: its rows,
rules, refusals and statement), contest_rank (ranking), contest_fraud (voids, bursts, blacklist
administration, log) and contest_close (close, frozen file, results). The live board is read from
the entries' counters in SQL (one statement, cheaper than the Redis cache it replaced).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.settings import Settings
from models.accounts import User
from models.contest_close import Results, close_round, due_for_close, file_digest, mark_announced, results
from models.contest_judges import load_judges
from models.contest_rank import Standing, Tally, live_board
from models.contest_rounds import ContestError, Entry, Round, RoundState, entries, get_round, month_of, shown_round
from models.contest_votes import Cast, Refusal, Vote, VoteRefused, VoteStatus, cast_vote
from models.filing import Filing, FilingItem
from models.orgs import Organisation

__all__ = [
    "Cast",
    "ContestError",
    "Refusal",
    "Results",
    "Round",
    "RoundState",
    "Standing",
    "VoteRefused",
    "board",
    "close_round",
    "due_for_close",
    "entries",
    "file_digest",
    "load_judges",
    "mark_announced",
    "org_metrics",
    "results",
    "vote",
]


@dataclasses.dataclass(frozen=True)
class OrgMetrics:
    """What an organisation's showcased projects earned (plan measure 2: it counts toward them)."""

    valid_votes: int
    registrations: int


def tz_of(settings: Settings) -> ZoneInfo:
    """The contest's time zone (the scheduler's)."""
    return ZoneInfo(settings.scheduler.timezone)


def vote(session: Session, user: User, number: int, now: dt.datetime, settings: Settings) -> Cast:
    """Cast a vote in the round being shown now; raise VoteRefused (and roll back) when the rules say no."""
    touch_before = now - dt.timedelta(seconds=settings.accounts.touch_interval_seconds)
    return cast_vote(session, user, number, now, settings.contest, tz_of(settings), touch_before)


def board(session: Session, row: Round) -> list[Standing]:
    """The live leaderboard of a round, from the entries' counters, in one statement."""
    stmt = select(Entry).where(Entry.round_id == row.id).order_by(Entry.number)
    tallies = [Tally(e.id, e.number, e.item_id, e.org_id, e.name, e.valid_votes, None)
               for e in session.scalars(stmt)]
    return live_board(tallies)


def org_metrics(session: Session, org_id: int, month: str | None = None) -> OrgMetrics:
    """Valid contest votes on the organisation's projects, and their actual registrations."""
    votes = (select(func.count(Vote.id)).join(Entry, Entry.id == Vote.entry_id)
             .where(Entry.org_id == org_id, Vote.status == VoteStatus.VALID))
    regs = (select(func.coalesce(func.sum(FilingItem.actual_registrations), 0))
            .join(Filing, Filing.id == FilingItem.filing_id).where(Filing.org_id == org_id))
    if month is not None:
        votes = votes.join(Round, Round.id == Entry.round_id).where(Round.month == month)
    return OrgMetrics(session.scalar(votes) or 0, session.scalar(regs) or 0)


def round_for_chat(session: Session, now: dt.datetime, settings: Settings) -> Round | None:
    """The round chat shows at this moment."""
    return shown_round(session, month_of(now, tz_of(settings)))


def round_of(session: Session, month: str) -> Round:
    """A month's round that must exist (operator commands)."""
    row = get_round(session, month)
    if row is None:
        raise ContestError("contest.error.no_round", month=month)
    return row


def showcase(session: Session, round_id: int) -> list[tuple[Entry, Organisation, FilingItem]]:
    """A round's entries with their organisation and filed activity, in number order."""
    stmt = (select(Entry, Organisation, FilingItem).join(Organisation, Organisation.id == Entry.org_id)
            .join(FilingItem, FilingItem.id == Entry.item_id).where(Entry.round_id == round_id)
            .order_by(Entry.number))
    return [(e, o, i) for e, o, i in session.execute(stmt).all()]
