"""The long-lived parts of one running bot: settings, database, store, clock."""
from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.db import Database
from bot.logs import Tally
from bot.push.late import queue_late_reply
from bot.read_cache import ReadCache
from bot.store import Store, connect
from bot.wechat.api import WeChatClient
from core.settings import Settings

log = logging.getLogger(__name__)
SHED_LOG_SECONDS = 10.0  # under overload, one line this often says how many requests were shed


class Services:
    """Built once per process and shared by the webhook, the CLI and the scheduler."""

    def __init__(self, settings: Settings, clock: Callable[[], dt.datetime] | None = None) -> None:
        self.settings = settings
        self.tz = ZoneInfo(settings.scheduler.timezone)
        self.db = Database(settings.database.url)
        self.store = Store(connect(settings.redis.url, settings.redis.socket_timeout_seconds))
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.read_cache = ReadCache(settings.accounts.follower_cache_seconds,
                                    settings.contest.read_cache_seconds, self.store)
        # What the start found worth saying to whoever runs the server, said at the first request
        # it serves (bot/app.py): a command line (`flask --app wsgi ...`) has no use for them
        # before its own one line.
        self.notices: list[str] = []
        if settings.redis.url.startswith("memory://"):
            self.notices.append("store: memory:// is in-process; run a single process only (use Redis for more)")
        self.shed = Tally(logging.getLogger("bot.webhook"), "webhook: shed (answered at once, kept for "
                          "later) after waiting in the queue", SHED_LOG_SECONDS)

    def say_notices(self) -> None:
        """Log the start's notices once, at the first request served."""
        while self.notices:
            log.warning(self.notices.pop(0))

    def now(self) -> dt.datetime:
        """The current time in the configured time zone."""
        return self.clock().astimezone(self.tz)

    @functools.cached_property
    def api(self) -> WeChatClient:
        """WeChat's server API, built on first use (the webhook alone never needs it)."""
        return WeChatClient(self.settings, self.store)

    def close(self) -> None:
        """Release the database pool, the store's and the API's connections."""
        if "api" in self.__dict__:
            self.api.close()
        self.read_cache.close()
        self.db.dispose()
        self.store.redis.close()

    def late_reply(self, openid: str, reply: object, cause: str = "") -> None:
        """Queue a reply that missed WeChat's deadline as a customer-service message."""
        queue_late_reply(self, openid, reply, cause)
