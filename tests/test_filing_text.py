"""What the user typed (`<`, `&`, `]]>`, emoji) is kept exactly: stored fields, summary, lists.

These run through the dispatcher (routing, dialog, transaction) without the XML layer, whose
rendering of such text is tested with the webhook itself.
"""
from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

from flask import Flask
from sqlalchemy import select

from bot.context import Incoming
from bot.dispatch import dispatch
from bot.services import Services
from core.settings import Settings
from models.filing import FilingItem, FilingReview
from tests.support import TZ, Clock, create_org

NAME = "<b>青年&沙龙]]>🎉"
LOCATION = "A&B <会议室> ]]> 🏠"
DESCRIPTION = "<简介>&amp;]]>😀👍🏻面向青年的交流活动"
REASON = "<不行>&]]>🙅‍♀️ 请补充"
COUNTER = itertools.count(1)


def say(services: Services, openid: str, text: str) -> str:
    """Send one text message through the dispatcher and return the reply's text."""
    n = next(COUNTER)
    outcome = dispatch(services, Incoming(openid=openid, type="text", create_time=1_500_000_000 + n,
                                          text=text, msg_id=str(n)))
    assert outcome.reply is not None
    return outcome.reply.text


def test_typed_text_kept_exactly(app_factory: Callable[[Settings], Flask],
                                 settings_factory: Callable[..., Settings], clock: Clock) -> None:
    """Every character survives the dialog, the summary, the filing, 审核 N and 我的申报."""
    clock.set(dt.datetime(2017, 11, 12, 9, 0, tzinfo=TZ))
    services: Services = app_factory(settings_factory(admins={"openids": ["o_city"]})).extensions["youthvoice"]
    with services.db.session() as s:
        create_org(s, admins=("o_t",))
    say(services, "o_t", "申报")
    say(services, "o_t", "是")
    assert f"✓ 活动名称：{NAME}" in say(services, "o_t", NAME)
    say(services, "o_t", "11月20日")
    assert f"✓ 活动地点：{LOCATION}" in say(services, "o_t", LOCATION)
    say(services, "o_t", "200")
    say(services, "o_t", "1")
    assert f"✓ 活动简介：{DESCRIPTION}" in say(services, "o_t", DESCRIPTION)
    say(services, "o_t", "跳过")
    say(services, "o_t", "1")
    summary = say(services, "o_t", "2")
    assert f"2. 活动名称：{NAME}\n" in summary and f"4. 活动地点：{LOCATION}\n" in summary
    assert f"7. 活动简介：{DESCRIPTION[:12]}…\n" in summary
    assert "申报已提交" in say(services, "o_t", "确认")
    with services.db.session() as s:
        item = s.scalars(select(FilingItem)).one()
        assert (item.name, item.location, item.description) == (NAME, LOCATION, DESCRIPTION)
    full = say(services, "o_city", "审核 1")
    assert f"【活动编号 1】{NAME}（待审核）" in full
    assert f"活动地点：{LOCATION}\n" in full and f"活动简介：{DESCRIPTION}\n" in full
    assert f"简介：{DESCRIPTION[:40]}" in say(services, "o_city", "审核")
    assert say(services, "o_city", f"驳回 1 {REASON}") == (
        f"已将活动 1“{NAME}”标记为已驳回，并通知该组织的管理员。")
    with services.db.session() as s:
        assert s.scalars(select(FilingReview.comment)).one() == REASON
    mine = say(services, "o_t", "我的申报")
    assert f"【活动编号 1】{NAME}\n" in mine and f"审核意见：{REASON}\n" in mine
