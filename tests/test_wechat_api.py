"""The WeChat API client against the fake over HTTP: payloads, error mapping, timeouts."""
from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from bot.services import Services
from bot.wechat import errors
from bot.wechat.api import WeChatClient, keyword_data
from bot.wechat.errors import Action, BadData, Transport, WeChatError
from bot.wechat.fake_state import FakeWeChat
from core.settings import Settings
from tests.support_wechat import create_services, fake_settings

MAPPED = [(-1, errors.Busy, Action.RETRY), (40003, errors.BadOpenid, Action.DROP),
          (40013, errors.BadCredentials, Action.FIX), (40037, errors.BadTemplate, Action.FIX),
          (40016, errors.BadMenu, Action.FIX), (43004, errors.NotFollower, Action.SKIP),
          (43101, errors.Refused, Action.SKIP), (45009, errors.DailyQuota, Action.STOP),
          (45011, errors.RateLimited, Action.RETRY), (45015, errors.OutsideWindow, Action.FALLBACK),
          (45028, errors.MassQuota, Action.STOP), (45047, errors.OverCount, Action.FALLBACK),
          (47003, errors.BadData, Action.FIX), (99999, WeChatError, Action.FIX)]


@pytest.fixture()
def api(app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings],
        fake_wechat: FakeWeChat) -> WeChatClient:
    """The services' client, pointed at the fake with a short timeout."""
    settings = fake_settings(settings_factory, fake_wechat, api_timeout_seconds=0.3)
    return create_services(app_factory, settings).api


def test_services_build_the_client_once_on_first_use(services: Services) -> None:
    assert "api" not in services.__dict__
    assert isinstance(services.api, WeChatClient)
    assert services.api is services.api


def test_send_template_posts_the_json_with_client_msg_id(api: WeChatClient,
                                                         fake_wechat: FakeWeChat) -> None:
    msgid = api.send_template("o_a", "TPL", {"thing1": "石龙镇青年活动", "time2": "2017-11-01"},
                              url="https://example.org/x", client_msg_id="contest:2017-11:o_a")
    (call,) = fake_wechat.sent("message/template/send")
    assert call.body == {"touser": "o_a", "template_id": "TPL", "url": "https://example.org/x",
                         "client_msg_id": "contest:2017-11:o_a",
                         "data": {"thing1": {"value": "石龙镇青年活动"},
                                  "time2": {"value": "2017-11-01"}}}
    assert call.answer["msgid"] == msgid
    assert "石龙镇".encode() in call.raw  # UTF-8, not \\u escapes WeChat would show verbatim


def test_resend_with_the_same_client_msg_id_is_one_message(api: WeChatClient,
                                                          fake_wechat: FakeWeChat) -> None:
    first = api.send_template("o_a", "TPL", {"thing1": "通知"}, client_msg_id="k1")
    again = api.send_template("o_a", "TPL", {"thing1": "通知"}, client_msg_id="k1")
    other = api.send_template("o_a", "TPL", {"thing1": "通知"}, client_msg_id="k2")
    assert first == again != other
    assert "url" not in fake_wechat.sent("message/template/send")[0].body


@pytest.mark.parametrize(("key", "value"), [("thing1", "一" * 21), ("thing1", "两行\n文字"),
                                            ("thing1", "回车\r"), ("character_string2", "9" * 33),
                                            ("phrase3", "六个字的词语")])
def test_bad_template_values_are_refused_before_sending(api: WeChatClient, fake_wechat: FakeWeChat,
                                                        key: str, value: str) -> None:
    with pytest.raises(BadData) as caught:
        api.send_template("o_a", "TPL", {key: value})
    assert key in caught.value.message
    assert fake_wechat.calls == []


@hsettings(max_examples=60, deadline=None)
@given(st.text(max_size=40))
def test_thing_values_pass_exactly_when_short_and_on_one_line(value: str) -> None:
    ok = len(value) <= 20 and "\n" not in value and "\r" not in value
    try:
        assert keyword_data({"thing1": value}) == {"thing1": {"value": value}}
        assert ok
    except BadData:
        assert not ok


