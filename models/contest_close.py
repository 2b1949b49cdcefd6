"""Closing a round: the final ranking, the winners, and the frozen, checkable count."""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.settings import ContestSettings
from models.contest_fraud import record
from models.contest_rank import Standing, final_board, tally
from models.contest_rounds import ContestError, Entry, Round, RoundState, entries, get_round, lock_round
from models.contest_votes import Vote, VoteStatus

EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclasses.dataclass(frozen=True)
class Results:
    """A closed round's outcome, as the announcement and chat show it."""

    month: str
    state: str
    standings: tuple[Standing, ...]
    digest: str | None
    path: str | None

    @property
    def winners(self) -> tuple[Standing, ...]:
        """The winning entries in rank order."""
        return tuple(s for s in self.standings if s.winner)


def check_closable(row: Round, now: dt.datetime, tz: dt.tzinfo) -> None:
    """Refuse to close a round whose voting has not ended yet (the winners would be premature)."""
    if row.state != RoundState.VOTING or row.closes_at is None or now >= row.closes_at:
        return
    closes = f"{row.closes_at.astimezone(tz) - dt.timedelta(seconds=1):%Y-%m-%d %H:%M:%S}"
    if row.opens_at is not None and now < row.opens_at:
        raise ContestError("contest.close.not_open", month=row.month, closes=closes,
                           opens=f"{row.opens_at.astimezone(tz):%Y-%m-%d %H:%M}")
    raise ContestError("contest.close.still_open", month=row.month, closes=closes)


def check_voidable(row: Round) -> None:
    """Refuse to void votes of a round that is not voting (a closed count is frozen)."""
    if row.state in (RoundState.CLOSED, RoundState.ANNOUNCED):
        raise ContestError("contest.void.closed", month=row.month)
    if row.state != RoundState.VOTING:
        raise ContestError("contest.void.not_open", month=row.month)


def close_round(session: Session, month: str, c: ContestSettings, now: dt.datetime,
                actor: str) -> Results:
    """End voting, rank, fix the winners and freeze the count; closing twice changes nothing."""
    row = get_round(session, month)
    if row is None or row.state == RoundState.SHORTLISTING:
        raise ContestError("contest.error.no_shortlist", month=month)
    if lock_round(session, row.id, [RoundState.VOTING]) is None:
        session.refresh(row)
        return results(session, month)  # already closed by someone else: same outcome
    _, tallies = tally(session, row.id)
    board = final_board(tallies, c.judges_weight, c.winners, EPOCH)
    _store_board(session, row.id, board)
    path, digest = freeze(session, row, board, c, now)
    row.state, row.closed_at = RoundState.CLOSED, now
    row.frozen_path, row.frozen_sha256 = str(path), digest
    record(session, row.id, "close", actor, now, winners=[s.number for s in board if s.winner],
           sha256=digest)
    session.flush()
    return results(session, month)


def _store_board(session: Session, round_id: int, board: list[Standing]) -> None:
    """Write the final places on the entries."""
    by_number = {e.number: e for e in entries(session, round_id)}
    for s in board:
        entry = by_number[s.number]
        entry.final_votes, entry.final_score = s.votes, s.score
        entry.final_rank, entry.winner = s.rank, s.winner


def frozen_document(session: Session, row: Round, board: list[Standing], c: ContestSettings,
                    now: dt.datetime) -> dict[str, Any]:
    """Everything needed to recount: rules, per-entry results, and every valid vote."""
    numbers = {e.id: e.number for e in entries(session, row.id)}
    stmt = (select(Vote.id, Vote.entry_id, Vote.openid, Vote.cast_at)
            .where(Vote.round_id == row.id, Vote.status == VoteStatus.VALID).order_by(Vote.id))
    votes = [{"id": v.id, "entry": numbers[v.entry_id], "voter": voter_hash(row.month, v.openid),
              "cast_at": v.cast_at.isoformat()} for v in session.execute(stmt)]
    return {"month": row.month, "closed_at": now.isoformat(), "winners_places": c.winners,
            "judges_weight": c.judges_weight,
            "entries": [_entry_doc(s) for s in board], "valid_votes": len(votes), "votes": votes}


def _entry_doc(s: Standing) -> dict[str, Any]:
    return {"number": s.number, "item_id": s.item_id, "org_id": s.org_id, "name": s.name,
            "valid_votes": s.votes, "judge_score": s.judge_score, "score": s.score, "rank": s.rank,
            "winner": s.winner, "reached_at": s.reached_at.isoformat() if s.reached_at else None}


def voter_hash(month: str, openid: str) -> str:
    """A voter's stable pseudonym in a published file (openids stay private)."""
    return hashlib.sha256(f"{month}:{openid}".encode()).hexdigest()[:16]


def freeze(session: Session, row: Round, board: list[Standing], c: ContestSettings,
           now: dt.datetime) -> tuple[Path, str]:
    """Write the frozen file atomically and return its path and SHA-256."""
    doc = frozen_document(session, row, board, c, now)
    data = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1).encode()
    path = Path(c.frozen_dir) / f"{row.month}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path, hashlib.sha256(data).hexdigest()


def file_digest(path: str | Path) -> str:
    """The SHA-256 of a file, to check a frozen count."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def results(session: Session, month: str) -> Results:
    """The round's final standings and frozen-file digest (empty standings before the close)."""
    row = get_round(session, month)
    if row is None:
        raise ContestError("contest.error.no_round", month=month)
    if row.state not in (RoundState.CLOSED, RoundState.ANNOUNCED):
        return Results(month, row.state, (), None, None)
    board = [Standing(e.number, e.item_id, e.org_id, e.name, e.final_votes or 0,
                      e.final_score or 0.0, e.final_rank or 0, e.winner, e.judge_score)
             for e in entries(session, row.id)]
    board.sort(key=lambda s: (s.rank, s.number))
    return Results(month, row.state, tuple(board), row.frozen_sha256, row.frozen_path)


def mark_announced(session: Session, month: str, now: dt.datetime) -> bool:
    """Move a closed round to announced; False when it was not closed (or already announced)."""
    row = get_round(session, month)
    if row is None or row.state != RoundState.CLOSED:
        return False
    row.state, row.announced_at = RoundState.ANNOUNCED, now
    return True


def due_for_close(session: Session, now: dt.datetime) -> list[str]:
    """Months whose voting window has ended but that are still open (the scheduler closes them)."""
    stmt = (select(Round.month).where(Round.state == RoundState.VOTING, Round.closes_at <= now)
            .order_by(Round.month))
    return list(session.scalars(stmt))


def entry_of(session: Session, round_id: int, number: int) -> Entry:
    """An entry that must exist (operator commands)."""
    row = session.scalar(select(Entry).where(Entry.round_id == round_id, Entry.number == number))
    if row is None:
        raise ContestError("contest.error.no_entry", number=number)
    return row
