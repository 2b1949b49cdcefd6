"""Closing a round through the CLI: winners, the frozen file and its digest, idempotence."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from bot.services import Services
from core.settings import Settings
from models.contest import mark_announced, results, vote
from models.contest_fraud import ContestLog
from models.contest_rounds import Round, RoundState
from models.contest_votes import Vote
from tests.support import Clock, create_user
from tests.support_contest import at, create_item, create_round


@pytest.fixture()
def app2(app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
         tmp_path: Path) -> Flask:
    """The bot with two winners and the frozen files under tmp_path."""
    return app_factory(settings_factory(contest={"winners": 2, "frozen_dir": str(tmp_path)}))


def cli(app: Flask, *args: str) -> Any:
    """Run `flask contest ...` in the app (the flask command pushes the app context itself)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["contest", *args])


def votes(services: Services, plan: dict[int, int], hour: str = "10") -> None:
    """Cast plan[number] votes for each project from distinct followers."""
    for number, count in plan.items():
        for i in range(count):
            with services.db.session() as s:
                vote(s, create_user(s, f"o_{number}_{i}"), number,
                     at(f"2017-11-05 {hour}:{i:02d}"), services.settings)


def test_shortlist_lists_candidates_then_numbers_them(app2: Flask, clock: Clock) -> None:
    """Without ids the candidates are listed; with ids they become entries 1..N in that order."""
    services: Services = app2.extensions["youthvoice"]
    clock.set(at("2017-10-28 09:00"))
    with services.db.session() as s:
        a, b = create_item(s, "甲活动"), create_item(s, "乙活动")
        create_item(s, "未审核", state="pending")
        create_item(s, "无意向", intentions=("goods",))
        create_item(s, "十二月", month="2017-12")
    listed = cli(app2, "shortlist", "2017-11")
    assert listed.exit_code == 0 and "甲活动" in listed.output and "乙活动" in listed.output
    assert "未审核" not in listed.output and "无意向" not in listed.output and "十二月" not in listed.output
    done = cli(app2, "shortlist", "2017-11", str(b.id), str(a.id), "--first", "2017-11-03",
               "--last", "2017-11-20")
    assert done.exit_code == 0, done.output
    assert "  1. 乙活动" in done.output and "2017-11-20 23:59:59" in done.output
    with services.db.session() as s:
        row = s.scalar(select(Round))
        assert done.output.strip().splitlines()[-1] == str(row.id)
        assert row.state == RoundState.VOTING


@pytest.mark.parametrize(("args", "message"), [
    (["2017-13"], "YYYY-MM"),
    (["2017-11", "999"], "不是 2017-11 已审核通过"),
])
def test_shortlist_refusals(app2: Flask, args: list[str], message: str) -> None:
    """Bad months and unknown activities fail with a Chinese message and exit status 1."""
    result = cli(app2, "shortlist", *args)
    assert result.exit_code != 0 and message in result.output


def test_shortlist_size_limit(app_factory: Callable[[Settings], Flask],
                              settings_factory: Callable[..., Settings]) -> None:
    """More ids than shortlist_size are refused."""
    app = app_factory(settings_factory(contest={"shortlist_size": 2}))
    with app.extensions["youthvoice"].db.session() as s:
        ids = [str(create_item(s, f"活动{i}").id) for i in range(3)]
    result = cli(app, "shortlist", "2017-11", *ids)
    assert result.exit_code == 1 and "1 至 2 个" in result.output


