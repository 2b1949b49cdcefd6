"""审核 and 审核 N at their largest still fit one WeChat reply and keep what matters."""
from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest
from flask import Flask

from bot.context import Incoming
from bot.dispatch import dispatch
from bot.services import Services
from bot.wechat.protocol import MAX_TEXT_BYTES
from core.settings import Settings
from models.filing import ReviewState
from models.filing_ops import review_item
from tests.support import TZ, Clock
from tests.support_filing import activity, create_filing

NOW = dt.datetime(2017, 11, 12, 9, 0, tzinfo=TZ)
ALL = ("contest", "heavy", "goods", "linkage", "training")
COUNTER = itertools.count(1)


def say(services: Services, openid: str, text: str) -> str:
    """Send one text message through the dispatcher and return the reply's text."""
    n = next(COUNTER)
    outcome = dispatch(services, Incoming(openid=openid, type="text", create_time=1_600_000_000 + n,
                                          text=text, msg_id=f"r{n}"))
    assert outcome.reply is not None
    return outcome.reply.text


@pytest.fixture()
def admin_services(app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
                   clock: Clock) -> Services:
    """The bot with o_city as platform admin, at a fixed time."""
    clock.set(NOW)
    return app_factory(settings_factory(admins={"openids": ["o_city"]})).extensions["youthvoice"]


def largest(name: str, plan: str | None) -> dict[str, object]:
    """An activity with every field at its limit."""
    return activity(name + "名" * (30 - len(name)), scale=99999, intentions=ALL, location="地" * 30,
                    description="简" * 200, plan=plan)


def test_the_list_fits_and_says_how_many_more(admin_services: Services) -> None:
    """Ten large pending activities: as many as fit, each with 简介, 申请意向, 方案, then the rest counted."""
    with admin_services.db.session() as s:
        for n in range(10):
            create_filing(s, records=[largest(f"活动{n}", "https://example.org/" + "p" * 480)])
        create_filing(s, records=[activity("短链接", plan="https://example.org/plan")])
    text = say(admin_services, "o_city", "审核")
    assert len(text.encode()) <= MAX_TEXT_BYTES
    shown = text.count("【活动编号")
    assert 1 <= shown < 8
    assert text.startswith(f"待审核的活动（最早的 {shown} 个，共 11 个）：\n")
    assert f"另有 {11 - shown} 个待审核" in text
    assert text.count("  简介：" + "简" * 40 + "…\n") == shown
    assert text.count("  申请意向：设计大赛、重磅活动发布、文化品支持、活动联动支持、培训支持\n") == shown
    assert "  方案：链接较长，发送“审核 1”查看\n" in text
    assert text.endswith("例如：审核 1、通过 1、驳回 1 时间不在活动期内。")


def test_a_short_link_is_shown_whole(admin_services: Services) -> None:
    """A link that fits is shown as it is, so the reviewer can open it."""
    with admin_services.db.session() as s:
        create_filing(s, records=[activity("短链接", plan="https://example.org/plan")])
    assert "  方案：https://example.org/plan\n" in say(admin_services, "o_city", "审核")


def test_one_activity_in_full_with_a_long_history(admin_services: Services) -> None:
    """审核 N at the limits with 25 decisions: fits, keeps the newest decisions and the next step."""
    with admin_services.db.session() as s:
        item_id = create_filing(s, records=[largest("全", "https://example.org/" + "p" * 480)]).items[0].id
        for n in range(25):
            state = ReviewState.APPROVED if n % 2 == 0 else ReviewState.REJECTED
            review_item(s, item_id, state, f"第{n}次意见" + "很" * 20, "o_city",
                        NOW + dt.timedelta(hours=n), "review_result", change=True)
    text = say(admin_services, "o_city", f"审核 {item_id}")
    assert len(text.encode()) <= MAX_TEXT_BYTES
    assert text.startswith(f"【活动编号 {item_id}】全")
    assert "活动简介：" + "简" * 200 + "\n" in text
    assert "（更早的" in text and "条略）" in text
    assert "2017-11-13 09:00 o_city 改为通过：第24次意见" in text
    assert text.endswith(f"如要改为驳回，请回复“改为驳回 {item_id} 理由”。")


def test_one_activity_in_full_shows_reasons_and_history(admin_services: Services) -> None:
    """A usual activity: every field, the full reasons, the decisions in order."""
    with admin_services.db.session() as s:
        item_id = create_filing(s, records=[activity("青年沙龙", scale=250, intentions=("goods",),
                                                     plan="https://example.org/plan")]).items[0].id
        review_item(s, item_id, ReviewState.REJECTED, "缺方案", "o_city", NOW, "review_result")
        review_item(s, item_id, ReviewState.APPROVED, "", "cli", NOW + dt.timedelta(days=1),
                    "review_result", change=True)
    assert say(admin_services, "o_city", f"审核 {item_id}") == "\n".join([
        f"【活动编号 {item_id}】青年沙龙（已通过）",
        "  组织：石龙团委（申报编号 1，2017-11-12 09:00 提交）",
        "  镇街：石龙", "  活动时间：2017-11-20", "  活动地点：石龙青年之家", "  活动规模：250人",
        "  活动类型：线下活动", "  活动简介：面向青年的交流沙龙活动", "  方案：https://example.org/plan",
        "  申请意向：文化品支持", "  支持预审：",
        "  · 文化品支持：预计规模 250 人，超过 100 人：可申请文化品约 25 份（约 10%，上限 30 份）",
        "  审核记录：", "    2017-11-12 09:00 o_city 驳回：缺方案", "    2017-11-13 09:00 cli 改为通过",
        f"如要改为驳回，请回复“改为驳回 {item_id} 理由”。"])
