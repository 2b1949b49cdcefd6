"""The registry of scheduled jobs: name -> "module:function".

Every job is `def job(services: Services, now: dt.datetime) -> None`, idempotent (a second run
for the same moment changes nothing) and safe to run late. To add one, add ONE line here and its
time under [scheduler.jobs] in the settings (crontab, Asia/Shanghai; "" = off). The runner takes
the job's lock, makes up runs missed while the scheduler was down, and records each run in SQL.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import logging
from typing import Callable

from bot.services import Services

log = logging.getLogger(__name__)
JobFn = Callable[[Services, dt.datetime], None]

JOBS: dict[str, str] = {
    "close_round": "scheduler.contest_jobs:close_rounds",
    "announce": "scheduler.contest_jobs:announce_rounds",
    "drain_outbox": "scheduler.outbox:drain_outbox",
    "leaderboards": "scheduler.contest_jobs:rebuild_leaderboards",
    "filing_reminder": "scheduler.reminders:filing_reminder",
    "experts_monthly": "scheduler.experts:evaluate_previous_month",
    "experts_quarterly": "scheduler.experts:select_previous_quarter",
}


@dataclasses.dataclass(frozen=True)
class Job:
    """A registered job with its schedule."""

    name: str
    fn: JobFn
    cron: str


def resolve(target: str) -> JobFn | None:
    """Import a job's function; None when its module is not part of this installation."""
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise  # the module exists but is broken: fail loudly
        return None
    return getattr(module, attr)


def enabled_jobs(services: Services) -> list[Job]:
    """The registered jobs that have a time in the settings and whose code is installed."""
    crons = services.settings.scheduler.jobs
    jobs = []
    for name, target in JOBS.items():
        cron = crons.get(name, "").strip()
        fn = resolve(target) if cron else None
        if cron and fn is None:
            log.warning("scheduler: job %s (%s) is not installed; not scheduled", name, target)
        if fn is not None:
            jobs.append(Job(name, fn, cron))
    return jobs
