"""Contest jobs for the scheduler: thin shells over the same domain functions as chat and CLI."""
from __future__ import annotations

import logging

from bot.services import Services
from models import contest, contest_board

log = logging.getLogger(__name__)
ACTOR = "scheduler"


def close_due_rounds(services: Services) -> list[str]:
    """Close every round whose voting window has ended (idempotent: a closed round is skipped)."""
    with services.db.session() as session:
        months = contest.due_for_close(session, services.now())
    closed = []
    for month in months:
        with services.db.session() as session:
            contest.close_round(session, month, services.settings.contest, services.now(), ACTOR)
        closed.append(month)
        log.info("contest: closed %s", month)
    return closed


def refresh_leaderboards(services: Services) -> list[str]:
    """Rebuild the leaderboard caches of the rounds being voted on from SQL."""
    ttl = services.settings.contest.leaderboard_ttl_days * 86400
    with services.db.session() as session:
        return contest_board.refresh_all(services.store, session, ttl)
