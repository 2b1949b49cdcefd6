"""Test helpers: backends, a settable clock, app builders and plain `create_*` helpers."""
from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from core.settings import EXAMPLE_CONFIG, Settings, merge, read_toml, settings_from_dict
from models import Base
from models.accounts import User, get_or_create_user
from models.orgs import OrgAdmin, Organisation, OrgKind, add_org

if TYPE_CHECKING:  # the helpers for models alone load no part of the bot
    from bot.read_cache import ReadCache

TZ = dt.timezone(dt.timedelta(hours=8))
TEST_TOKEN = "testtoken"
TEST_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
TEST_APPID = "wx2c2769f8efd9abc2"
TEST_CONSOLE_KEY = "test-console-secret-key-0123456789"


def database_url(tmp_dir: str) -> str:
    """The database under test: $TEST_DATABASE_URL, else a SQLite file."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_dir}/test.db"


def redis_url() -> str:
    """The store under test: $TEST_REDIS_URL, else an in-process store."""
    return os.environ.get("TEST_REDIS_URL") or f"memory://test-{uuid.uuid4().hex}"


class Clock:
    """A settable clock for the services: tests move time on purpose."""

    def __init__(self, now: dt.datetime | None = None) -> None:
        self.current = now

    def __call__(self) -> dt.datetime:
        """The current time: the fixed one when set, else the real one."""
        return self.current or dt.datetime.now(dt.UTC)

    def set(self, when: dt.datetime) -> None:
        """Fix the clock at an aware time."""
        self.current = when

    def advance(self, delta: dt.timedelta) -> None:
        """Move the fixed clock forward."""
        self.current = self() + delta


def make_settings(db_url: str, store_url: str, **overrides: Any) -> Settings:
    """The example settings pointed at the test backends, with overrides per section."""
    data = read_toml(EXAMPLE_CONFIG)
    data = merge(data, {"database": {"url": db_url}, "redis": {"url": store_url},
                        "wechat": {"token": TEST_TOKEN, "app_id": TEST_APPID},
                        "console": {"secret_key": TEST_CONSOLE_KEY}})
    return settings_from_dict(merge(data, overrides))


def reset_database(engine: sa.Engine) -> None:
    """Empty every table between tests (the schema stays)."""
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            return
        for name in tables:
            conn.execute(sa.text(f"DELETE FROM {name}"))
        if conn.execute(sa.text("SELECT name FROM sqlite_master WHERE name='sqlite_sequence'")).first():
            conn.execute(sa.text("DELETE FROM sqlite_sequence"))


def create_user(session: Session, openid: str, subscribed: bool = True) -> User:
    """A follower."""
    user = get_or_create_user(session, openid)
    user.subscribed = subscribed
    session.flush()
    return user


def create_org(session: Session, name: str = "石龙团委", town: str = "石龙",
               kind: OrgKind = OrgKind.TOWN, admins: tuple[str, ...] = ()) -> Organisation:
    """An organisation with its bound admins."""
    org = add_org(session, name, town, kind)
    for openid in admins:
        session.add(OrgAdmin(org_id=org.id, user_id=create_user(session, openid).id))
    session.flush()
    return org


def settle_channel(cache: ReadCache, seconds: float = 2.0) -> None:
    """Wait until everything said on the worker's read-cache channel so far has reached it.

    Redis hands a PUBLISH to the subscribers as it answers the publisher, so an earlier change may
    land a moment after its reply; a budget counted then would depend on when. A marker said now
    arrives after every earlier message, and what is heard meanwhile is thrown away: the caller
    clears the cache next.
    """
    marker = f"settle-{uuid.uuid4().hex}"
    cache.channel.say(marker)
    until = time.monotonic() + seconds
    while marker not in (cache.channel.hear() or []):
        assert time.monotonic() < until, "the read-cache channel did not deliver the marker"
        time.sleep(0.005)
