"""WeChat's delivery reports, and replies that missed the 5-second deadline."""
from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from bot.context import Article, Reply
from bot.push.sender import Sender
from bot.wechat.fake_state import FakeWeChat
from bot.wechat.simulator import Simulator, flask_transport
from core.settings import Settings
from models.outbox import Channel, Status
from tests.support_push import push_settings, queue_templates, rows


@pytest.fixture()
def app(settings_factory: Callable[..., Settings], app_factory: Callable[[Settings], Flask],
        fake_wechat: FakeWeChat) -> Flask:
    """The bot at the fake, late replies falling back to the notice template."""
    return app_factory(push_settings(settings_factory, fake_wechat,
                                     push={"late_reply_template": "notice"}))


def _report(app: Flask, openid: str, msgid: str, status: str) -> tuple[int, str]:
    sim = Simulator(app.extensions["youthvoice"].settings, flask_transport(app.test_client()))
    return sim.send(openid, {"MsgType": "event", "Event": "TEMPLATESENDJOBFINISH",
                             "MsgID": msgid, "Status": status})


@pytest.mark.parametrize(("wx_status", "state"), [("success", Status.DELIVERED),
                                                  ("failed:user block", Status.SKIPPED),
                                                  ("failed: system failed", Status.FAILED)])
def test_templatesendjobfinish_marks_delivery(app: Flask, wx_status: str, state: str) -> None:
    """The report finds the row by WeChat's msgid and records the outcome; WeChat gets no reply."""
    services = app.extensions["youthvoice"]
    queue_templates(services, 2)
    Sender(services).run()
    sent = rows(services)["t:0"]
    status, body = _report(app, "o_t0", sent.wx_msgid, wx_status)
    assert status == 200 and body == ""
    got = rows(services)
    assert got["t:0"].status == state and got["t:1"].status == Status.SENT
    assert (got["t:0"].delivered_at is not None) == (state == Status.DELIVERED)


def test_a_report_of_an_unknown_msgid_changes_nothing(app: Flask) -> None:
    """A report for a message we never sent (or already marked) is ignored."""
    services = app.extensions["youthvoice"]
    queue_templates(services, 1)
    Sender(services).run()
    _report(app, "o_t0", "999999", "success")
    assert rows(services)["t:0"].status == Status.SENT


def test_late_reply_is_queued_once_and_sent_as_customer_service(app: Flask, fake_wechat) -> None:
    """A reply past the deadline goes out later, once per delivered message."""
    services = app.extensions["youthvoice"]
    services.late_reply("o_late", Reply(text="您的申报已提交"), "m:42")
    services.late_reply("o_late", Reply(text="您的申报已提交"), "m:42")
    services.late_reply("o_late", Reply(articles=(Article("本月项目", url="https://x/p"),)), "m:43")
    services.late_reply("o_late", None, "m:44")
    got = rows(services)
    assert len(got) == 2 and {r.channel for r in got.values()} == {Channel.CUSTOM}
    Sender(services).run()
    texts = [c.body["text"]["content"] for c in fake_wechat.sent("message/custom/send")]
    assert sorted(texts) == ["您的申报已提交", "本月项目 https://x/p"]


def test_late_reply_outside_the_window_falls_back_to_the_template(app: Flask, fake_wechat) -> None:
    """45015 for a late reply: the configured late-reply template carries it instead."""
    services = app.extensions["youthvoice"]
    fake_wechat.strict_windows = True
    services.late_reply("o_late", Reply(text="您的申报已提交，请等待审核"), "m:1")
    Sender(services).run()
    (call,) = fake_wechat.sent("message/template/send")
    assert call.body["touser"] == "o_late" and call.body["template_id"] == "tpl_notice"
