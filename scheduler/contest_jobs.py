"""The contest's scheduled jobs, with the jobs' signature: close, announce, flag vote bursts."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select

from bot.services import Services
from models.announce import announce
from models.contest_rounds import Round, RoundState
from scheduler.contest import close_due_rounds, flag_vote_bursts

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


def flag_bursts(services: Services, now: dt.datetime) -> None:
    """Flag the projects whose votes burst (the votes stay valid) and alert the platform admins."""
    flag_vote_bursts(services)
