"""Counting and ranking: the live leaderboard (ties 1, 2, 2, 4) and the final cut."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from models.contest_rounds import Entry, Round
from models.contest_votes import Vote, VoteStatus


@dataclasses.dataclass(frozen=True)
class Tally:
    """One entry's valid votes, and when it reached that count."""

    entry_id: int
    number: int
    item_id: int
    org_id: int
    name: str
    votes: int
    reached_at: dt.datetime | None    # the cast time of its last valid vote
    judge_score: float | None = None


@dataclasses.dataclass(frozen=True)
class Standing:
    """One entry's place on a board."""

    number: int
    item_id: int
    org_id: int
    name: str
    votes: int
    score: float
    rank: int
    winner: bool = False
    judge_score: float | None = None
    reached_at: dt.datetime | None = None


def tally(session: Session, round_id: int) -> tuple[int, list[Tally]]:
    """The round's version and every entry's valid votes, read in one statement (one snapshot)."""
    valid = and_(Vote.entry_id == Entry.id, Vote.status == VoteStatus.VALID)
    cols = (Entry.id, Entry.number, Entry.item_id, Entry.org_id, Entry.name, Entry.judge_score,
            Round.version)
    stmt = (select(*cols, func.count(Vote.id), func.max(Vote.cast_at))
            .join(Round, Round.id == Entry.round_id).outerjoin(Vote, valid)
            .where(Entry.round_id == round_id).group_by(*cols).order_by(Entry.number))
    rows = session.execute(stmt).all()
    if not rows:
        return session.scalar(select(Round.version).where(Round.id == round_id)) or 0, []
    tallies = [Tally(r[0], r[1], r[2], r[3], r[4], r[7], r[8], r[5]) for r in rows]
    return rows[0][6], tallies


def competition_ranks(keys: Sequence[tuple[float, ...]]) -> list[int]:
    """Ranks where equal keys share a place and the next place skips: 1, 2, 2, 4 (higher is better)."""
    ordered = sorted(keys, reverse=True)
    first_seen: dict[tuple[float, ...], int] = {}
    for place, key in enumerate(ordered, start=1):
        first_seen.setdefault(key, place)
    return [first_seen[k] for k in keys]


def live_board(tallies: Sequence[Tally]) -> list[Standing]:
    """The leaderboard during voting: by valid votes, ties sharing a rank, then by number."""
    ranks = competition_ranks([(float(t.votes),) for t in tallies])
    board = [Standing(t.number, t.item_id, t.org_id, t.name, t.votes, float(t.votes), r,
                      judge_score=t.judge_score, reached_at=t.reached_at)
             for t, r in zip(tallies, ranks, strict=True)]
    return sorted(board, key=lambda s: (s.rank, s.number))


def final_score(t: Tally, max_votes: int, judges_weight: float) -> float:
    """Valid votes, or the weighted score (judges 0-100 and votes scaled to 0-100)."""
    if judges_weight <= 0:
        return float(t.votes)
    votes_scaled = 100.0 * t.votes / max_votes if max_votes else 0.0
    return round(judges_weight * (t.judge_score or 0.0) + (1 - judges_weight) * votes_scaled, 6)


def cut_key(t: Tally, score: float, epoch: dt.datetime) -> tuple[float, ...]:
    """The published order: score, judges' score, valid votes, then who reached the count first."""
    reached = (t.reached_at or epoch) - epoch
    return (score, t.judge_score or 0.0, float(t.votes), -reached.total_seconds())


def final_board(tallies: Sequence[Tally], judges_weight: float, winners: int,
                epoch: dt.datetime) -> list[Standing]:
    """The closing ranking: a tie still standing after the published order shares the place,
    and every entry placed at or above `winners` wins (so a tie at the cut admits all tied)."""
    max_votes = max((t.votes for t in tallies), default=0)
    scores = [final_score(t, max_votes, judges_weight) for t in tallies]
    ranks = competition_ranks([cut_key(t, s, epoch) for t, s in zip(tallies, scores, strict=True)])
    board = [Standing(t.number, t.item_id, t.org_id, t.name, t.votes, s, r, r <= winners,
                      t.judge_score, t.reached_at)
             for t, s, r in zip(tallies, scores, ranks, strict=True)]
    return sorted(board, key=lambda s: (s.rank, s.number))
