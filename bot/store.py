"""The fast store: Redis, or an in-process fake of it for `memory://` (one process only)."""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import redis
from redis.exceptions import LockError, RedisError

if TYPE_CHECKING:
    import fakeredis

log = logging.getLogger(__name__)


class StoreUnavailable(RuntimeError):
    """Redis could not be reached or answered with an error."""


class Busy(RuntimeError):
    """A lock could not be taken in time."""


def connect(url: str, socket_timeout: float) -> redis.Redis:
    """Open a Redis client; `memory://` gives an in-process store."""
    if url.startswith("memory://"):
        return _memory(url)
    return redis.Redis.from_url(url, socket_timeout=socket_timeout,
                                socket_connect_timeout=socket_timeout,
                                health_check_interval=30)


def _memory(url: str) -> redis.Redis:
    """An in-process store; one per URL, so a restarted app in this process finds its keys."""
    import fakeredis  # only the embedded default needs it

    server = _MEMORY_SERVERS.setdefault(url, fakeredis.FakeServer())
    return fakeredis.FakeRedis(server=server)


_MEMORY_SERVERS: dict[str, fakeredis.FakeServer] = {}


class Store:
    """Keys that may be lost and rebuilt: dedupe, locks, drafts, counters, caches."""

    def __init__(self, client: redis.Redis, prefix: str = "yv:") -> None:
        self.redis = client
        self.prefix = prefix
        self._scripts: dict[str, Any] = {}

    def key(self, *parts: object) -> str:
        """Build a namespaced key."""
        return self.prefix + ":".join(str(p) for p in parts)

    def ping(self) -> bool:
        """Whether the store answers."""
        try:
            return bool(self.redis.ping())
        except RedisError:
            return False

    def set_json(self, key: str, value: Any, ttl: int | None = None) -> None:
        """Write a JSON value with an optional expiry in seconds."""
        self._call(self.redis.set, key, json.dumps(value, ensure_ascii=False), ex=ttl)

    def delete(self, *keys: str) -> None:
        """Remove keys."""
        if keys:
            self._call(self.redis.delete, *keys)

    def claim(self, key: str, value: str, ttl: int) -> bool:
        """Set key only if absent; True when this caller got it."""
        return bool(self._call(self.redis.set, key, value, nx=True, ex=ttl))

    def get(self, key: str) -> bytes | None:
        """Read raw bytes."""
        return self._call(self.redis.get, key)

    def put(self, key: str, value: bytes | str, ttl: int | None = None) -> None:
        """Write raw bytes."""
        self._call(self.redis.set, key, value, ex=ttl)

    def incr(self, key: str, ttl: int) -> int:
        """Increment a counter that expires ttl seconds after its first use."""
        pipe = self.redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, ttl, nx=True)
        return int(self._call(pipe.execute)[0])

    def script(self, source: str, keys: list[str], args: list[Any]) -> Any:
        """Run a Lua script atomically, by its digest (EVALSHA, loading it when the server lacks it)."""
        script = self._scripts.get(source)
        if script is None:
            script = self._scripts[source] = self.redis.register_script(source)
        return self._call(script, keys=keys, args=args)

    @contextmanager
    def lock(self, name: str, timeout: float, wait: float) -> Iterator[None]:
        """Hold a named lock for at most `timeout` s, waiting at most `wait` s for it."""
        lock = self.redis.lock(self.key("lock", name), timeout=timeout, blocking_timeout=wait)
        if not self._call(lock.acquire):
            raise Busy(name)
        try:
            yield
        finally:
            try:
                lock.release()
            except (LockError, RedisError):
                log.warning("store: lock %s expired before release", name)

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a Redis call, mapping its failures to StoreUnavailable."""
        try:
            return fn(*args, **kwargs)
        except RedisError as exc:
            raise StoreUnavailable(str(exc)) from exc
