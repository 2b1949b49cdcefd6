"""Replies that are always valid XML: `]]>`, `<`, `&`, emoji and full-width digits kept exactly.

Every message goes in as WeChat sends it (CDATA, a typed `]]>` split across two sections) and
every reply is read back with the standard library's XML parser, in plaintext and safe mode.
"""
from __future__ import annotations

import datetime as dt
import itertools
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from bot.context import Article, Incoming, Reply
from bot.push.sender import Sender
from bot.services import Services
from bot.wechat.fake_state import FakeWeChat
from bot.wechat.protocol import cdata, render, to_incoming
from bot.wechat.simulator import Simulator, flask_transport, message_xml
from core.settings import Settings
from tests.support import TEST_AES_KEY, TZ, Clock, create_org, create_user
from tests.support_contest import create_round
from tests.support_supervisor import create_supervisor

HOSTILE = "<b>&amp;]]>😀１２３"  # 16 characters: fits a template's thing value with a prefix
NOW = dt.datetime(2017, 11, 12, 9, 0, tzinfo=TZ)
REVIEW = {"template_id": "T_REVIEW", "url": "",
          "fields": {"title": "thing1", "state": "thing2", "reason": "thing3"}}
_ids = itertools.count(1)


class Chat:
    """Sends as WeChat does and reads each reply with a real XML parser."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.services: Services = app.extensions["youthvoice"]
        self.sim = Simulator(self.services.settings, flask_transport(app.test_client()))

    def say(self, openid: str, text: str) -> str:
        """The reply's Content, parsed by the standard library's XML parser."""
        fields = {"MsgType": "text", "Content": text, "MsgId": next(_ids)}
        status, body = self.sim.post_raw(message_xml(openid, fields, int(NOW.timestamp())))
        assert status == 200, body
        if self.sim.crypto is not None:
            envelope = ET.fromstring(body)
            body = self.sim.crypto.decrypt_message(
                body, envelope.findtext("MsgSignature"), envelope.findtext("TimeStamp"),
                envelope.findtext("Nonce")).encode()
        return ET.fromstring(body).findtext("Content") or ""


@pytest.fixture(params=[False, True], ids=["plain", "safe"])
def wx(request: pytest.FixtureRequest, app_factory: Callable[[Settings], Flask],
       settings_factory: Callable[..., Settings], clock: Clock, fake_wechat: FakeWeChat) -> Chat:
    """The bot on the 2017 campaign's filing day, talked to in plaintext and in safe mode."""
    clock.set(NOW)
    overrides: dict[str, Any] = {"admins": {"openids": ["o_city"]},
                                 "push": {"templates": {"review_result": REVIEW}},
                                 "wechat": {**fake_wechat.override["wechat"]}}
    if request.param:
        overrides["wechat"]["encoding_aes_key"] = TEST_AES_KEY
    return Chat(app_factory(settings_factory(**overrides)))


FILING = ["申报", "是", "名" + HOSTILE, "11月20日", "地" + HOSTILE, "250", "1", "简介" + HOSTILE,
          "跳过", "3"]


def test_the_filing_dialog_echoes_every_answer_exactly(wx: Chat) -> None:
    with wx.services.db.session() as s:
        create_org(s, "石龙团委", "石龙", admins=("o_admin_1",))
    replies = [wx.say("o_admin_1", text) for text in FILING]
    assert replies[2].startswith(f"✓ 活动名称：名{HOSTILE}\n")
    assert replies[4].startswith(f"✓ 活动地点：地{HOSTILE}\n")
    assert replies[7].startswith(f"✓ 活动简介：简介{HOSTILE}\n")

    summary = wx.say("o_admin_1", "2").splitlines()
    assert f"2. 活动名称：名{HOSTILE}" in summary and f"4. 活动地点：地{HOSTILE}" in summary
    assert "7. 活动简介：简介<b>&amp;]]…" in summary  # the summary's own cut, not the XML's
    submitted = wx.say("o_admin_1", "确认").splitlines()
    assert f"【1】名{HOSTILE}（活动编号 1）" in submitted


def test_review_reason_my_filings_and_the_review_notice(wx: Chat, fake_wechat: FakeWeChat) -> None:
    with wx.services.db.session() as s:
        create_org(s, "石龙团委", "石龙", admins=("o_admin_1",))
    for text in [*FILING, "2", "确认"]:
        wx.say("o_admin_1", text)
    pending = wx.say("o_city", "审核").splitlines()
    assert f"【活动编号 1】名{HOSTILE}" in pending

    rejected = wx.say("o_city", "驳回 1 理由" + HOSTILE)
    assert rejected == f"已将活动 1“名{HOSTILE}”标记为已驳回，并通知该组织的管理员。"
    listed = wx.say("o_admin_1", "我的申报").splitlines()
    assert f"【活动编号 1】名{HOSTILE}" in listed and f"  审核意见：理由{HOSTILE}" in listed
    detail = wx.say("o_admin_1", "我的申报 1").splitlines()
    assert detail[0] == f"【活动编号 1】名{HOSTILE}" and f"  审核意见：理由{HOSTILE}" in detail

    assert Sender(wx.services).run().counts["sent"] == 1
    (sent,) = fake_wechat.sent("message/template/send")
    values = [v["value"] for v in (sent.body or {})["data"].values()]
    assert f"名{HOSTILE}" in values and f"理由{HOSTILE}" in values


