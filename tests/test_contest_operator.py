"""Operators' mistakes with a round: closing too early, voiding a frozen count, half a window."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from bot.services import Services
from core.settings import Settings
from models.contest import vote
from models.contest_rounds import Entry, Round, RoundState
from models.contest_votes import Vote, VoteStatus
from tests.support import Clock, create_user
from tests.support_contest import at, create_item, create_round


@pytest.fixture()
def app2(app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
         tmp_path: Path) -> Flask:
    """The bot with two winners and the frozen files under tmp_path."""
    return app_factory(settings_factory(contest={"winners": 2, "frozen_dir": str(tmp_path)}))


def cli(app: Flask, *args: str) -> Any:
    """Run `flask contest ...` in the app."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["contest", *args])


def _round(services: Services, first: str = "2017-11-10", last: str = "2017-11-20") -> None:
    """A round of 2 projects voted on from 10 to 20 November, one vote for project 1."""
    with services.db.session() as s:
        create_round(s, services.settings, entries=2, first=first, last=last)
    with services.db.session() as s:
        vote(s, create_user(s, "o_v"), 1, at("2017-11-12 10:00"), services.settings)


def _state(services: Services) -> str:
    with services.db.session() as s:
        return s.scalar(select(Round.state))


@pytest.mark.parametrize(("now", "message"), [
    ("2017-11-09 23:59", "2017-11 的投票还没有开始（2017-11-10 00:00 开始，2017-11-20 23:59:59 结束）"),
    ("2017-11-15 12:00", "2017-11 的投票还在进行中，2017-11-20 23:59:59 才结束"),
    ("2017-11-20 23:59", "2017-11 的投票还在进行中，2017-11-20 23:59:59 才结束"),
])
def test_close_before_voting_ends_is_refused(app2: Flask, clock: Clock, now: str, message: str) -> None:
    """Before or during the window, `contest close` changes nothing and says when voting ends."""
    services: Services = app2.extensions["youthvoice"]
    clock.set(at("2017-11-12 10:00"))
    _round(services)
    clock.set(at(now))
    result = cli(app2, "close", "2017-11")
    assert result.exit_code == 1
    assert message in result.output and "--force" in result.output
    assert _state(services) == RoundState.VOTING
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Entry).where(Entry.winner.is_(True))) == 0


def test_close_once_voting_has_ended(app2: Flask, clock: Clock) -> None:
    """From 00:00 after the last day it closes without --force."""
    services: Services = app2.extensions["youthvoice"]
    _round(services)
    clock.set(at("2017-11-21 00:00"))
    assert cli(app2, "close", "2017-11").exit_code == 0 and _state(services) == RoundState.CLOSED


def test_close_with_force_closes_early(app2: Flask, clock: Clock) -> None:
    """--force is the operator's explicit choice to end voting now."""
    services: Services = app2.extensions["youthvoice"]
    _round(services)
    clock.set(at("2017-11-15 12:00"))
    result = cli(app2, "close", "2017-11", "--force")
    assert result.exit_code == 0, result.output
    assert "★  1. 1号 项目1  1 票" in result.output and _state(services) == RoundState.CLOSED


def test_void_of_a_closed_month_is_refused(app2: Flask, clock: Clock) -> None:
    """A closed round's count is frozen: `contest void` says so, exits 1 and voids nothing."""
    services: Services = app2.extensions["youthvoice"]
    _round(services)
    clock.set(at("2017-11-25 09:00"))
    cli(app2, "close", "2017-11")
    result = cli(app2, "void", "--entry", "1", "--month", "2017-11", "--reason", "刷票")
    assert result.exit_code == 1
    assert "2017-11 已结束计票（票数已冻结并公布校验值），不能再作废选票。" in result.output
    assert "已作废" not in result.output
    with services.db.session() as s:
        assert s.scalar(select(Vote.status)) == VoteStatus.VALID


def test_void_before_voting_is_refused(app2: Flask, clock: Clock) -> None:
    """A month still being shortlisted has no votes to void."""
    services: Services = app2.extensions["youthvoice"]
    with services.db.session() as s:
        s.add(Round(month="2017-12"))
    result = cli(app2, "void", "--entry", "1", "--month", "2017-12", "--reason", "刷票")
    assert result.exit_code == 1 and "2017-12 还没有开始投票，没有可作废的选票。" in result.output


def test_void_during_voting_still_works(app2: Flask, clock: Clock) -> None:
    """The refusal is only for rounds that are not voting."""
    services: Services = app2.extensions["youthvoice"]
    _round(services)
    clock.set(at("2017-11-15 09:00"))
    result = cli(app2, "void", "--entry", "1", "--month", "2017-11", "--reason", "刷票")
    assert result.exit_code == 0 and result.output.strip().splitlines()[-1] == "1"


@pytest.mark.parametrize(("args", "message"), [
    (["--first", "2017-11-03"], "请同时给出 --first 和 --last"),
    (["--last", "2017-11-20"], "请同时给出 --first 和 --last"),
    (["--first", "2017-11-20", "--last", "2017-11-03"],
     "投票截止日 --last 2017-11-03 早于开始日 --first 2017-11-20，请检查日期。"),
])
@pytest.mark.parametrize("with_ids", [True, False])
def test_shortlist_with_half_or_reversed_window_is_refused(app2: Flask, clock: Clock, args: list[str],
                                                           message: str, with_ids: bool) -> None:
    """One line on stderr, exit 1, and no round made (listing candidates is refused too)."""
    services: Services = app2.extensions["youthvoice"]
    clock.set(at("2017-10-28 09:00"))
    with services.db.session() as s:
        item = create_item(s, "甲活动")
    result = cli(app2, "shortlist", "2017-11", *([str(item.id)] if with_ids else []), *args)
    assert result.exit_code == 1 and message in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an error escaping
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Round)) == 0


def test_shortlist_one_day_window(app2: Flask, clock: Clock) -> None:
    """--first equal to --last is a one-day window."""
    services: Services = app2.extensions["youthvoice"]
    clock.set(at("2017-10-28 09:00"))
    with services.db.session() as s:
        item = create_item(s, "甲活动")
    result = cli(app2, "shortlist", "2017-11", str(item.id), "--first", "2017-11-03", "--last", "2017-11-03")
    assert result.exit_code == 0 and "投票时间 2017-11-03 00:00 至 2017-11-03 23:59:59" in result.output
