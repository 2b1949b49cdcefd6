"""The scheduler: once per due time, made up after downtime, one runner at a time."""
from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from bot.services import Services
from bot.wechat.fake_state import FakeWeChat
from core.settings import EXAMPLE_CONFIG as EXAMPLE_CONFIG_PATH
from core.settings import Settings, SettingsError
from models.contest_rounds import Round, RoundState
from models.jobs import JobRun
from models.outbox import OutboxMessage
from scheduler.app import build, serving_from_flask_run
from scheduler.jobs import Job, enabled_jobs, resolve
from scheduler.runner import run_if_due, trigger
from tests.support_push import CONTEST, create_closable_round, push_services, push_settings

TZ = dt.timezone(dt.timedelta(hours=8))
NOV30 = dt.datetime(2017, 11, 30, 12, 0, tzinfo=TZ)
DEC3 = dt.datetime(2017, 12, 3, 9, 0, tzinfo=TZ)
ONLY_CONTEST = {"close_round": "5 0 1 * *", "announce": "0 10 1 * *", "drain_outbox": "", "drain_inbox": "",
                "vote_bursts": "", "filing_reminder": "", "experts_monthly": "",
                "experts_quarterly": "", "activity_reminders": "", "activity_rate_invites": "",
                "activity_erase": "", "purge_drafts": ""}


@pytest.fixture()
def services(settings_factory: Callable[..., Settings], app_factory: Callable[[Settings], Flask],
             fake_wechat: FakeWeChat, tmp_path) -> Services:
    """Only the contest jobs scheduled; a November round being voted on; the clock at 30 November."""
    settings = push_settings(settings_factory, fake_wechat,
                             contest={**CONTEST, "frozen_dir": str(tmp_path)},
                             scheduler={"jobs": ONLY_CONTEST})
    svc = push_services(app_factory, settings, now=NOV30)
    create_closable_round(svc)
    return svc


def _outbox(services: Services) -> int:
    with services.db.session() as s:
        return s.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def _state(services: Services) -> str:
    with services.db.session() as s:
        return s.scalar(select(Round.state))


def test_down_over_a_month_end_closes_and_announces_once(services, clock) -> None:
    """Up on 30 November, down until 3 December: the close and the announcement happen once."""
    jobs = enabled_jobs(services)
    assert [j.name for j in jobs] == ["close_round", "announce"]
    assert not any(run_if_due(services, job) for job in jobs)      # first start: nothing missed
    clock.set(DEC3)
    assert [run_if_due(services, job) for job in jobs] == [True, True]
    assert _state(services) == RoundState.ANNOUNCED
    assert _outbox(services) == 5    # entries 1 and 3: two admins each; entry 2: one
    assert not any(run_if_due(services, job) for job in jobs)      # nothing due any more
    clock.set(DEC3 + dt.timedelta(days=2))
    assert not any(run_if_due(services, job) for job in jobs)
    assert _outbox(services) == 5
    with services.db.session() as s:
        assert [r.runs for r in s.scalars(select(JobRun).order_by(JobRun.name))] == [1, 1]


DEC1_11 = dt.datetime(2017, 12, 1, 11, 0, tzinfo=TZ)


def test_fresh_install_runs_the_days_due_jobs_once(services, clock, app_factory) -> None:
    """`scheduler due` first run at 11:00 on the 1st: the close and the announcement run, once."""
    app = app_factory(services.settings)  # the command's own app, on the same backends and clock
    clock.set(DEC1_11)
    with app.app_context():
        first = app.test_cli_runner().invoke(args=["scheduler", "due"])
        again = app.test_cli_runner().invoke(args=["scheduler", "due"])
    assert first.output.strip() == "已运行：close_round、announce"
    assert again.output.strip() == "已运行：无到期任务"
    assert _state(services) == RoundState.ANNOUNCED and _outbox(services) == 5
    with services.db.session() as s:
        assert [(r.name, r.runs) for r in s.scalars(select(JobRun).order_by(JobRun.name))] == [
            ("announce", 1), ("close_round", 1)]


def test_fresh_install_between_due_times_runs_nothing(services, clock) -> None:
    """First start at 00:04 on the 1st: nothing was due yet today; at 00:05 the close runs."""
    jobs = enabled_jobs(services)
    clock.set(dt.datetime(2017, 12, 1, 0, 4, tzinfo=TZ))
    assert [run_if_due(services, job) for job in jobs] == [False, False]
    clock.set(dt.datetime(2017, 12, 1, 0, 5, tzinfo=TZ))
    assert [run_if_due(services, job) for job in jobs] == [True, False]
    assert _state(services) == RoundState.CLOSED


