"""The shared access token: one fetch for every process, one refresher under a lock."""
from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask

from bot.wechat.api import WeChatClient
from bot.wechat.errors import BadCredentials, Busy, TokenInvalid
from bot.wechat.fake_state import FakeWeChat
from core.settings import Settings
from tests.support_wechat import create_clients, create_services, fake_settings

WORKERS = 20


def _together(clients: list[WeChatClient], work: Callable[[int, WeChatClient], Any]) -> list[Any]:
    """Run work on every client in its own thread, all released at the same moment."""
    barrier = threading.Barrier(len(clients))

    def run(index: int) -> Any:
        barrier.wait()
        return work(index, clients[index])

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(run, range(len(clients))))


@pytest.fixture()
def wx_settings(settings_factory: Callable[..., Settings], fake_wechat: FakeWeChat,
                app_factory: Callable[[Settings], Flask]) -> Settings:
    """Settings pointed at the fake, on a store emptied by building one app."""
    settings = fake_settings(settings_factory, fake_wechat)
    create_services(app_factory, settings)
    return settings


def test_token_is_fetched_once_and_shared_by_two_services(
        app_factory: Callable[[Settings], Flask], wx_settings: Settings,
        fake_wechat: FakeWeChat) -> None:
    first = create_services(app_factory, wx_settings)
    second = create_services(app_factory, wx_settings)
    assert first.api is not second.api
    assert first.api.get_token() == second.api.get_token()
    second.api.send_custom_text("o_a", "你好")
    first.api.send_custom_text("o_b", "你好")
    assert fake_wechat.token_fetches == 1
    assert [c.query["access_token"] for c in fake_wechat.sent("message/custom/send")] == \
        [first.api.get_token()] * 2


def test_stable_token_is_asked_without_force(wx_settings: Settings, fake_wechat: FakeWeChat) -> None:
    with create_clients(wx_settings, 1) as (client,):
        client.get_token()
    (call,) = fake_wechat.calls
    assert call.path == "stable_token"
    assert call.body == {"grant_type": "client_credential", "appid": wx_settings.wechat.app_id,
                         "secret": wx_settings.wechat.app_secret, "force_refresh": False}


def test_classic_token_api_when_configured(settings_factory: Callable[..., Settings],
                                           fake_wechat: FakeWeChat,
                                           app_factory: Callable[[Settings], Flask]) -> None:
    services = create_services(app_factory, fake_settings(settings_factory, fake_wechat,
                                                          token_api="classic"))
    services.api.send_custom_text("o_a", "你好")
    assert [c.path for c in fake_wechat.calls] == ["token", "message/custom/send"]
    assert fake_wechat.calls[0].query["appid"] == services.settings.wechat.app_id


def test_many_workers_needing_a_token_at_once_fetch_it_once(
        wx_settings: Settings, fake_wechat: FakeWeChat) -> None:
    fake_wechat.inject("stable_token", delay=0.3)  # a slow fetch widens the race
    with create_clients(wx_settings, WORKERS) as clients:
        tokens = _together(clients, lambda i, c: c.get_token())
    assert fake_wechat.token_fetches == 1
    assert len(set(tokens)) == 1


def test_many_workers_refused_at_once_force_one_refresh(
        wx_settings: Settings, fake_wechat: FakeWeChat) -> None:
    with create_clients(wx_settings, WORKERS) as clients:
        old = clients[0].get_token()
        fake_wechat.revoke(old)
        fake_wechat.inject("stable_token", delay=0.3)
        _together(clients, lambda i, c: c.send_custom_text(f"o_{i}", "通知"))
        assert clients[0].get_token() != old
    fetches = fake_wechat.sent("stable_token")
    assert [c.body["force_refresh"] for c in fetches] == [False, True]
    assert len(fake_wechat.sent("message/custom/send")) == WORKERS


@pytest.mark.parametrize("code", [40001, 40014, 42001])
def test_refused_token_is_refreshed_once_and_the_call_retried(
        wx_settings: Settings, fake_wechat: FakeWeChat, code: int) -> None:
    with create_clients(wx_settings, 1) as (client,):
        client.get_token()
        fake_wechat.inject("message/custom/send", errcode=code)
        client.send_custom_text("o_a", "你好")
    sends = fake_wechat.calls_to("message/custom/send")
    assert [c.errcode for c in sends] == [code, 0]
    assert sends[0].query["access_token"] != sends[1].query["access_token"]
    assert [c.body["force_refresh"] for c in fake_wechat.sent("stable_token")] == [False, True]


def test_token_refused_twice_is_not_refreshed_a_second_time(
        wx_settings: Settings, fake_wechat: FakeWeChat) -> None:
    fake_wechat.inject("message/custom/send", errcode=40001, times=2)
    with create_clients(wx_settings, 1) as (client,), pytest.raises(TokenInvalid) as caught:
        client.send_custom_text("o_a", "你好")
    assert caught.value.code == 40001
    assert len(fake_wechat.calls_to("message/custom/send")) == 2
    assert fake_wechat.token_fetches == 2


def test_token_expired_at_wechat_is_replaced(wx_settings: Settings, fake_wechat: FakeWeChat) -> None:
    with create_clients(wx_settings, 1) as (client,):
        old = client.get_token()
        fake_wechat.advance(7200)
        client.send_custom_text("o_a", "你好")
        assert client.get_token() != old
    assert [c.errcode for c in fake_wechat.calls_to("message/custom/send")] == [42001, 0]


def test_another_process_refresh_is_used_without_a_second_fetch(
        wx_settings: Settings, fake_wechat: FakeWeChat) -> None:
    with create_clients(wx_settings, 2) as (first, second):
        old = first.get_token()
        fake_wechat.revoke(old)
        first.send_custom_text("o_a", "你好")       # refreshes, forced
        assert second.tokens.refresh(old) == first.get_token()
    assert fake_wechat.token_fetches == 2


def test_busy_token_endpoint_raises_and_stores_nothing(
        wx_settings: Settings, fake_wechat: FakeWeChat) -> None:
    fake_wechat.inject("stable_token", errcode=-1)
    with create_clients(wx_settings, 1) as (client,):
        with pytest.raises(Busy) as caught:
            client.get_token()
        assert caught.value.retriable
        assert client.tokens.cached() is None
        assert client.get_token()
    assert fake_wechat.token_fetches == 1


def test_wrong_secret_is_a_configuration_error(
        settings_factory: Callable[..., Settings], fake_wechat: FakeWeChat,
        app_factory: Callable[[Settings], Flask]) -> None:
    services = create_services(app_factory, fake_settings(settings_factory, fake_wechat,
                                                          app_secret="wrong"))
    with pytest.raises(BadCredentials) as caught:
        services.api.send_custom_text("o_a", "你好")
    assert caught.value.code == 40125
    assert not caught.value.retriable
    assert fake_wechat.calls_to("message/custom/send") == []


@pytest.mark.parametrize(("expires_in", "ttl"), [(7200, 6900), (601, 301), (600, 300), (301, 300),
                                                 (300, 300), (120, 120), (0, 1)])
def test_token_is_kept_until_the_margin_before_expiry(
        wx_settings: Settings, expires_in: int, ttl: int) -> None:
    with create_clients(wx_settings, 1) as (client,):
        assert client.tokens._ttl(expires_in) == ttl
