"""Contest jobs for the scheduler: thin shells over the same domain functions as chat and CLI."""
from __future__ import annotations

import logging

from bot.services import Services
from models import contest
from models.contest_fraud import flag_bursts

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


def flag_vote_bursts(services: Services) -> list[int]:
    """Flag the projects whose votes burst now and alert the admins; returns the flagged entries."""
    with services.db.session() as session:
        return flag_bursts(session, services.now(), services.settings.contest,
                           services.settings.admins.openids)
