"""Scheduled jobs of the expert alliance: thin, idempotent shells over models.expert_eval.

Both take `(services, now)` and may run as often as the runner likes (hourly, daily): each does
its work at most once per period, and catches up if the scheduler was down on the due day.
"""
from __future__ import annotations

import datetime as dt
import logging

from bot.services import Services
from bot.store import Busy
from core.texts import word
from models.expert_eval import NotReady, evaluate, is_done, month_figures, select_quarter
from models.expert_scores import QuarterStanding
from models.experts import previous_month, quarter_of

log = logging.getLogger(__name__)
LOCK_SECONDS = 300


def evaluate_previous_month(services: Services, now: dt.datetime) -> None:
    """From the configured day on, evaluate last month once its figures have been imported."""
    settings = services.settings.experts
    now = now.astimezone(services.tz)  # the plan's days are Beijing days
    today = now.date()
    if today.day < settings.evaluate_day:
        return
    month = previous_month(today)
    try:
        with (services.store.lock("job:experts.month", timeout=LOCK_SECONDS, wait=0),
              services.db.session() as session):
            if is_done(session, month) or not month_figures(session, month):
                return  # done already, or the operators have not imported the figures yet
            queued = evaluate(session, month, settings, now)
    except Busy:
        return  # another process is evaluating it
    except NotReady as exc:  # figures imported before the month ended: the operators must re-import
        log.warning("experts: %s not evaluated: %s", month, word(exc.phrase))
        return
    log.info("experts: evaluated %s, queued %d notifications", month, queued)


def select_previous_quarter(services: Services, now: dt.datetime) -> None:
    """From the configured day after a quarter ends, choose its top experts once."""
    settings = services.settings.experts
    now = now.astimezone(services.tz)  # the plan's days are Beijing days
    today = now.date()
    started = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)  # this quarter's first day
    if (today - started).days + 1 < settings.quarter_day:
        return
    quarter = quarter_of(previous_month(started))
    try:
        with services.store.lock("job:experts.quarter", timeout=LOCK_SECONDS, wait=0):
            top, queued = _select(services, quarter, now)
    except Busy:
        return  # another process is choosing it
    except NotReady as exc:  # a month of the quarter is not evaluated yet: skip, try again later
        log.warning("experts: %s not chosen: %s", quarter, word(exc.phrase))
        return
    if top is not None:
        log.info("experts: chose %d experts for %s, queued %d notifications", len(top), quarter, queued)


def _select(services: Services, quarter: str, now: dt.datetime) -> tuple[list[QuarterStanding] | None, int]:
    """Choose the quarter unless it was chosen before; (None, 0) when it was."""
    with services.db.session() as session:
        if is_done(session, quarter):
            return None, 0
        top, queued = select_quarter(session, quarter, services.settings.experts,
                                     services.settings.admins.openids, now)
    return top, queued


JOBS = (evaluate_previous_month, select_previous_quarter)
