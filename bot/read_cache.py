"""What one worker may reuse to answer a message that changes nothing, and how it hears that it
must not.

The read-only replies (帮助, 项目, 排行, 规则) are most of what followers send while a contest runs,
and each used to cost the follower's SQL lookup and, for the public ones, the board's queries.
Two small maps in the worker's memory take that away:

- `followers`: what a read-only reply learnt of its sender (roles, following, no draft open), so
  the next read-only reply from the same follower needs no SQL at all;
- `answers`: the public replies (项目, 排行, 规则: the same for every follower), by their words.

Neither is ever used for a message that changes something: those read SQL as always.

Every change is heard by every worker: the exactly-once gate's closing step (the Lua script that
stores a message's answer, bot/exactly_once.py) publishes the sender's openid on the store's
channel, in the same round trip; the console and the CLI publish "*" when they commit. Each worker
reads the channel without blocking before it answers a message, and forgets what it heard of
(the follower, and every public answer).

A vote changes only what the public answers show, and a busy contest has hundreds a second: said
each time, every worker would read every one. So a vote says "#answers" only when the store's
"told" flag is down, and raises it in the same step; a worker lowers the flag before it computes a
public answer to keep. Whichever vote commits after that answer read SQL closes after the flag
went down: either it finds the flag down and says so, or the vote that raised it since has said
so. Either way the worker hears it at a later message and forgets the answer, as before; between
two computed answers, the votes are said once. A worker not subscribed (the store down, or its
subscription lost) reuses nothing until it is subscribed again, and a new subscription starts
empty, since what was said meanwhile is lost. The entries' ages (`[accounts]
follower_cache_seconds`, `[contest] read_cache_seconds`; 0 turns either off) are the backstop for
what nobody announces (a job's writes, a change straight in SQL).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import logging
import os
import time
from collections.abc import Hashable
from typing import Any, Generic, TypeVar

from redis.exceptions import RedisError
from sqlalchemy import inspect as sa_inspect

from bot.context import Reply
from bot.exactly_once import Announce
from bot.store import Store, StoreUnavailable
from models.accounts import Role, User

log = logging.getLogger(__name__)
EVERYTHING = "*"  # said on the channel: forget every entry
ANSWERS = "#answers"  # said on the channel: forget the public answers (no openid starts with #)

V = TypeVar("V")


@dataclasses.dataclass(frozen=True)
class KnownFollower:
    """A follower as a read-only reply found them: a detached copy, read and never written."""

    user: User
    roles: frozenset[Role]


class Change(enum.Enum):
    """What a message wrote, as the other workers' read caches must hear it."""

    NOTHING = "nothing"  # a refusal: rolled back, nothing to forget
    PUBLIC = "public"    # only what the public answers show (a vote's one statement)
    SENDER = "sender"    # the sender's row, roles or draft, and maybe the public answers


class TimedCache(Generic[V]):
    """A bounded map whose entries expire `seconds` after they were put (0 keeps nothing).

    Time is the bot's own clock (tests move it), and an entry from the future (a clock set back)
    counts as expired. When full, the oldest entry makes room (dicts keep insertion order).
    """

    def __init__(self, seconds: float, size: int) -> None:
        self.ttl = dt.timedelta(seconds=seconds)
        self.size = size
        self._entries: dict[Hashable, tuple[dt.datetime, V]] = {}

    def get(self, key: Hashable, now: dt.datetime) -> V | None:
        """The value put under `key` less than `seconds` ago, else None."""
        found = self._entries.get(key)
        if found is None:
            return None
        at, value = found
        if not dt.timedelta(0) <= now - at < self.ttl:
            self._entries.pop(key, None)
            return None
        return value

    def put(self, key: Hashable, value: V, now: dt.datetime) -> None:
        """Keep `value` under `key` from `now` (a no-op when the cache is off)."""
        if not self.ttl:
            return
        self._entries.pop(key, None)  # re-inserted last: the oldest stays first
        if len(self._entries) >= self.size:
            self._entries.pop(next(iter(self._entries)), None)
        self._entries[key] = (now, value)

    def forget(self, key: Hashable) -> None:
        """Drop one entry."""
        self._entries.pop(key, None)

    def clear(self) -> None:
        """Drop every entry."""
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def detached_copy(user: User) -> User:
    """A copy of the user's loaded columns that belongs to no session (safe to keep between
    requests); reading what was not loaded would cost a query, so it is not copied."""
    loaded = sa_inspect(user).dict
    return User(**{attr.key: loaded[attr.key] for attr in User.__mapper__.column_attrs if attr.key in loaded})