def test_custom_text_subscribe_and_mass_payloads(api: WeChatClient, fake_wechat: FakeWeChat) -> None:
    api.send_custom_text("o_a", "您的申报已通过")
    api.send_subscribe("o_a", "SUB", {"thing1": "审核结果"}, page="pages/index")
    msg_id = api.mass_send_text("本月大赛开始投票", client_msg_id="mass:2017-11")
    bodies = [c.body for c in fake_wechat.calls if c.path != "stable_token"]
    assert bodies == [
        {"touser": "o_a", "msgtype": "text", "text": {"content": "您的申报已通过"}},
        {"touser": "o_a", "template_id": "SUB", "page": "pages/index",
         "data": {"thing1": {"value": "审核结果"}}},
        {"filter": {"is_to_all": True}, "msgtype": "text", "text": {"content": "本月大赛开始投票"},
         "clientmsgid": "mass:2017-11"}]
    assert msg_id > 0


def test_mass_resend_with_the_same_client_msg_id_returns_the_first_msg_id(
        api: WeChatClient, fake_wechat: FakeWeChat) -> None:
    first = api.mass_send_text("通知", client_msg_id="m1")
    assert api.mass_send_text("通知", client_msg_id="m1") == first
    assert [c.errcode for c in fake_wechat.calls_to("message/mass/sendall")] == [0, 45065]


@pytest.mark.parametrize(("code", "error", "action"), MAPPED)
def test_every_error_code_is_mapped(api: WeChatClient, fake_wechat: FakeWeChat, code: int,
                                    error: type[WeChatError], action: Action) -> None:
    fake_wechat.inject("message/custom/send", errcode=code)
    with pytest.raises(WeChatError) as caught:
        api.send_custom_text("o_a", "你好")
    assert type(caught.value) is error
    assert (caught.value.code, caught.value.action) == (code, action)
    assert caught.value.retriable == (action is Action.RETRY)
    assert len(fake_wechat.calls_to("message/custom/send")) == 1  # no retry but for the token


def test_token_codes_map_to_token_invalid() -> None:
    for code in (40001, 40014, 42001):
        error = errors.error_for({"errcode": code, "errmsg": "x"})
        assert isinstance(error, errors.TokenInvalid) and error.retriable


def test_a_slow_answer_becomes_a_clean_transport_error(api: WeChatClient,
                                                       fake_wechat: FakeWeChat) -> None:
    api.get_token()
    fake_wechat.inject("message/custom/send", delay=1.0)
    started = time.monotonic()
    with pytest.raises(Transport) as caught:
        api.send_custom_text("o_a", "你好")
    assert time.monotonic() - started < 0.9
    assert caught.value.retriable and "Timeout" in caught.value.message
    assert "access_token" not in caught.value.message


def test_a_slow_token_fetch_is_a_clean_error_too(api: WeChatClient, fake_wechat: FakeWeChat) -> None:
    fake_wechat.inject("stable_token", delay=1.0)
    with pytest.raises(Transport):
        api.send_custom_text("o_a", "你好")
    assert api.tokens.cached() is None


def test_an_html_error_page_becomes_a_transport_error(api: WeChatClient,
                                                      fake_wechat: FakeWeChat) -> None:
    fake_wechat.inject("menu/create", status=502)
    with pytest.raises(Transport) as caught:
        api.create_menu([{"type": "click", "name": "帮助", "key": "HELP"}])
    assert caught.value.code == -2


def test_an_unreachable_server_becomes_a_transport_error(
        app_factory: Callable[[Settings], Flask], settings_factory: Callable[..., Settings]) -> None:
    settings = settings_factory(wechat={"api_base_url": "http://127.0.0.1:9",
                                        "api_timeout_seconds": 0.3})
    with pytest.raises(Transport) as caught:
        create_services(app_factory, settings).api.send_custom_text("o_a", "你好")
    assert caught.value.retriable


def test_a_latency_within_the_timeout_is_fine(api: WeChatClient, fake_wechat: FakeWeChat) -> None:
    fake_wechat.latency = 0.05
    api.send_custom_text("o_a", "你好")
    assert len(fake_wechat.sent("message/custom/send")) == 1


def test_error_payload_is_kept(api: WeChatClient, fake_wechat: FakeWeChat) -> None:
    fake_wechat.unfollow("o_gone")
    with pytest.raises(errors.NotFollower) as caught:
        api.send_template("o_gone", "TPL", {"thing1": "通知"})
    assert caught.value.payload["errcode"] == 43004
    assert caught.value.message == "require subscribe"
