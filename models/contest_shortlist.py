"""Fixing a month's showcase: its entries numbered in order, while no vote has been cast on it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models.contest_rounds import ContestError, Entry, Round, RoundState, candidates, ensure_round
from models.contest_votes import Vote


def shortlist(session: Session, month: str, item_ids: Sequence[int], size: int,
              window: tuple[dt.datetime, dt.datetime], now: dt.datetime) -> Round:
    """Fix the showcase: the given activities, numbered 1..N in the order given."""
    row = ensure_round(session, month)
    _check_can_shortlist(session, row, item_ids, size)
    pool = {item.id: (item, org) for item, org in candidates(session, month)}
    missing = [i for i in item_ids if i not in pool]
    if missing:
        raise ContestError("contest.error.not_candidates", month=month, items=tuple(missing))
    session.execute(delete(Entry).where(Entry.round_id == row.id))
    for number, item_id in enumerate(item_ids, start=1):
        item, org = pool[item_id]
        session.add(Entry(round_id=row.id, number=number, item_id=item.id, org_id=org, name=item.name))
    row.opens_at, row.closes_at = window
    row.state, row.shortlisted_at = RoundState.VOTING, now
    session.flush()
    return row


def _check_can_shortlist(session: Session, row: Round, item_ids: Sequence[int], size: int) -> None:
    """Refuse a showcase that is empty, too big, repeated, or already voted on."""
    if not item_ids or len(item_ids) > size:
        raise ContestError("contest.error.shortlist_size", size=size, count=len(item_ids))
    if len(set(item_ids)) != len(item_ids):
        raise ContestError("contest.error.shortlist_repeated")
    if row.state in (RoundState.CLOSED, RoundState.ANNOUNCED):
        raise ContestError("contest.error.shortlist_closed", month=row.month)
    if session.scalar(select(func.count(Vote.id)).where(Vote.round_id == row.id)):
        raise ContestError("contest.error.shortlist_voted", month=row.month)
