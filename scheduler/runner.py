"""Running one job at most once per due time, across processes, restarts and missed runs."""
from __future__ import annotations

import datetime as dt
import logging

from apscheduler.triggers.cron import CronTrigger

from bot.services import Services
from bot.store import Busy
from core.settings_checks import check_crontab
from models.jobs import JobRun, job_run
from scheduler.jobs import Job

log = logging.getLogger(__name__)
TICK = dt.timedelta(microseconds=1)


def trigger(services: Services, job: Job) -> CronTrigger:
    """The job's crontab from the settings, in the scheduler's time zone."""
    return check_crontab(f"scheduler.jobs.{job.name}", job.cron, services.tz)


def next_due(services: Services, job: Job, covered_until: dt.datetime) -> dt.datetime | None:
    """The first scheduled time after the runs already made."""
    return trigger(services, job).get_next_fire_time(None, covered_until.astimezone(services.tz) + TICK)


def run_if_due(services: Services, job: Job) -> bool:
    """Run the job when a scheduled time has passed since its last run; True when it ran.

    Missed times are coalesced into one run. The store lock keeps two schedulers from running
    the job at once; the SQL row (locked while read) keeps the second from running it again.
    """
    try:
        with services.store.lock(f"job:{job.name}", timeout=services.settings.scheduler.lock_seconds,
                                 wait=0):
            return _run_locked(services, job)
    except Busy:
        log.info("scheduler: %s is running elsewhere; skipped", job.name)
        return False


def _run_locked(services: Services, job: Job) -> bool:
    """Under the job's lock: check, run, record."""
    now = services.now()
    if not _start(services, job, now):
        return False
    log.info("scheduler: running %s", job.name)
    ok = False
    try:
        job.fn(services, now)
        ok = True
    finally:
        _finish(services, job, now, ok)
    return True


def _start(services: Services, job: Job, now: dt.datetime) -> bool:
    """Whether a run is due; a job never run before counts from the start of today."""
    with services.db.session() as session:
        row = job_run(session, job.name, first_cover(services, now))
        due = next_due(services, job, row.covered_until)
        if due is None or due > now:
            return False
        row.started_at = now
        return True


def first_cover(services: Services, now: dt.datetime) -> dt.datetime:
    """Where a new job's books start: just before today's midnight in the scheduler's zone.

    A fresh install must make the day's runs that are already due once (marking them done unrun
    would skip, say, today's reminders); runs of earlier days are not made up for a new job.
    """
    midnight = dt.datetime.combine(now.astimezone(services.tz).date(), dt.time(), services.tz)
    return midnight - TICK


def _finish(services: Services, job: Job, now: dt.datetime, ok: bool) -> None:
    """Record the run; a failed run leaves its time uncovered, so the sweep tries again."""
    with services.db.session() as session:
        row = session.get(JobRun, job.name, with_for_update=True)
        if row is None:
            return
        row.finished_at = services.now()
        row.last_error = None if ok else "运行失败，详见日志"
        if ok:
            row.covered_until, row.runs = now, row.runs + 1
