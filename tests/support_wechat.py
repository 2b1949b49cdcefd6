"""Helpers for tests of the WeChat API client: services and clients pointed at the fake."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask

from bot.services import Services
from bot.store import Store, connect
from bot.wechat.api import WeChatClient
from bot.wechat.fake_state import FakeWeChat
from core.settings import Settings


def fake_settings(settings_factory: Callable[..., Settings], fake: FakeWeChat,
                  **wechat: Any) -> Settings:
    """Test settings with the API at the fake and optional [wechat] overrides."""
    return settings_factory(wechat={**fake.override["wechat"], **wechat})


def create_services(app_factory: Callable[[Settings], Flask], settings: Settings) -> Services:
    """The services of a freshly built app (the first one built starts on a clean store)."""
    return app_factory(settings).extensions["youthvoice"]


@contextmanager
def create_clients(settings: Settings, count: int) -> Iterator[list[WeChatClient]]:
    """Clients with their own store connections, as other processes would have; closed after."""
    stores = [Store(connect(settings.redis.url, settings.redis.socket_timeout_seconds))
              for _ in range(count)]
    clients = [WeChatClient(settings, store) for store in stores]
    try:
        yield clients
    finally:
        for client, store in zip(clients, stores, strict=True):
            client.close()
            store.redis.close()