def test_a_new_job_does_not_make_up_earlier_days(services, clock) -> None:
    """First start on 3 December: the 1st's runs are not made up for a job that never ran."""
    clock.set(DEC3)
    assert not any(run_if_due(services, job) for job in enabled_jobs(services))
    assert _state(services) == RoundState.VOTING


def test_apscheduler_makes_up_missed_runs_at_start(services, clock) -> None:
    """The real scheduler, started after the month end, runs the missed jobs at once, in any order."""
    jobs = enabled_jobs(services)
    for job in jobs:
        run_if_due(services, job)
    clock.set(DEC3)
    sched = build(services, blocking=False)
    sched.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _all_ran(services):
            time.sleep(0.05)
    finally:
        sched.shutdown(wait=True)
    assert _state(services) == RoundState.ANNOUNCED and _outbox(services) == 5


def _all_ran(services: Services) -> bool:
    with services.db.session() as s:
        return s.scalar(select(func.min(JobRun.runs))) == 1


def test_announce_job_run_twice_queues_one_set(services, clock) -> None:
    """The announcement job twice (even for the same moment) queues one set of messages."""
    from scheduler.contest_jobs import announce_rounds

    clock.set(DEC3)
    announce_rounds(services, services.now())
    announce_rounds(services, services.now())
    assert _outbox(services) == 5


def test_two_schedulers_run_a_job_once(services, clock, app_factory) -> None:
    """Two scheduler processes firing the same job at the same moment: one runs it."""
    other: Services = app_factory(services.settings).extensions["youthvoice"]
    (announce,) = [j for j in enabled_jobs(services) if j.name == "announce"]
    run_if_due(services, announce)
    clock.set(DEC3)
    barrier = threading.Barrier(2)
    ran: list[bool] = []

    def fire(svc: Services) -> None:
        barrier.wait()
        ran.append(run_if_due(svc, announce))

    threads = [threading.Thread(target=fire, args=(svc,)) for svc in (services, other)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(ran) == [False, True]
    assert _outbox(services) == 5


def test_a_failed_run_is_tried_again(services, clock) -> None:
    """A job that raised leaves its time uncovered; the next sweep runs it again."""
    calls: list[dt.datetime] = []

    def flaky(svc: Services, now: dt.datetime) -> None:
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("database went away")

    job = Job("flaky", flaky, "0 10 1 * *")
    run_if_due(services, job)
    clock.set(DEC3)
    with pytest.raises(RuntimeError):
        run_if_due(services, job)
    with services.db.session() as s:
        assert s.get(JobRun, "flaky").last_error
    assert run_if_due(services, job) is True and len(calls) == 2
    assert run_if_due(services, job) is False


def test_job_times_come_from_the_settings(services) -> None:
    """A bad crontab names its key; a job set to "" is not scheduled."""
    with pytest.raises(SettingsError, match=re.escape("scheduler.jobs.close_round")):
        trigger(services, Job("close_round", lambda s, n: None, "every day"))
    assert "drain_outbox" not in [j.name for j in enabled_jobs(services)]


def test_every_registered_job_resolves_and_has_a_time() -> None:
    """Each registry line names an importable function and the example settings schedule it."""
    from core.settings import load_settings
    from scheduler.jobs import JOBS

    crons = load_settings(EXAMPLE_CONFIG_PATH).scheduler.jobs
    assert all(callable(resolve(target)) for target in JOBS.values())
    assert set(JOBS) <= {name for name, cron in crons.items() if cron.strip()}
    with pytest.raises(ModuleNotFoundError):
        resolve("scheduler.nowhere:job")


def test_the_embedded_scheduler_starts_only_under_flask_run(app) -> None:
    """Built by the tests (or gunicorn, or another command), the app has no scheduler of its own."""
    assert not serving_from_flask_run()
    assert "youthvoice.scheduler" not in app.extensions


@pytest.mark.parametrize(("reload", "child", "expected"), [(False, False, True), (True, False, False),
                                                           (True, True, True)])
def test_flask_run_serving_process_is_recognised(monkeypatch, reload: bool, child: bool,
                                                 expected: bool) -> None:
    """Under `flask run`: the only process, or the reloader's child; never the reloader's watcher."""
    import click
    from flask.cli import run_command

    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true" if child else "")
    with click.Context(run_command) as ctx:
        ctx.params["reload"] = reload
        assert serving_from_flask_run() is expected
