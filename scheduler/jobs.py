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
from collections.abc import Callable

from bot.services import Services

log = logging.getLogger(__name__)
JobFn = Callable[[Services, dt.datetime], None]

JOBS: dict[str, str] = {
    "close_round": "scheduler.contest_jobs:close_rounds",
    "announce": "scheduler.contest_jobs:announce_rounds",
    "drain_inbox": "scheduler.inbox:drain_inbox",
    "drain_outbox": "scheduler.outbox:drain_outbox",
    "vote_bursts": "scheduler.contest_jobs:flag_bursts",
    "filing_reminder": "scheduler.reminders:filing_reminder",
    "experts_monthly": "scheduler.experts:evaluate_previous_month",
    "experts_quarterly": "scheduler.experts:select_previous_quarter",
    "activity_reminders": "scheduler.activities:remind",
    "activity_rate_invites": "scheduler.activities:invite_ratings",
    "activity_erase": "scheduler.activities:erase_mobiles",
    "purge_drafts": "scheduler.dialogs:purge_drafts",
}


@dataclasses.dataclass(frozen=True)
class Job:
    """A registered job with its schedule."""

    name: str
    fn: JobFn
    cron: str


def resolve(target: str) -> JobFn:
    """Import a job's function from its "module:function" name."""
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def enabled_jobs(services: Services) -> list[Job]:
    """The registered jobs that have a time in the settings."""
    crons = services.settings.scheduler.jobs
    return [Job(name, resolve(target), crons[name].strip())
            for name, target in JOBS.items() if crons.get(name, "").strip()]