def test_the_showcase_the_leaderboard_and_a_vote(wx: Chat) -> None:
    with wx.services.db.session() as s:
        create_round(s, wx.services.settings, "2017-11", entries=2, prefix=HOSTILE)
        create_user(s, "o_fan")
    showcase = wx.say("o_fan", "项目").splitlines()
    assert showcase[1:3] == [f"1. {HOSTILE}1（石龙·石龙团委）", f"2. {HOSTILE}2（石龙·石龙团委）"]
    one = wx.say("o_fan", "项目 1").splitlines()
    assert one[0] == f"1号 {HOSTILE}1" and one[-1] == f"简介：{HOSTILE}1的简介"
    assert f"{HOSTILE}1" in wx.say("o_fan", "投票 1")
    board = wx.say("o_fan", "排行").splitlines()
    assert f"1. 1号 {HOSTILE}1 1票" in board


def test_the_supervisor_reply(wx: Chat) -> None:
    with wx.services.db.session() as s:
        create_round(s, wx.services.settings, "2017-11", entries=1, prefix=HOSTILE)
        create_supervisor(s, "o_sup", "石龙")
        create_org(s, "团" + HOSTILE, "石龙")
    lines = wx.say("o_sup", "督导 石龙").splitlines()
    assert f"  第1名 1号 {HOSTILE}1 0票" in lines
    assert lines[-1] == f"未申报的组织（1 个）：团{HOSTILE}"


def test_unknown_text_is_echoed_exactly(wx: Chat) -> None:
    assert wx.say("o_someone", HOSTILE).startswith(f"抱歉，没有理解“{HOSTILE}”。\n")


def test_a_late_reply_goes_out_as_sent(wx: Chat, fake_wechat: FakeWeChat) -> None:
    wx.services.late_reply("o_late", Reply(text=f"迟到的回复{HOSTILE}"), cause="m1")
    assert Sender(wx.services).run().counts["sent"] == 1
    (sent,) = fake_wechat.sent("message/custom/send")
    assert (sent.body or {})["text"]["content"] == f"迟到的回复{HOSTILE}"


INCOMING = Incoming(openid="o_x", type="text", create_time=0, text="", event="", event_key="",
                    msg_id="1", raw={"ToUserName": "gh_youthvoice"})


@pytest.mark.parametrize("text", ["]]>", "]]]]>", "a]]>b]]>c", "]", "]]", "x]", "<![CDATA[",
                                  "&lt;&", "😀１２３", "]]>" * 3 + "]"])
def test_text_replies_keep_every_character(text: str) -> None:
    root = ET.fromstring(render(Reply(text=text), INCOMING))
    assert root.findtext("Content") == text
    assert (root.findtext("ToUserName"), root.findtext("FromUserName")) == ("o_x", "gh_youthvoice")
    assert root.findtext("MsgType") == "text" and root.findtext("CreateTime", "").isdigit()


def test_news_replies_keep_every_character() -> None:
    article = Article(title=f"标题{HOSTILE}", description=f"描述{HOSTILE}",
                      url="https://x.example/?a=1&b=]]>", image="https://x.example/p.png?&")
    event = Incoming(**{**INCOMING.__dict__, "type": "event"})
    root = ET.fromstring(render(Reply(articles=(article, article)), event))
    assert root.findtext("MsgType") == "news" and root.findtext("ArticleCount") == "2"
    items = root.findall("Articles/item")
    assert [(i.findtext("Title"), i.findtext("Description"), i.findtext("Url"), i.findtext("PicUrl"))
            for i in items] == [(article.title, article.description, article.url, article.image)] * 2


def test_characters_xml_cannot_carry_are_dropped_not_fatal() -> None:
    root = ET.fromstring(render(Reply(text="a\x00b\x1bc\td\ne\ufffe"), INCOMING))
    assert root.findtext("Content") == "abc\td\ne"


def test_what_the_simulator_sends_is_what_wechat_sends() -> None:
    body = message_xml("o_x", {"MsgType": "text", "Content": f" {HOSTILE} ", "MsgId": 7}, 1)
    assert b"<Content><![CDATA[ <b>&amp;]]]]><![CDATA[>\xf0\x9f\x98\x80" in body
    incoming = to_incoming(body)
    assert (incoming.text, incoming.msg_id, incoming.openid) == (HOSTILE, "7", "o_x")
    assert cdata("]]>") == "<![CDATA[]]]]><![CDATA[>]]>"