def test_close_freezes_the_count_and_admits_a_tie_at_the_cut(app2: Flask, tmp_path: Path,
                                                             clock: Clock) -> None:
    """3 > 2 = 2 votes with the tied pair reaching 2 at the same minute: three winners."""
    services: Services = app2.extensions["youthvoice"]
    with services.db.session() as s:
        create_round(s, services.settings, entries=4)
    votes(services, {1: 3, 2: 2, 3: 2, 4: 1})
    clock.set(at("2017-12-01 00:05"))
    result = cli(app2, "close", "2017-11")
    assert result.exit_code == 0, result.output
    digest = result.output.strip().splitlines()[-1]
    data = (tmp_path / "2017-11.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == digest
    doc = json.loads(data)
    assert doc["valid_votes"] == len(doc["votes"]) == 8
    assert {e["number"]: (e["valid_votes"], e["rank"], e["winner"]) for e in doc["entries"]} == {
        1: (3, 1, True), 2: (2, 2, True), 3: (2, 2, True), 4: (1, 4, False)}
    assert "o_1_0" not in data.decode()  # openids are published only as pseudonyms
    with services.db.session() as s:
        res = results(s, "2017-11")
        assert [w.number for w in res.winners] == [1, 2, 3] and res.digest == digest
        assert s.scalar(select(ContestLog.action).where(ContestLog.action == "close")) == "close"


def test_close_twice_and_votes_after_close(app2: Flask, clock: Clock) -> None:
    """Closing again changes nothing; a vote after the close is refused; chat shows the digest."""
    services: Services = app2.extensions["youthvoice"]
    with services.db.session() as s:
        create_round(s, services.settings, entries=2)
    votes(services, {1: 1})
    clock.set(at("2017-11-20 12:00"))
    first = cli(app2, "close", "2017-11", "--force").output.strip().splitlines()[-1]
    assert cli(app2, "close", "2017-11").output.strip().splitlines()[-1] == first
    from bot.wechat.simulator import Simulator, flask_transport
    sim = Simulator(services.settings, flask_transport(app2.test_client()), clock=clock)
    assert "投票已经结束" in sim.text("o_late", "投票 1")[1]
    board = sim.text("o_late", "排行")[1]
    assert first in board and "★1. 1号 项目1 1票" in board
    assert first in sim.text("o_late", "规则")[1]
    with services.db.session() as s:
        assert s.scalar(select(func.count(Vote.id))) == 1
        assert mark_announced(s, "2017-11", clock()) and not mark_announced(s, "2017-11", clock())


def test_status_checks_the_frozen_file(app2: Flask, tmp_path: Path, clock: Clock) -> None:
    """`contest status` confirms the file matches its digest, and warns once it is edited."""
    services: Services = app2.extensions["youthvoice"]
    with services.db.session() as s:
        create_round(s, services.settings, entries=2)
    votes(services, {2: 2})
    assert "有效票 2，作废票 0" in cli(app2, "status", "2017-11").output
    clock.set(at("2017-12-01 00:00"))
    cli(app2, "close", "2017-11")
    assert "校验一致" in cli(app2, "status", "2017-11").output
    path = tmp_path / "2017-11.json"
    path.write_text(path.read_text().replace('"valid_votes": 2', '"valid_votes": 3'))
    assert "不一致" in cli(app2, "status", "2017-11").output
    assert cli(app2, "status", "2018-01").exit_code == 1


def test_judges_weight(app_factory: Callable[[Settings], Flask],
                       settings_factory: Callable[..., Settings], tmp_path: Path) -> None:
    """Judges' scores loaded from CSV turn the ranking when they carry weight."""
    app = app_factory(settings_factory(contest={"winners": 1, "judges_weight": 0.6,
                                                "frozen_dir": str(tmp_path)}))
    services: Services = app.extensions["youthvoice"]
    with services.db.session() as s:
        create_round(s, services.settings, entries=2)
    votes(services, {1: 4, 2: 2})
    scores = tmp_path / "judges.csv"
    scores.write_text("编号,评委得分\n1,40\n2,95\n", encoding="utf-8")
    assert cli(app, "judge", "2017-11", str(scores)).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("编号,评委得分\n7,40\n", encoding="utf-8")
    assert "第 2 行：没有编号为 7 的入围项目" in cli(app, "judge", "2017-11", str(bad)).output
    bad.write_text("编号,评委得分\n1,140\n", encoding="utf-8")
    assert "0 到 100" in cli(app, "judge", "2017-11", str(bad)).output
    out = cli(app, "close", "2017-11").output
    assert "★  1. 2号" in out  # 0.6*95 + 0.4*50 = 77 beats 0.6*40 + 0.4*100 = 64
