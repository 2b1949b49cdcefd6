"""APScheduler around the registry: `scheduler run` (external) or inside `flask run` (embedded).

The scheduler must run in exactly one place. External mode: its own process, `flask --app wsgi
scheduler run`. Embedded mode starts it only in the process that `flask run` serves from (the
reloader's child when the reloader is on, never its watcher); gunicorn workers, the CLI and the
tests build the app without it. Even two schedulers by mistake run a job once per due time:
the store lock and the SQL bookkeeping in scheduler/runner.py see to that.
"""
from __future__ import annotations

import atexit
import datetime as dt
import logging
from typing import Any

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from bot.services import Services
from scheduler.jobs import Job, enabled_jobs
from scheduler.runner import run_if_due, trigger

log = logging.getLogger(__name__)


def build(services: Services, blocking: bool) -> BaseScheduler:
    """A scheduler with every enabled job; each also runs once at start to make up missed runs."""
    cfg = services.settings.scheduler
    cls: Any = BlockingScheduler if blocking else BackgroundScheduler
    sched: BaseScheduler = cls(timezone=services.tz, job_defaults={
        "coalesce": True, "max_instances": 1, "misfire_grace_time": cfg.misfire_grace_seconds})
    jobs = enabled_jobs(services)
    start = dt.datetime.now(services.tz)
    for job in jobs:
        sched.add_job(run_if_due, trigger(services, job), args=(services, job), id=job.name,
                      name=job.name, next_run_time=start)
    sched.add_job(sweep, IntervalTrigger(minutes=cfg.sweep_minutes, timezone=services.tz),
                  args=(services, jobs), id="sweep", name="sweep")
    return sched


def sweep(services: Services, jobs: list[Job]) -> None:
    """Make up runs that failed or that APScheduler dropped as misfired."""
    for job in jobs:
        run_if_due(services, job)


def init_app(app: Flask, services: Services) -> None:
    """Start the embedded scheduler when this process is the one `flask run` serves from."""
    if services.settings.scheduler.mode != "embedded" or not serving_from_flask_run():
        return
    sched = build(services, blocking=False)
    sched.start()
    atexit.register(lambda: sched.shutdown(wait=False))
    app.extensions["youthvoice.scheduler"] = sched
    log.info("scheduler: embedded in this dev server (%d jobs)", len(sched.get_jobs()) - 1)


def serving_from_flask_run() -> bool:
    """Whether the app is being built by `flask run` in the process that will serve requests."""
    from flask.cli import run_command
    from flask.helpers import get_debug_flag
    from werkzeug.serving import is_running_from_reloader

    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.command is not run_command:
        return False
    reload = ctx.params.get("reload")
    reload = get_debug_flag() if reload is None else reload
    return is_running_from_reloader() or not reload
