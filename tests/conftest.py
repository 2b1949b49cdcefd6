"""Fixtures: the real backends when TEST_DATABASE_URL / TEST_REDIS_URL are set."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from bot.app import create_app
from bot.db import Database
from bot.services import Services
from bot.store import connect
from bot.wechat.fake import FakeServer, serve
from bot.wechat.fake_state import FakeWeChat
from bot.wechat.simulator import Simulator, flask_transport
from core.settings import EXAMPLE_CONFIG, Settings, read_toml
from tests.support import TEST_APPID, Clock, database_url, make_settings, redis_url, reset_database


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say which backends this run uses."""
    db = os.environ.get("TEST_DATABASE_URL") or "SQLite (embedded default)"
    store = os.environ.get("TEST_REDIS_URL") or "memory:// (embedded default)"
    return [f"backends: database={db} redis={store}"]


@pytest.fixture(scope="session")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate a fresh schema once per run."""
    url = database_url(str(tmp_path_factory.mktemp("db")))
    database = Database(url)
    if database.dialect == "postgresql":
        with database.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    database.upgrade()
    database.dispose()
    return url


@pytest.fixture()
def store_url() -> str:
    """The store URL of this test."""
    return redis_url()


@pytest.fixture()
def clock() -> Clock:
    """The services' clock; real time until a test sets it."""
    return Clock()


@pytest.fixture()
def settings_factory(db_url: str, store_url: str) -> Callable[..., Settings]:
    """Build settings on the test backends with per-section overrides."""
    return lambda **overrides: make_settings(db_url, store_url, **overrides)


@pytest.fixture()
def settings(settings_factory: Callable[..., Settings]) -> Settings:
    """The example settings on the test backends."""
    return settings_factory()


@pytest.fixture()
def clean_backends(db_url: str, store_url: str) -> None:
    """Empty the test database and store before the test."""
    database = Database(db_url)
    reset_database(database.engine)
    database.dispose()
    store = connect(store_url, 1.0)
    store.flushdb()
    store.close()


@pytest.fixture()
def app_factory(clock: Clock, clean_backends: None) -> Iterator[Callable[[Settings], Flask]]:
    """Build apps on clean backends; every one built is closed at the end."""
    built: list[Services] = []

    def build(settings: Settings) -> Flask:
        app = create_app(settings)
        services: Services = app.extensions["youthvoice"]
        services.clock = clock
        built.append(services)
        return app

    yield build
    for services in built:
        services.close()


@pytest.fixture()
def app(app_factory: Callable[[Settings], Flask], settings: Settings) -> Flask:
    """The bot on the test backends."""
    return app_factory(settings)


@pytest.fixture()
def services(app: Flask) -> Services:
    """The app's services."""
    return app.extensions["youthvoice"]


@pytest.fixture()
def client(app: Flask) -> Any:
    """A Flask test client."""
    return app.test_client()


@pytest.fixture()
def sim(app: Flask) -> Simulator:
    """WeChat, talking to the webhook through the test client."""
    return Simulator(app.extensions["youthvoice"].settings, flask_transport(app.test_client()))


@pytest.fixture(scope="session")
def fake_wechat_server() -> Iterator[FakeServer]:
    """WeChat's server API, faked on a loopback port for the whole run."""
    secret = read_toml(EXAMPLE_CONFIG)["wechat"]["app_secret"]
    server = serve(FakeWeChat(TEST_APPID, secret))
    yield server
    server.stop()


@pytest.fixture()
def fake_wechat(fake_wechat_server: FakeServer) -> FakeWeChat:
    """The fake, reset; `settings_factory(**fake_wechat.override)` points the bot at it."""
    fake_wechat_server.fake.reset()
    return fake_wechat_server.fake
