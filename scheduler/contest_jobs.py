"""The contest's scheduled jobs, with the jobs' signature: close, announce, rebuild the caches."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select

from bot.services import Services
from models.announce import announce
from models.contest_rounds import Round, RoundState
from scheduler.contest import close_due_rounds, refresh_leaderboards

log = logging.getLogger(__name__)


def close_rounds(services: Services, now: dt.datetime) -> None:
    """Close every round whose voting window has ended (last month's, and any missed before)."""
    close_due_rounds(services)


def announce_rounds(services: Services, now: dt.datetime) -> None:
    """Queue the announcement of every closed, unannounced round (when [announce] auto is on)."""
    if not services.settings.announce.auto:
        return
    close_due_rounds(services)  # jobs may run in any order after a restart: close first
    with services.db.session() as session:
        months = list(session.scalars(select(Round.month).where(Round.state == RoundState.CLOSED)
                                      .order_by(Round.month)))
    for month in months:
        with services.db.session() as session:
            done = announce(session, services.settings, month, now)
        log.info("scheduler: announced %s: %s", month, done)


def rebuild_leaderboards(services: Services, now: dt.datetime) -> None:
    """Rebuild the leaderboard cache of every round being voted on, from SQL."""
    refresh_leaderboards(services)
