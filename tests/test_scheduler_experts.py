"""The experts' scheduled jobs: due days, catch-up, idempotence."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from bot.services import Services
from core.settings import Settings
from models.expert_eval import is_done, record_no_figures
from models.experts import ExpertMonth
from models.outbox import OutboxMessage
from scheduler.experts import JOBS, evaluate_previous_month, select_previous_quarter
from tests.support import TZ
from tests.support_experts import create_expert, create_month


@pytest.fixture()
def svc(app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings]) -> Services:
    """Services with a platform admin; evaluation from day 3, quarter choice from day 5."""
    settings = settings_factory(admins={"openids": ["o_admin"]},
                                experts={"evaluate_day": 3, "quarter_day": 5})
    return app_factory(settings).extensions["youthvoice"]


def at(day: str) -> dt.datetime:
    """09:00 Beijing time on a date."""
    return dt.datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=TZ)


def queued(svc: Services, purpose: str) -> int:
    """How many messages of a purpose are queued."""
    with svc.db.session() as s:
        return s.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.purpose == purpose))


def seed(svc: Services, month: str) -> None:
    """Two bound experts with figures for the month."""
    with svc.db.session() as s:
        create_expert(s, "张律师", openid="o_zhang")
        create_expert(s, "李心理", openid="o_li")
        create_month(s, month, {"张律师": (40, 32), "李心理": (5, 1)})


def test_jobs_have_the_runner_signature() -> None:
    """Both jobs are listed for the runner."""
    assert (evaluate_previous_month, select_previous_quarter) == JOBS


def test_month_job_waits_for_its_day_and_figures_then_runs_once(svc: Services) -> None:
    """Before the day nothing; without figures nothing; then once, however often it runs."""
    seed(svc, "2017-11")
    evaluate_previous_month(svc, at("2017-12-02"))
    with svc.db.session() as s:
        assert not is_done(s, "2017-11")
    evaluate_previous_month(svc, at("2017-12-03"))
    evaluate_previous_month(svc, at("2017-12-04"))
    with svc.db.session() as s:
        assert is_done(s, "2017-11")
    assert queued(svc, "expert_month") == 2
    evaluate_previous_month(svc, at("2018-01-03"))  # December has no figures: nothing to do
    with svc.db.session() as s:
        assert not is_done(s, "2017-12")


def test_month_job_catches_up_after_a_late_import(svc: Services) -> None:
    """Figures imported after the due day are evaluated on the next run."""
    evaluate_previous_month(svc, at("2017-12-03"))
    seed(svc, "2017-11")
    evaluate_previous_month(svc, at("2017-12-10"))
    assert queued(svc, "expert_month") == 2


def no_figures(svc: Services, *months: str) -> None:
    """Record months without data as evaluated, as `expert evaluate --no-figures` does."""
    with svc.db.session() as s:
        for month in months:
            record_no_figures(s, month, at("2018-01-02"))


def test_quarter_job_chooses_the_previous_quarter_once(svc: Services) -> None:
    """From quarter_day of the next quarter; winners and admins told once."""
    seed(svc, "2017-11")
    evaluate_previous_month(svc, at("2017-12-03"))
    no_figures(svc, "2017-10", "2017-12")
    select_previous_quarter(svc, at("2017-12-20"))  # the quarter has not ended
    select_previous_quarter(svc, at("2018-01-04"))  # before quarter_day
    assert queued(svc, "expert_quarter") == 0
    select_previous_quarter(svc, at("2018-01-05"))
    select_previous_quarter(svc, at("2018-02-10"))
    with svc.db.session() as s:
        assert is_done(s, "2017-Q4")
    assert queued(svc, "expert_quarter") == 3  # two winners and one admin


def test_quarter_job_waits_for_pending_months(svc: Services, caplog: pytest.LogCaptureFixture) -> None:
    """An imported, unevaluated month holds the choice back, and so does one never imported;
    the job logs which and skips, then chooses once all are evaluated."""
    seed(svc, "2017-12")
    with caplog.at_level(logging.WARNING, logger="scheduler.experts"):
        select_previous_quarter(svc, at("2018-01-06"))  # due, but no month is evaluated yet
    assert [r.getMessage() for r in caplog.records] == [
        "experts: 2017-Q4 not chosen: 2017-Q4 还不能评选：2017-10 尚未导入数据、2017-11 尚未导入数据、"
        "2017-12 已导入数据但尚未评估。每个月都评估后才能评选（没有数据的月份可执行 expert evaluate "
        "YYYY-MM --no-figures）。"]
    evaluate_previous_month(svc, at("2018-01-06"))
    no_figures(svc, "2017-10")
    select_previous_quarter(svc, at("2018-01-06"))
    with svc.db.session() as s:
        assert not is_done(s, "2017-Q4")  # November is still missing
    no_figures(svc, "2017-11")
    select_previous_quarter(svc, at("2018-01-06"))
    assert queued(svc, "expert_quarter") == 3


def test_month_job_skips_figures_imported_before_the_month_ended(
        svc: Services, caplog: pytest.LogCaptureFixture) -> None:
    """A --partial import is never evaluated: logged and skipped until the month is re-imported."""
    seed(svc, "2017-11")
    with svc.db.session() as s:
        s.execute(update(ExpertMonth).values(imported_at=at("2017-11-30")))
    with caplog.at_level(logging.WARNING, logger="scheduler.experts"):
        evaluate_previous_month(svc, at("2017-12-03"))
    assert [r.getMessage() for r in caplog.records] == [
        "experts: 2017-11 not evaluated: 2017-11 的数据是在月末之前导入的（--partial，不完整），不能评估；"
        "请重新导入该月的完整数据后再评估。"]
    with svc.db.session() as s:
        assert not is_done(s, "2017-11")
        s.execute(update(ExpertMonth).values(imported_at=at("2017-12-01")))
    evaluate_previous_month(svc, at("2017-12-03"))
    assert queued(svc, "expert_month") == 2
