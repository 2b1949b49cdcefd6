"""排行 with more projects than one reply holds: 排行 2页, like 项目 pages, each within the limit."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from bot.services import Services
from bot.wechat.simulator import Simulator, flask_transport
from core.settings import Settings
from handlers.contest_views import board_page, utf8_len
from models.contest import vote
from tests.support import Clock, create_user
from tests.support_contest import at, create_round

LONG = "青春东莞志愿服务创新设计大赛活动项目"   # 18 characters: every line as long as lists allow


@pytest.fixture()
def board_app(app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
              tmp_path: Path, clock: Clock) -> Flask:
    """A round of 30 long-named projects, project n with n % 7 votes."""
    app = app_factory(settings_factory(contest={"frozen_dir": str(tmp_path)}))
    services: Services = app.extensions["youthvoice"]
    with services.db.session() as s:
        create_round(s, services.settings, entries=30, prefix=LONG)
    for number in range(1, 31):
        for i in range(number % 7):
            with services.db.session() as s:
                vote(s, create_user(s, f"o_{number}_{i}"), number, at(f"2017-11-05 10:{i:02d}"),
                     services.settings)
    clock.set(at("2017-11-06 12:00"))
    return app


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^★?\d+\. (\d+)号", text, flags=re.MULTILINE)]


def _pages(sim: Simulator, limit: int) -> list[str]:
    """Every page of 排行, following the 下一页 hint."""
    pages = [sim.text("o_reader", "排行")[1]]
    while "排行 " in pages[-1] and "页”看下一页" in pages[-1]:
        pages.append(sim.text("o_reader", f"排行 {len(pages) + 1}页")[1])
        assert len(pages) < 10
    assert all(utf8_len(p) <= limit for p in pages)
    return pages


def test_live_board_of_30_is_paged(board_app: Flask, clock: Clock) -> None:
    """All 30 projects appear once, in rank order, over pages that each fit one reply."""
    services: Services = board_app.extensions["youthvoice"]
    sim = Simulator(services.settings, flask_transport(board_app.test_client()), clock=clock)
    pages = _pages(sim, services.settings.contest.reply_max_bytes)
    assert len(pages) == 2
    assert "（第 1/2 页）" in pages[0] and "发送“排行 2页”看下一页。" in pages[0]
    assert "（第 2/2 页）" in pages[1] and "看下一页" not in pages[1]
    numbers = [n for p in pages for n in _numbers(p)]
    assert sorted(numbers) == list(range(1, 31))
    votes = [n % 7 for n in numbers]
    assert votes == sorted(votes, reverse=True)
    assert "发送“投票 N”为项目点赞" in pages[0] and "发送“投票 N”为项目点赞" in pages[1]
    assert sim.text("o_reader", "排行 3页")[1] == "没有第 3 页，排行榜共 2 页。"
    assert sim.text("o_reader", "排行榜 第２页")[1] == pages[1]


def test_final_board_of_30_is_paged(board_app: Flask, clock: Clock) -> None:
    """After the close, the winners' board pages the same way and each page keeps the digest."""
    services: Services = board_app.extensions["youthvoice"]
    clock.set(at("2017-12-01 00:10"))
    with board_app.app_context():
        closed = board_app.test_cli_runner().invoke(args=["contest", "close", "2017-11"])
    digest = closed.output.strip().splitlines()[-1]
    sim = Simulator(services.settings, flask_transport(board_app.test_client()), clock=clock)
    pages = _pages(sim, services.settings.contest.reply_max_bytes)
    assert len(pages) == 2 and all(digest in p for p in pages)
    assert sorted(n for p in pages for n in _numbers(p)) == list(range(1, 31))
    starred = [int(n) for p in pages for n in re.findall(r"^★\d+\. (\d+)号", p, flags=re.MULTILINE)]
    # 10 places; the tie at 4 votes at the cut admits every project with 4 or more votes
    assert sorted(starred) == [n for n in range(1, 31) if n % 7 >= 4]


def test_a_short_board_has_one_page_without_page_marks(app_factory: Callable[[Settings], Flask],
                                                       settings: Settings, clock: Clock) -> None:
    """Three projects: one reply, no page numbers, no next-page hint; 排行 2页 is refused."""
    app = app_factory(settings)
    services: Services = app.extensions["youthvoice"]
    with services.db.session() as s:
        create_round(s, services.settings, entries=3)
    clock.set(at("2017-11-06 12:00"))
    sim = Simulator(services.settings, flask_transport(app.test_client()), clock=clock)
    text = sim.text("o_reader", "排行")[1]
    assert _numbers(text) == [1, 2, 3] and "页" not in text
    assert sim.text("o_reader", "排行 2页")[1] == "没有第 2 页，排行榜共 1 页。"


@pytest.mark.parametrize(("text", "page"), [("排行", 1), ("排行榜", 1), ("排行 2页", 2), ("排行第3页", 3),
                                            ("排行榜 ２ 页", 2)])
def test_board_page_words(text: str, page: int) -> None:
    """The page asked for, with or without 榜, 第 and spaces, full-width digits too."""
    assert board_page(text) == page
