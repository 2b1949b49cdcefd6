"""The experts' scheduled jobs: due days, catch-up, idempotence."""
from __future__ import annotations

import datetime as dt
from typing import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from bot.services import Services
from core.settings import Settings
from models.expert_eval import is_done
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
    assert JOBS == (evaluate_previous_month, select_previous_quarter)


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


def test_quarter_job_chooses_the_previous_quarter_once(svc: Services) -> None:
    """From quarter_day of the next quarter; winners and admins told once."""
    seed(svc, "2017-11")
    evaluate_previous_month(svc, at("2017-12-03"))
    select_previous_quarter(svc, at("2017-12-20"))  # the quarter has not ended
    select_previous_quarter(svc, at("2018-01-04"))  # before quarter_day
    assert queued(svc, "expert_quarter") == 0
    select_previous_quarter(svc, at("2018-01-05"))
    select_previous_quarter(svc, at("2018-02-10"))
    with svc.db.session() as s:
        assert is_done(s, "2017-Q4")
    assert queued(svc, "expert_quarter") == 3  # two winners and one admin


def test_quarter_job_waits_for_pending_months(svc: Services) -> None:
    """An imported, unevaluated month of the quarter holds the choice back."""
    seed(svc, "2017-12")
    select_previous_quarter(svc, at("2018-01-06"))  # due, but December is not evaluated yet
    with svc.db.session() as s:
        assert not is_done(s, "2017-Q4")
    evaluate_previous_month(svc, at("2018-01-06"))
    select_previous_quarter(svc, at("2018-01-06"))
    assert queued(svc, "expert_quarter") == 3
