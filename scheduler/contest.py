"""Contest jobs: close ended rounds, announce closed ones, rebuild the leaderboard caches."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select

from bot.services import Services
from models.announce import announce
from models.contest_board import refresh_all
from models.contest_close import close_round, due_for_close
from models.contest_rounds import Round, RoundState

log = logging.getLogger(__name__)
DAY = 86400


def close_rounds(services: Services, now: dt.datetime) -> None:
    """Close every round whose voting window has ended (last month's, and any missed before)."""
    with services.db.session() as session:
        months = due_for_close(session, now)
    for month in months:
        with services.db.session() as session:
            close_round(session, month, services.settings.contest, now, actor="scheduler")
        log.info("scheduler: closed the %s round", month)


def announce_rounds(services: Services, now: dt.datetime) -> None:
    """Queue the announcement of every closed, unannounced round (when [announce] auto is on)."""
    if not services.settings.announce.auto:
        return
    close_rounds(services, now)  # jobs may run in any order after a restart: close first
    with services.db.session() as session:
        months = list(session.scalars(select(Round.month).where(Round.state == RoundState.CLOSED)
                                      .order_by(Round.month)))
    for month in months:
        with services.db.session() as session:
            done = announce(session, services.settings, month, now)
        log.info("scheduler: announced %s: %s", month, done)


def rebuild_leaderboards(services: Services, now: dt.datetime) -> None:
    """Rebuild the leaderboard cache of every round being voted on, from SQL."""
    ttl = services.settings.contest.leaderboard_ttl_days * DAY
    with services.db.session() as session:
        refresh_all(services.store, session, ttl)
