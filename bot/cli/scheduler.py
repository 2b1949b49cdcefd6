"""`scheduler run` (the external mode), `scheduler due` (run what is due once) and `scheduler status`."""
from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from bot.cli.common import services, session
from core.texts import t
from models.jobs import all_runs
from scheduler.app import build
from scheduler.jobs import JOBS, enabled_jobs
from scheduler.runner import next_due, run_if_due


@click.group("scheduler")
def scheduler() -> None:
    """Scheduled jobs (结束评选、公布结果、发送消息、排行缓存、申报提醒、专家评估)."""


@scheduler.command("run")
def run() -> None:
    """Run the scheduled jobs in this process until stopped (the external mode)."""
    svc = services()
    sched = build(svc, blocking=True)
    click.echo(t("cli.scheduler.started", n=len(sched.get_jobs()) - 1))
    try:
        sched.start()
    except (KeyboardInterrupt, SystemExit):
        click.echo(t("cli.scheduler.stopped"))


@scheduler.command("due")
def due() -> None:
    """Run every job that is due (or was missed) once, then exit; for cron-driven deployments."""
    svc = services()
    ran = [job.name for job in enabled_jobs(svc) if run_if_due(svc, job)]
    click.echo(t("cli.scheduler.ran", jobs="、".join(ran)) if ran else t("cli.scheduler.ran_none"))


@scheduler.command("status")
def status() -> None:
    """Each job's schedule, last run, next due time and last error."""
    svc = services()
    enabled = {job.name: job for job in enabled_jobs(svc)}
    table = Table(title=t("cli.scheduler.title"))
    for header in ("job", "cron", "covered", "runs", "next", "error"):
        table.add_column(t(f"cli.scheduler.column.{header}"))
    with session() as s:
        runs = {r.name: r for r in all_runs(s)}
    for name in JOBS:
        job, run = enabled.get(name), runs.get(name)
        cron = svc.settings.scheduler.jobs.get(name, "")
        shown = (cron if job else t("cli.scheduler.not_installed", cron=cron)) if cron else t("cli.scheduler.off")
        nxt = next_due(svc, job, run.covered_until) if job and run else None
        table.add_row(name, shown,
                      f"{run.covered_until.astimezone(svc.tz):%Y-%m-%d %H:%M}" if run else t("cli.scheduler.never"),
                      str(run.runs if run else 0), f"{nxt:%Y-%m-%d %H:%M}" if nxt else "",
                      (run.last_error or "") if run else "")
    Console().print(table)