class Channel:
    """This worker's subscription to the channel on which every worker says what it changed."""

    RETRY_SECONDS = 1.0      # a lost subscription is tried again at most this often
    SUBSCRIBE_SECONDS = 1.0  # the longest wait for the server's confirmation

    def __init__(self, store: Store) -> None:
        self.store = store
        db = store.redis.connection_pool.connection_kwargs.get("db", 0)
        # Pub/sub ignores the db number: name it, so that another db's bot is not heard.
        self.name = store.key("readcache", db)
        self.told = store.key("readcache", db, "told")  # raised by the vote that said ANSWERS
        self._sub: Any = None
        self._pid = 0
        self._retry_at = 0.0

    def hear(self) -> list[str] | None:
        """What was said since the last call; None while not subscribed (reuse nothing then)."""
        if self._sub is None or self._pid != os.getpid():  # a forked worker needs its own socket
            return [EVERYTHING] if self._subscribe() else None
        heard: list[str] = []
        try:
            while (message := self._sub.get_message(ignore_subscribe_messages=True, timeout=0.0)) is not None:
                heard.append(message["data"].decode())
        except (RedisError, OSError, ValueError):
            log.warning("read cache: lost the channel; reusing nothing until subscribed again", exc_info=True)
            self.close()
            self._retry_at = time.monotonic() + self.RETRY_SECONDS
            return None
        return heard

    def say(self, what: str) -> None:
        """Tell every worker (this one too) to forget `what` (an openid, or EVERYTHING)."""
        try:
            self.store.redis.publish(self.name, what)
        except RedisError as exc:
            raise StoreUnavailable(str(exc)) from exc

    def close(self) -> None:
        """Drop the subscription."""
        sub, self._sub = self._sub, None
        if sub is not None:
            try:
                sub.close()
            except (RedisError, OSError):
                log.debug("read cache: closing a dead subscription failed", exc_info=True)

    def _subscribe(self) -> bool:
        if time.monotonic() < self._retry_at:
            return False
        self._sub = None
        sub = self.store.redis.pubsub()
        try:
            sub.subscribe(self.name)
            confirmed = sub.get_message(timeout=self.SUBSCRIBE_SECONDS)
        except (RedisError, OSError):
            confirmed = None
        if not confirmed or confirmed.get("type") != "subscribe":
            log.warning("read cache: could not subscribe to %s; reusing nothing for now", self.name)
            sub.close()
            self._retry_at = time.monotonic() + self.RETRY_SECONDS
            return False
        self._sub, self._pid = sub, os.getpid()
        return True


class ReadCache:
    """The worker's two maps and its ear on the channel (see the module's docstring)."""

    FOLLOWERS = 50_000   # entries: ~1 KB each at most, so a worker keeps under 50 MB
    ANSWERS = 512        # public answers: a few dozen pages exist; the bound stops odd texts
    # Drained ten times a second: reading a second's worth of a busy contest's announcements at
    # once (~560 of them, 9.5 us each) held up one message by 5 ms, and those queued behind it.
    DRAIN_SECONDS = 0.1

    def __init__(self, follower_seconds: float, answer_seconds: float, store: Store) -> None:
        self.followers: TimedCache[KnownFollower] = TimedCache(follower_seconds, self.FOLLOWERS)
        self.answers: TimedCache[Reply] = TimedCache(answer_seconds, self.ANSWERS)
        self.channel = Channel(store)
        self.usable = False
        self._heard_at = 0.0

    def listen_now_and_then(self) -> None:
        """For a message that reuses nothing: keep the channel from piling up, at most every
        DRAIN_SECONDS (a worker answering only votes would otherwise never read it)."""
        if time.monotonic() - self._heard_at >= self.DRAIN_SECONDS:
            self.listen()

    def listen(self) -> bool:
        """Apply what every worker said since the last message; whether entries may be reused."""
        self._heard_at = time.monotonic()
        heard = self.channel.hear()
        self.usable = heard is not None
        if heard is None:
            self.clear()
            return False
        for what in heard:
            if what == EVERYTHING:
                self.clear()
                break
            if what != ANSWERS:
                self.followers.forget(what)
            self.answers.clear()
        return self.usable

    def follower(self, openid: str, now: dt.datetime) -> KnownFollower | None:
        """The follower as read a moment ago, if this worker may reuse it."""
        return self.followers.get(openid, now) if self.usable else None

    def remember_follower(self, openid: str, found: KnownFollower, now: dt.datetime) -> None:
        """Keep what a read-only reply read of its sender."""
        if self.usable:
            self.followers.put(openid, found, now)

    def answer(self, key: Hashable, now: dt.datetime) -> Reply | None:
        """A public reply computed a moment ago, if this worker may reuse it."""
        return self.answers.get(key, now) if self.usable else None

    def before_answer(self) -> bool:
        """Lower the told flag before a public answer is computed; whether it may be kept (not
        when the flag stays up: a vote after the answer's reading would go unsaid)."""
        if not self.usable or not self.answers.ttl:
            return False
        try:
            self.channel.store.delete(self.channel.told)
        except StoreUnavailable:
            log.warning("read cache: could not lower the told flag; not keeping the answer", exc_info=True)
            return False
        return True

    def remember_answer(self, key: Hashable, reply: Reply | None, now: dt.datetime) -> None:
        """Keep a public reply computed after `before_answer` (no reply is not kept)."""
        if self.usable and reply is not None:
            self.answers.put(key, reply, now)

    def clear(self) -> None:
        """Forget everything."""
        self.followers.clear()
        self.answers.clear()

    def wrote(self, openid: str) -> None:
        """This worker committed a change for `openid`: forget at once what it could have changed
        (the others hear it from the gate's closing step)."""
        self.followers.forget(openid)
        self.answers.clear()

    def changed(self) -> None:
        """An operator changed something (console, CLI): every worker forgets everything."""
        self.clear()
        try:
            self.channel.say(EVERYTHING)
        except StoreUnavailable:
            log.warning("read cache: could not tell the other workers; their entries expire on their own")

    def announce(self, change: Change) -> Announce | None:
        """How the gate's closing step says a kept answer's change: not at all, the sender's
        openid, or for a vote, ANSWERS once per computed answer."""
        if change is Change.NOTHING:
            return None
        if change is Change.PUBLIC:
            return Announce(self.channel.name, self.channel.told, ANSWERS)
        return Announce(self.channel.name)

    def close(self) -> None:
        """Drop the subscription."""
        self.channel.close()
