"""The exactly-once gate: a message's store steps, fused into two atomic round trips.

`open_gate` claims the dedupe key and takes the user's lock in one Lua call; `close_gate`
stores the answer for retries (or forgets the claim) and releases the lock in another. The
guarantees are those of the separate steps: the claim comes before any side effect, the lock is
only ever released by its holder, and a retry sees either the pending marker or the first
delivery's bytes.
"""
from __future__ import annotations

import dataclasses
import secrets
import time

from bot.store import Store

# KEYS: dedupe, lock. ARGV: pending marker, dedupe ttl (s), lock token, lock ttl (ms).
# -> {0, the first delivery's value} | {1} claimed, lock busy | {2} claimed and locked
OPEN = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'EX', ARGV[2]) then
  return {0, redis.call('GET', KEYS[1])}
end
if not redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[4]) then return {1} end
return {2}
"""
# KEYS: lock. ARGV: lock token, lock ttl (ms). -> {1} busy | {2} locked
LOCK = """
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1} end
return {2}
"""
# KEYS: dedupe, lock[, the read caches' "told" flag]. ARGV: answer ('' forgets the claim), dedupe
# ttl (s), lock token ('' none), the read caches' channel ('' none), what to say there. A kept
# answer may follow a change: every worker's read cache hears of it (bot/read_cache.py) in this
# same round trip. With the flag, the change shows only in the public answers, and it is said
# only when the flag was down: no worker has computed a public answer since the last time.
CLOSE = """
if ARGV[1] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) == ARGV[3] then redis.call('DEL', KEYS[2]) end
if ARGV[1] ~= '' and ARGV[4] ~= '' and (#KEYS < 3 or redis.call('SET', KEYS[3], '1', 'NX')) then
  redis.call('PUBLISH', ARGV[4], ARGV[5])
end
return 1
"""
LOCK_POLL_SECONDS = 0.05


@dataclasses.dataclass(frozen=True)
class Gate:
    """One message's keys and lock token."""

    dedupe: str
    lock: str
    openid: str = ""
    token: str = dataclasses.field(default_factory=lambda: secrets.token_hex(8))


@dataclasses.dataclass(frozen=True)
class Opened:
    """What `open_gate` found: a first delivery (locked or not) or the first one's value."""

    first: bool
    locked: bool = False
    earlier: bytes | None = None     # a retry: the pending marker or the first answer


def gate(store: Store, openid: str, dedupe_id: str) -> Gate:
    """The keys of one message (the lock's is the one `Store.lock("user:<openid>")` uses)."""
    return Gate(store.key("dedupe", openid, dedupe_id), store.key("lock", f"user:{openid}"), openid)


def open_gate(store: Store, d: Gate, pending: bytes, dedupe_ttl: int,
                  lock_seconds: float) -> Opened:
    """Claim the message and, when free, take the user's lock."""
    keys = [d.dedupe, d.lock]
    answer = store.script(OPEN, keys, [pending, dedupe_ttl, d.token, int(lock_seconds * 1000)])
    if answer[0] == 0:
        return Opened(first=False, earlier=answer[1])
    return Opened(first=True, locked=answer[0] == 2)


def wait_lock(store: Store, d: Gate, lock_seconds: float, wait: float) -> Opened | None:
    """Poll for the user's lock for at most `wait` s; None when it stays busy."""
    until = time.monotonic() + wait
    while True:
        answer = store.script(LOCK, [d.lock], [d.token, int(lock_seconds * 1000)])
        if answer[0] == 2:
            return Opened(first=True, locked=True)
        if time.monotonic() + LOCK_POLL_SECONDS > until:
            return None
        time.sleep(LOCK_POLL_SECONDS)


@dataclasses.dataclass(frozen=True)
class Announce:
    """Where a kept answer's change is said: the read caches' channel, and for a change seen only
    in the public answers, the flag that says it once per computed answer and what to say."""

    channel: str
    told: str = ""
    answers: str = ""


def close_gate(store: Store, d: Gate, body: bytes | None, dedupe_ttl: int,
               locked: bool = True, announce: Announce | None = None) -> None:
    """Remember the answer for retries (None: forget the claim), release our lock, and say on
    the channel that the sender may have changed (or, with a flag, that the public answers did)."""
    keys, said = [d.dedupe, d.lock], d.openid
    if announce is not None and announce.told:
        keys, said = [*keys, announce.told], announce.answers
    store.script(CLOSE, keys, [body or b"", dedupe_ttl, d.token if locked else "",
                               announce.channel if announce else "", said])
